// SPDX-License-Identifier: Apache-2.0
// Process figures from /proc for the process_* metrics: CPU time, resident
// memory and open descriptors of one process, read the way Prometheus client
// libraries read them (/proc/<pid>/stat, /proc/<pid>/fd). Works for any
// process of the same user, so one worker can read the master and its
// siblings. Thread-safe (no state).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace restd::app::metrics {

struct ProcessSample {
    double cpuSeconds = 0;          // user + system of the process itself
    double reapedChildSeconds = 0;  // user + system of the children it has waited for
    uint64_t residentBytes = 0;
    uint64_t openFds = 0;
};

// nullopt when the process is gone or /proc cannot be read.
std::optional<ProcessSample> sampleProcess(pid_t pid);

// Parses the text of /proc/<pid>/stat (the command name may hold spaces and
// parentheses). nullopt when it is not that shape.
std::optional<ProcessSample> parseProcStat(std::string_view text, long ticksPerSecond,
                                           long pageSize);

}  // namespace restd::app::metrics
