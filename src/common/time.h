// SPDX-License-Identifier: Apache-2.0
// Timestamps in the one format the API speaks: ISO 8601 UTC with
// milliseconds, "2026-11-22T23:34:45.123Z". Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace restd::common {

std::string isoTime(std::chrono::system_clock::time_point t);
// The same 24 characters written to `out` (no terminating null): what a log
// line uses, without a string of its own. A thread formats each second once.
inline constexpr size_t kIsoTimeSize = 24;
void formatIsoTime(std::chrono::system_clock::time_point t, char* out);
inline std::string isoNow() { return isoTime(std::chrono::system_clock::now()); }

// MariaDB DATETIME(3) text ("2026-11-22 23:34:45.123", UTC session) -> ISO
// form, rewritten in place (a column read straight into it allocates once).
// Repositories select timestamps as `CAST(col AS CHAR) col`: the server's own
// conversion is the cheapest on both sides. DATE_FORMAT interprets its
// pattern for every value, and a bare DATETIME column, cheaper for the
// server, costs the connector an snprintf per value read as a string (more
// than the rest of a row). The alias matters too: Connector/C++ upper-cases
// every column name into a map on each execution, and the name of an
// unaliased CAST is its whole text.
std::string isoFromSql(std::string sqlDatetime);

}  // namespace restd::common
