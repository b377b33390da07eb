// SPDX-License-Identifier: Apache-2.0
// SHA-256 and HMAC-SHA256 through OpenSSL's EVP interfaces. Every token check,
// ETag and cursor goes through here, so the algorithms are fetched once per
// process and each thread keeps its contexts: a call costs the hashing itself,
// not a provider lookup and a context set-up (OpenSSL's one-shot HMAC() and
// SHA256() do both on every call). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace restd::common {

// 32 raw bytes.
std::string sha256(std::string_view data);
// 32 raw bytes. A thread keeps the keyed state of the last few keys it used
// (the JWT secret, the cursor keys derived from it), so a key's pads are
// hashed once, not on every call.
std::string hmacSha256(std::string_view key, std::string_view data);

}  // namespace restd::common
