// SPDX-License-Identifier: Apache-2.0
// Idempotent retries of POST (docs/api.md "Idempotent retries"; IETF httpapi
// Idempotency-Key draft). The dispatcher claims (user, key) in MariaDB
// before the handler runs, stores the finished response, and answers a retry
// from the stored copy. Records live 24 hours; a claim whose request never
// finished (the worker died) is taken over after kAbandonedAfter.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "db/pool.h"
#include "http/request.h"
#include "http/response.h"

namespace restd::app::idempotency {

inline constexpr std::chrono::hours kKeepFor{24};
inline constexpr std::chrono::seconds kAbandonedAfter{60};

struct Key {
    std::string caller;       // "user:<id>"
    std::string key;          // the header's value
    std::string fingerprint;  // SHA-256 hex of method, path, query, content type and body
};

// The key of `req`, which carries Idempotency-Key, for authenticated user
// `userId`. Only known callers get records: an anonymous request's key is
// ignored before this is called (router::honoursIdempotencyKey), so a client
// cannot make restd keep a row for each new key it sends. Throws 400
// VALIDATION_ERROR (location "header") for a key that is not 1-255 printable
// ASCII characters.
Key keyOf(const http::Request& req, int64_t userId);

// Claims the key for this request: returns true when the caller should run
// it (then finish() must follow). Returns false after writing the stored
// response of an earlier identical request into `res` (with
// Idempotent-Replayed: true; an error body gets this request's `requestId`). Throws 422
// IDEMPOTENCY_KEY_MISMATCH when the key was used for another request, 409 IDEMPOTENCY_IN_PROGRESS
// while the first one runs, db::Error when MariaDB fails.
bool claim(db::Pool& pool, const Key& key, std::string_view requestId, http::Response& res);

// Stores the final response (status < 500) for replay, or drops the claim
// (5xx: a retry may run again). Never throws; a failure is logged.
void finish(db::Pool& pool, const Key& key, const http::Response& res) noexcept;

}  // namespace restd::app::idempotency
