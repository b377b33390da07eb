#include "common/time.h"

#include <ctime>

namespace restd::common {

std::string isoTime(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
    return buf;
}

std::string isoFromSql(std::string_view s) {
    // "YYYY-MM-DD HH:MM:SS[.fff]"
    std::string out(s.substr(0, 19));
    if (out.size() == 19) out[10] = 'T';
    std::string_view frac = s.size() > 20 ? s.substr(20) : std::string_view{};
    out += '.';
    for (size_t i = 0; i < 3; ++i) out += i < frac.size() ? frac[i] : '0';
    out += 'Z';
    return out;
}

}  // namespace restd::common
