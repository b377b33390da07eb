// SPDX-License-Identifier: Apache-2.0
#include "common/digest.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace restd::common {

namespace {

constexpr size_t kSha256Size = 32;
// Keys a thread keeps keyed contexts for: the JWT secret and one cursor key
// per listed resource fit.
constexpr size_t kKeyedContexts = 6;

const EVP_MD* sha256Algorithm() {
    static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) throw std::runtime_error("SHA-256 is not available");
    return md;
}

EVP_MAC* hmacAlgorithm() {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) throw std::runtime_error("HMAC is not available");
    return mac;
}

struct DigestContext {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    DigestContext() = default;
    DigestContext(const DigestContext&) = delete;
    DigestContext& operator=(const DigestContext&) = delete;
    ~DigestContext() { EVP_MD_CTX_free(ctx); }
};

// One key's HMAC context. EVP_MAC_init with a null key restarts it with the
// key it holds (the inner and outer pads stay hashed).
struct KeyedMac {
    EVP_MAC_CTX* ctx = nullptr;
    std::string key;
    KeyedMac() = default;
    KeyedMac(const KeyedMac&) = delete;
    KeyedMac& operator=(const KeyedMac&) = delete;
    ~KeyedMac() { reset(); }

    void reset() {
        EVP_MAC_CTX_free(ctx);
        ctx = nullptr;
        OPENSSL_cleanse(key.data(), key.size());
        key.clear();
    }
    bool rekey(std::string_view newKey) {
        reset();
        ctx = EVP_MAC_CTX_new(hmacAlgorithm());
        if (ctx == nullptr) return false;
        char digestName[] = "SHA256";
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digestName, 0),
            OSSL_PARAM_construct_end()};
        if (EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(newKey.data()), newKey.size(),
                         params) != 1) {
            reset();
            return false;
        }
        key.assign(newKey);
        return true;
    }
};

// The thread's context for `key`: one it holds, or the least recently keyed
// one, keyed anew.
KeyedMac& macFor(std::string_view key) {
    thread_local std::array<KeyedMac, kKeyedContexts> macs;
    thread_local size_t next = 0;
    for (KeyedMac& m : macs) {
        if (m.ctx == nullptr || m.key != key) continue;
        if (EVP_MAC_init(m.ctx, nullptr, 0, nullptr) == 1) return m;
        m.reset();  // keyed anew below
    }
    KeyedMac& m = macs[next];
    next = (next + 1) % macs.size();
    if (!m.rekey(key)) throw std::runtime_error("HMAC-SHA256 key set-up failed");
    return m;
}

}  // namespace

std::string sha256(std::string_view data) {
    thread_local DigestContext context;
    std::string out(kSha256Size, '\0');
    unsigned int len = 0;
    if (context.ctx == nullptr ||
        EVP_DigestInit_ex2(context.ctx, sha256Algorithm(), nullptr) != 1 ||
        EVP_DigestUpdate(context.ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(context.ctx, reinterpret_cast<unsigned char*>(out.data()), &len) != 1 ||
        len != kSha256Size) {
        throw std::runtime_error("SHA-256 failed");
    }
    return out;
}

std::string hmacSha256(std::string_view key, std::string_view data) {
    KeyedMac& m = macFor(key);
    std::string out(kSha256Size, '\0');
    size_t len = 0;
    if (EVP_MAC_update(m.ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
            1 ||
        EVP_MAC_final(m.ctx, reinterpret_cast<unsigned char*>(out.data()), &len, out.size()) != 1 ||
        len != kSha256Size) {
        m.reset();  // its state is unknown now
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return out;
}

}  // namespace restd::common
