// SPDX-License-Identifier: Apache-2.0
#include "app/process_stats.h"

#include <dirent.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace restd::app::metrics {

namespace {

// Fields of /proc/<pid>/stat (proc(5), numbered from 1) after "pid (comm)".
constexpr int kFirstField = 3;  // state
constexpr int kUtime = 14, kStime = 15, kCutime = 16, kCstime = 17, kRss = 24;

uint64_t countOpenFds(pid_t pid) {
    std::string path = "/proc/" + std::to_string(pid) + "/fd";
    DIR* dir = opendir(path.c_str());
    if (!dir) return 0;
    uint64_t n = 0;
    while (const dirent* entry = readdir(dir)) {
        if (entry->d_name[0] != '.') ++n;
    }
    closedir(dir);
    return n;
}

}  // namespace

std::optional<ProcessSample> parseProcStat(std::string_view text, long ticksPerSecond,
                                           long pageSize) {
    size_t close = text.rfind(')');
    if (close == std::string_view::npos || ticksPerSecond <= 0 || pageSize <= 0) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(close + 1);
    int64_t values[kRss + 1] = {};
    int field = kFirstField;
    while (field <= kRss) {
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.empty()) return std::nullopt;
        size_t end = rest.find_first_of(" \n");
        std::string_view token = rest.substr(0, end);
        rest.remove_prefix(token.size());
        if (field > kFirstField) {
            auto [ptr, ec] =
                std::from_chars(token.data(), token.data() + token.size(), values[field]);
            if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
        }
        ++field;
    }
    const double tick = 1.0 / static_cast<double>(ticksPerSecond);
    ProcessSample s;
    s.cpuSeconds = static_cast<double>(values[kUtime] + values[kStime]) * tick;
    s.reapedChildSeconds = static_cast<double>(values[kCutime] + values[kCstime]) * tick;
    s.residentBytes = values[kRss] > 0
                          ? static_cast<uint64_t>(values[kRss]) * static_cast<uint64_t>(pageSize)
                          : 0;
    return s;
}

std::optional<ProcessSample> sampleProcess(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    if (!in) return std::nullopt;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    static const long ticks = sysconf(_SC_CLK_TCK);
    static const long pageSize = sysconf(_SC_PAGESIZE);
    auto sample = parseProcStat(text, ticks, pageSize);
    if (sample) sample->openFds = countOpenFds(pid);
    return sample;
}

}  // namespace restd::app::metrics
