// SPDX-License-Identifier: Apache-2.0
// The version restd reports in /health and --version.
#pragma once

namespace restd::common {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace restd::common
