// SPDX-License-Identifier: Apache-2.0
// Password hashing with bcrypt ($2b$) from libcrypt (libxcrypt): salts come
// from the library's own entropy source. Verification accepts any $2a$/$2b$/$2y$
// hash, including those made by Node's bcrypt package. Thread-safe (uses the
// reentrant crypt_rn with a per-call buffer).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace restd::auth {

// bcrypt reads at most 72 bytes; longer passwords are rejected by validation.
inline constexpr size_t kMaxPasswordBytes = 72;

// nullopt when libcrypt fails (bad cost, no entropy).
std::optional<std::string> hashPassword(std::string_view password, int cost);
bool verifyPassword(std::string_view password, std::string_view hash);

}  // namespace restd::auth
