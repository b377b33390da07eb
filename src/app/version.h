// The version restd reports in /health and --version.
#pragma once

namespace restd::app {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace restd::app
