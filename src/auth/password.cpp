// SPDX-License-Identifier: Apache-2.0
#include "auth/password.h"

#include <crypt.h>
#include <openssl/crypto.h>

#include <memory>

namespace restd::auth {

std::optional<std::string> hashPassword(std::string_view password, int cost) {
    if (password.size() > kMaxPasswordBytes || password.find('\0') != std::string_view::npos)
        return std::nullopt;
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, salt, sizeof salt))
        return std::nullopt;
    auto data = std::make_unique<crypt_data>();
    std::string pw(password);
    const char* out = crypt_rn(pw.c_str(), salt, data.get(), sizeof(crypt_data));
    if (!out || out[0] == '*') return std::nullopt;
    return std::string(out);
}

bool verifyPassword(std::string_view password, std::string_view hash) {
    if (password.size() > kMaxPasswordBytes || password.find('\0') != std::string_view::npos)
        return false;
    auto data = std::make_unique<crypt_data>();
    std::string pw(password), setting(hash);
    const char* out = crypt_rn(pw.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
    if (!out || out[0] == '*') return false;
    std::string_view computed(out);
    return computed.size() == hash.size() &&
           CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
}

}  // namespace restd::auth
