#include "auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <stdexcept>

namespace restd::auth {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

int decodeChar(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

std::optional<rapidjson::Document> parseObject(std::string_view b64) {
    auto json = base64UrlDecode(b64);
    if (!json) return std::nullopt;
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag>(json->data(), json->size());
    if (d.HasParseError() || !d.IsObject()) return std::nullopt;
    return d;
}

std::optional<int64_t> intMember(const rapidjson::Value& obj, const char* name) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    return it->value.GetInt64();
}

std::optional<std::string_view> strMember(const rapidjson::Value& obj, const char* name) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || !it->value.IsString()) return std::nullopt;
    return std::string_view(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

std::string base64UrlEncode(std::string_view in) {
    std::string out;
    out.reserve((in.size() * 4 + 2) / 3);
    size_t i = 0;
    auto byte = [&](size_t k) { return static_cast<unsigned char>(in[k]); };
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (in.size() - i == 1) {
        uint32_t v = byte(i) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
    } else if (in.size() - i == 2) {
        uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

std::optional<std::string> base64UrlDecode(std::string_view in) {
    if (in.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(in.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = decodeChar(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    // Leftover bits must be zero: one text, one encoding.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::string hmacSha256(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len)) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<char*>(mac), len);
}

std::string sha256(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr)) {
        throw std::runtime_error("SHA-256 failed");
    }
    return std::string(reinterpret_cast<char*>(md), len);
}

std::string randomBytes(size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    return out;
}

std::string signToken(const Claims& c, std::string_view secret) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("sub");
    std::string sub = std::to_string(c.sub);
    w.String(sub.c_str());
    w.Key("role");
    w.String(c.role.c_str());
    w.Key("ver");
    w.Int64(c.ver);
    w.Key("iat");
    w.Int64(c.iat);
    w.Key("exp");
    w.Int64(c.exp);
    w.Key("iss");
    w.String(kIssuer.data(), static_cast<rapidjson::SizeType>(kIssuer.size()));
    w.EndObject();
    std::string signingInput =
        base64UrlEncode(kHeader) + "." + base64UrlEncode({buf.GetString(), buf.GetSize()});
    return signingInput + "." + base64UrlEncode(hmacSha256(secret, signingInput));
}

std::variant<Claims, TokenError> verifyToken(std::string_view token, std::string_view secret,
                                             int64_t now) {
    if (token.size() > 4096) return TokenError::Malformed;
    size_t dot1 = token.find('.');
    size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return TokenError::Malformed;
    std::string_view headerPart = token.substr(0, dot1);
    std::string_view payloadPart = token.substr(dot1 + 1, dot2 - dot1 - 1);
    std::string_view sigPart = token.substr(dot2 + 1);

    auto header = parseObject(headerPart);
    if (!header) return TokenError::Malformed;
    // Only HS256: "none", HS512, RS256 (with the secret as a "public key") are refused.
    if (strMember(*header, "alg") != std::string_view("HS256")) return TokenError::Malformed;
    if (auto typ = header->FindMember("typ");
        typ != header->MemberEnd() && strMember(*header, "typ") != std::string_view("JWT"))
        return TokenError::Malformed;

    auto sig = base64UrlDecode(sigPart);
    if (!sig || sig->size() != 32) return TokenError::BadSignature;
    std::string expected = hmacSha256(secret, token.substr(0, dot2));
    if (CRYPTO_memcmp(expected.data(), sig->data(), 32) != 0) return TokenError::BadSignature;

    auto payload = parseObject(payloadPart);
    if (!payload) return TokenError::Malformed;
    Claims c;
    auto sub = strMember(*payload, "sub");
    auto role = strMember(*payload, "role");
    auto ver = intMember(*payload, "ver");
    auto iat = intMember(*payload, "iat");
    auto exp = intMember(*payload, "exp");
    if (!sub || !role || !ver || !iat || !exp || strMember(*payload, "iss") != kIssuer)
        return TokenError::Malformed;
    auto [ptr, ec] = std::from_chars(sub->data(), sub->data() + sub->size(), c.sub);
    if (ec != std::errc() || ptr != sub->data() + sub->size() || c.sub <= 0)
        return TokenError::Malformed;
    if (*role != "user" && *role != "admin") return TokenError::Malformed;
    c.role = *role;
    c.ver = *ver;
    c.iat = *iat;
    c.exp = *exp;
    if (c.iat > now + kLeewaySeconds) return TokenError::Malformed;
    if (c.exp <= now - kLeewaySeconds) return TokenError::Expired;
    return c;
}

}  // namespace restd::auth
