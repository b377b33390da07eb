// SPDX-License-Identifier: Apache-2.0
#include "common/key_set.h"

#include <algorithm>

#include "common/digest.h"
#include "common/hex.h"

namespace restd::common {

std::string keyId(std::string_view secret) {
    return toHex(std::string_view(hmacSha256(secret, "restd key id")).substr(0, kKeyIdChars / 2));
}

bool isKeyId(std::string_view text) {
    return text.size() == kKeyIdChars && std::all_of(text.begin(), text.end(), [](char ch) {
               return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
           });
}

namespace {

// An empty key (that of a Config not read yet) has no id, which no kid matches.
SigningKey keyOf(std::string_view secret) {
    return {std::string(secret), secret.empty() ? std::string() : keyId(secret)};
}

}  // namespace

KeySet::KeySet() : keys_{SigningKey{}} {}

KeySet::KeySet(std::string_view current, const std::vector<std::string>& previous) {
    keys_.reserve(1 + previous.size());
    keys_.push_back(keyOf(current));
    for (const std::string& key : previous) keys_.push_back(keyOf(key));
}

const SigningKey* KeySet::find(std::string_view id) const {
    for (const SigningKey& key : keys_) {
        if (key.id == id) return &key;
    }
    return nullptr;
}

KeySet KeySet::derive(std::string_view label) const {
    KeySet derived = *this;
    for (SigningKey& key : derived.keys_) key.secret = hmacSha256(key.secret, label);
    return derived;
}

}  // namespace restd::common
