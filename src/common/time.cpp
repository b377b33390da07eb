// SPDX-License-Identifier: Apache-2.0
#include "common/time.h"

#include <cstring>
#include <ctime>

namespace restd::common {

void formatIsoTime(std::chrono::system_clock::time_point t, char* out) {
    using namespace std::chrono;
    auto secs = floor<seconds>(t.time_since_epoch());
    auto millis =
        static_cast<int>(duration_cast<milliseconds>(t.time_since_epoch() - secs).count());
    // "YYYY-MM-DDTHH:MM:SS" of the last second this thread formatted.
    thread_local seconds cachedSecs = seconds::min();
    thread_local char cached[20];
    if (secs != cachedSecs) {
        std::time_t tt = static_cast<std::time_t>(secs.count());
        std::tm tm{};
        gmtime_r(&tt, &tm);
        if (std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm) != 19)
            std::memcpy(cached, "0000-00-00T00:00:00", 20);  // a year past 9999
        cachedSecs = secs;
    }
    std::memcpy(out, cached, 19);
    out[19] = '.';
    out[20] = static_cast<char>('0' + millis / 100);
    out[21] = static_cast<char>('0' + millis / 10 % 10);
    out[22] = static_cast<char>('0' + millis % 10);
    out[23] = 'Z';
}

std::string isoTime(std::chrono::system_clock::time_point t) {
    std::string out(kIsoTimeSize, '\0');
    formatIsoTime(t, out.data());
    return out;
}

std::string isoFromSql(std::string s) {
    // "YYYY-MM-DD HH:MM:SS[.ffffff]": milliseconds, padded with zeros.
    char millis[3] = {'0', '0', '0'};
    for (size_t i = 0; i < 3 && 20 + i < s.size(); ++i) millis[i] = s[20 + i];
    if (s.size() > 19) s.resize(19);
    if (s.size() == 19) s[10] = 'T';
    s += '.';
    s.append(millis, 3);
    s += 'Z';
    return s;
}

}  // namespace restd::common
