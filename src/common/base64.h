// SPDX-License-Identifier: Apache-2.0
// base64url (RFC 4648 section 5) without padding, as JWTs and restd's list
// cursors carry bytes in URLs and headers. Decoding is strict: one text per
// byte string (no padding, no blanks, unused trailing bits zero). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace restd::common {

std::string base64UrlEncode(std::string_view bytes);
// nullopt for a character outside the alphabet, a length no encoding has,
// or nonzero trailing bits.
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace restd::common
