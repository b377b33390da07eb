// SPDX-License-Identifier: Apache-2.0
#include "resources/auth/throttle.h"

#include "common/digest.h"

namespace restd::auth_tokens::throttle {

namespace {

static_assert(kFreeFailures >= 1 && kMaxDelaySeconds >= 1);

// Whole seconds left, rounded up, while refused.
constexpr std::string_view kSecondsBlocked =
    "SELECT CAST(CEIL(TIMESTAMPDIFF(MICROSECOND, NOW(3), blocked_until) / 1000000) AS SIGNED) "
    "FROM login_throttle WHERE account_key = ? AND blocked_until > NOW(3)";

// MariaDB evaluates the assignments left to right, each seeing the ones
// before: `blocked_until` reads the new count. The k-th failure past
// kFreeFailures - 1 refuses the account for 2^(k - kFreeFailures) seconds.
const std::string kRecordFailure =
    "INSERT INTO login_throttle (account_key, failures, blocked_until, last_failure_at) "
    "VALUES (?, 1, IF(1 >= " +
    std::to_string(kFreeFailures) + ", NOW(3) + INTERVAL 1 SECOND, NULL), NOW(3)) " +
    "ON DUPLICATE KEY UPDATE "
    "failures = IF(last_failure_at < NOW(3) - INTERVAL " +
    std::to_string(kForgetAfterSeconds) + " SECOND, 1, failures + 1), " +
    "blocked_until = IF(failures >= " + std::to_string(kFreeFailures) +
    ", NOW(3) + INTERVAL LEAST(" + std::to_string(kMaxDelaySeconds) + ", 1 << LEAST(failures - " +
    std::to_string(kFreeFailures) + ", 30)) SECOND, NULL), " + "last_failure_at = NOW(3)";

// Rows of accounts nobody has tried for a day, a few at a time.
const std::string kForgetOld =
    "DELETE FROM login_throttle WHERE last_failure_at < NOW(3) - INTERVAL " +
    std::to_string(kForgetAfterSeconds) + " SECOND LIMIT 100";

constexpr std::string_view kReset = "DELETE FROM login_throttle WHERE account_key = ?";

}  // namespace

// Keyed by the current signing key alone: a rotation starts every count
// again from zero (README "Rotating the signing key").
std::string accountKey(const config::Config& config, std::string_view email) {
    return common::hmacSha256(config.jwtKeys.current().secret,
                              "login-throttle:" + std::string(email));
}

void refuseWhileBlocked(db::Connection& conn, std::string_view key) {
    db::Rows rows = conn.prepare(kSecondsBlocked).bind(key).query();
    if (!rows.next()) return;
    int64_t seconds = rows.getInt64(1);
    if (seconds < 1) seconds = 1;
    throw std::move(http::ApiError(http::ErrorCode::RateLimited,
                                   "Too many failed logins for this account; retry later")
                        .withHeader("Retry-After", std::to_string(seconds)));
}

void recordFailure(db::Connection& conn, std::string_view key) {
    conn.prepare(kRecordFailure).bind(key).execute();
    conn.prepare(kForgetOld).execute();
}

void reset(db::Connection& conn, std::string_view key) { conn.prepare(kReset).bind(key).execute(); }

}  // namespace restd::auth_tokens::throttle
