// SPDX-License-Identifier: Apache-2.0
// The keys that sign and verify what restd hands out for itself to check
// later (access tokens, list cursors): the current key, which signs, and the
// previous keys, which only verify, so that a key is rotated without refusing
// what the old one signed (README "Rotating the signing key").
//
// Each key has an id (a JWT "kid") derived from the key itself, so every host
// holding the same key agrees on its id without configuring one: the lowercase
// hex of the first 8 bytes of HMAC-SHA256(key, "restd key id"). The id says
// which key to check a signature against; it reveals nothing of the key.
// Immutable once built; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace restd::common {

inline constexpr size_t kKeyIdChars = 16;

std::string keyId(std::string_view secret);
// 16 lowercase hex digits: the form keyId() writes.
bool isKeyId(std::string_view text);

struct SigningKey {
    std::string secret;
    std::string id;  // keyId(secret), or that of the key it was derived from; empty for ""
    bool operator==(const SigningKey&) const = default;
};

class KeySet {
  public:
    // One empty key (a Config before it is read).
    KeySet();
    explicit KeySet(std::string_view current, const std::vector<std::string>& previous = {});

    const SigningKey& current() const { return keys_.front(); }
    // The current key first, then the previous ones in their order.
    const std::vector<SigningKey>& all() const { return keys_; }
    // The key whose id is `id`; nullptr when there is none.
    const SigningKey* find(std::string_view id) const;
    // The same keys each replaced by HMAC-SHA256(key, label), keeping the
    // ids: a key for one purpose (one resource's cursors) that still names
    // the key it came from.
    KeySet derive(std::string_view label) const;

    bool operator==(const KeySet&) const = default;

  private:
    std::vector<SigningKey> keys_;
};

}  // namespace restd::common
