// SPDX-License-Identifier: Apache-2.0
// Entity tags (RFC 9110 section 8.8.3) for GET responses, and the two
// precondition tests: If-None-Match (GET/HEAD -> 304) and If-Match
// (PUT/PATCH/DELETE -> 412). A tag is a hash of the serialised body, so it is
// strong: equal tags mean byte-equal bodies.
#pragma once

#include <string>
#include <string_view>

namespace restd::http {

// "\"<32 hex digits>\"": the first 128 bits of SHA-256(body), quoted.
std::string etagOf(std::string_view body);

// If-None-Match holds (the client's copy is current) when any listed tag
// equals `etag` by weak comparison (W/ ignored), or the header is "*".
bool noneMatchHits(std::string_view header, std::string_view etag);

// If-Match holds when the header is "*" or lists `etag` by strong comparison
// (a W/ tag never matches).
bool ifMatchHolds(std::string_view header, std::string_view etag);

}  // namespace restd::http
