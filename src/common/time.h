// Timestamps in the one format the API speaks: ISO 8601 UTC with
// milliseconds, "2026-11-22T23:34:45.123Z". Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace restd::common {

std::string isoTime(std::chrono::system_clock::time_point t);
inline std::string isoNow() { return isoTime(std::chrono::system_clock::now()); }

// MariaDB DATETIME(3) text ("2026-11-22 23:34:45.123", UTC session) -> ISO form.
std::string isoFromSql(std::string_view sqlDatetime);

}  // namespace restd::common
