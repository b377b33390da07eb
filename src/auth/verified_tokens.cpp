// SPDX-License-Identifier: Apache-2.0
#include "auth/verified_tokens.h"

#include <openssl/crypto.h>

#include <functional>

namespace restd::auth {

size_t VerifiedTokens::slotOf(std::string_view token) {
    return std::hash<std::string_view>{}(token) % kSlots;
}

const Claims* VerifiedTokens::find(std::string_view token, const common::KeySet& keys) const {
    if (token.empty() || token.size() > kMaxTokenBytes || keys != keys_) return nullptr;
    const Slot& slot = slots_[slotOf(token)];
    if (slot.token.size() != token.size() ||
        CRYPTO_memcmp(slot.token.data(), token.data(), token.size()) != 0) {
        return nullptr;
    }
    return &slot.claims;
}

void VerifiedTokens::remember(std::string_view token, const common::KeySet& keys,
                              const Claims& claims) {
    if (token.empty() || token.size() > kMaxTokenBytes) return;
    if (keys != keys_) {
        for (Slot& s : slots_) s.token.clear();
        keys_ = keys;
    }
    Slot& slot = slots_[slotOf(token)];
    slot.token.assign(token);
    slot.claims = claims;
}

}  // namespace restd::auth
