// SPDX-License-Identifier: Apache-2.0
// Per-account login throttling (docs/api.md "Auth"): failed logins are
// counted per account in MariaDB (table login_throttle), so every worker and
// host sees them. After kFreeFailures failures in a row the account is
// refused with 429 RATE_LIMITED and Retry-After for a delay that starts at
// one second and doubles with each further failure, up to kMaxDelaySeconds;
// never a permanent lockout. A success resets the count.
//
// The key is an HMAC of the normalised email, computed the same way whether
// or not an account has that email: a 429 tells nothing about who exists.
// Takes the caller's connection; throws db::Error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "db/connection.h"
#include "http/api_error.h"

namespace restd::auth_tokens::throttle {

inline constexpr int kFreeFailures = 5;
inline constexpr int kMaxDelaySeconds = 900;
// A count with no failure for this long starts again from zero.
inline constexpr int kForgetAfterSeconds = 86400;

// 32 raw bytes for an email already trimmed and lower-cased.
std::string accountKey(const config::Config& config, std::string_view email);

// Throws 429 RATE_LIMITED with Retry-After while the account is refused.
void refuseWhileBlocked(db::Connection& conn, std::string_view key);
// One more failure; starts or lengthens the refusal past kFreeFailures.
void recordFailure(db::Connection& conn, std::string_view key);
// A success: the count starts again from zero.
void reset(db::Connection& conn, std::string_view key);

}  // namespace restd::auth_tokens::throttle
