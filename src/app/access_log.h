// SPDX-License-Identifier: Apache-2.0
// The access log: one "request" line per request served (and a "slow
// request" warning past SLOW_REQUEST_MS), the format operators and their
// tools read. Apart from the FastCGI I/O because its fields are a contract of
// their own; in a header, always inlined, because it runs on every request:
// it is compiled into serveOne (fcgi_io.cpp) rather than called.
#pragma once

#include <chrono>
#include <cstdint>

#include "app/dispatcher.h"
#include "common/log.h"
#include "config/config.h"
#include "http/request.h"

namespace restd::app {

// A request's duration in milliseconds as the log shows it (to the microsecond).
inline double durationMs(std::chrono::nanoseconds took) {
    double ms = std::chrono::duration<double, std::milli>(took).count();
    return static_cast<double>(static_cast<int64_t>(ms * 1000)) / 1000;
}

// Longer than SLOW_REQUEST_MS: a "slow request" line and restd_slow_requests_total.
inline bool slowRequest(const config::Config& config, std::chrono::nanoseconds took) {
    return config.slowRequestMs > 0 && durationMs(took) > config.slowRequestMs;
}

// Logs the request `req`, answered with `status`, that took `took`.
[[gnu::always_inline]] inline void logRequest(const config::Config& config,
                                              const http::Request& req, int status,
                                              const Served& served, std::chrono::nanoseconds took) {
    const double ms = durationMs(took);
    log::Field userId = served.userId ? log::Field("userId", static_cast<int64_t>(*served.userId))
                                      : log::Field("userId", nullptr);
    log::info("request", {{"requestId", req.requestId()},
                          {"method", req.methodText()},
                          {"route", served.route},
                          {"path", req.path()},
                          {"status", status},
                          {"durationMs", ms},
                          userId});
    if (slowRequest(config, took)) {
        log::warn("slow request", {{"requestId", req.requestId()},
                                   {"method", req.methodText()},
                                   {"route", served.route},
                                   {"path", req.path()},
                                   {"durationMs", ms}});
    }
}

}  // namespace restd::app
