// SPDX-License-Identifier: Apache-2.0
// The access tokens a thread has verified lately, with their claims. A client
// sends the same token with every request until it expires, and checking it
// again (base64, HMAC-SHA256, JSON) is a large part of a small GET's own
// work. What a hit skips is a pure function of the token's bytes and the
// keys, so the answer cannot differ from verifyToken()'s; the time checks
// are not skipped (the caller compares `exp` to the clock on every request)
// and neither is the token version, which the caller check (auth/authenticate.h) reads from the
// database on every request: a revocation takes effect at once.
//
// Direct-mapped: a token has one slot, and a newer token there replaces it.
// The comparison that finds a hit runs in constant time, so a forged token
// learns nothing of the one it collides with. Only verified tokens enter;
// tokens longer than kMaxTokenBytes are verified every time. One per thread
// (not thread-safe).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "auth/jwt.h"

namespace restd::auth {

class VerifiedTokens {
  public:
    static constexpr size_t kSlots = 64;
    static constexpr size_t kMaxTokenBytes = 512;

    // The claims `token` had when it was verified under `keys`; nullptr
    // when it was not (or was pushed out since). Valid until the next call.
    const Claims* find(std::string_view token, const common::KeySet& keys) const;
    // Records a token that verifyToken() accepted under `keys`. Other keys
    // empty the cache.
    void remember(std::string_view token, const common::KeySet& keys, const Claims& claims);

  private:
    struct Slot {
        std::string token;  // empty: unused
        Claims claims;
    };
    static size_t slotOf(std::string_view token);

    common::KeySet keys_;
    std::array<Slot, kSlots> slots_;
};

}  // namespace restd::auth
