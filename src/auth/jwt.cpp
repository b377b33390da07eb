// SPDX-License-Identifier: Apache-2.0
#include "auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

#include "common/base64.h"
#include "common/digest.h"

namespace restd::auth {

using common::base64UrlDecode;
using common::base64UrlEncode;

namespace {

// The header of tokens issued before they carried a key id.
constexpr std::string_view kHeaderWithoutKid = R"({"alg":"HS256","typ":"JWT"})";

std::string headerOf(const common::SigningKey& key) {
    return R"({"alg":"HS256","typ":"JWT","kid":")" + key.id + R"("})";
}

// A JSON object of at most a few hundred bytes (a token's header or claims):
// parsed into buffers on the stack, so a token check allocates nothing for it.
using SmallDocument =
    rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                               rapidjson::MemoryPoolAllocator<>>;

// Decodes base64url `part`, parses it as a JSON object and returns read(object);
// false when either step fails.
template <class Read>
bool readObject(std::string_view part, Read&& read) {
    auto json = base64UrlDecode(part);
    if (!json) return false;
    char valueBuffer[2048];
    char parseBuffer[1024];
    rapidjson::MemoryPoolAllocator<> values(valueBuffer, sizeof valueBuffer);
    rapidjson::MemoryPoolAllocator<> parser(parseBuffer, sizeof parseBuffer);
    SmallDocument d(&values, sizeof parseBuffer, &parser);
    d.Parse<rapidjson::kParseValidateEncodingFlag>(json->data(), json->size());
    if (d.HasParseError() || !d.IsObject()) return false;
    return read(static_cast<const rapidjson::Value&>(d));
}

std::optional<int64_t> intMember(const rapidjson::Value& obj, const char* name) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    return it->value.GetInt64();
}

// True when no member name of `obj` appears twice. RapidJSON keeps every
// duplicate and FindMember() answers the first; another reader of the same
// token may take the last.
bool uniqueNames(const rapidjson::Value& obj) {
    constexpr size_t kMaxMembers = 64;  // a token has a handful; more is no token of ours
    if (obj.MemberCount() > kMaxMembers) return false;
    std::array<std::string_view, kMaxMembers> names;
    size_t n = 0;
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
        names[n++] = std::string_view(it->name.GetString(), it->name.GetStringLength());
    }
    std::sort(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(n));
    return std::adjacent_find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(n)) ==
           names.begin() + static_cast<std::ptrdiff_t>(n);
}

// A user id as restd writes it: decimal digits, no sign, no leading zero, no
// blanks; "03", "+3", " 3" and "3.0" are not user 3.
std::optional<int64_t> canonicalId(std::string_view text) {
    if (text.empty() || text.size() > 19 || text.front() == '0') return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        return std::nullopt;
    int64_t id = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || ptr != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

std::optional<std::string_view> strMember(const rapidjson::Value& obj, const char* name) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || !it->value.IsString()) return std::nullopt;
    return std::string_view(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

std::string randomBytes(size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    return out;
}

std::string signToken(const Claims& c, const common::KeySet& keys) {
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
    const common::SigningKey& key = keys.current();
    std::string signingInput =
        base64UrlEncode(headerOf(key)) + "." + base64UrlEncode({buf.GetString(), buf.GetSize()});
    return signingInput + "." + base64UrlEncode(common::hmacSha256(key.secret, signingInput));
}

std::variant<Claims, TokenError> verifyToken(std::string_view token, const common::KeySet& keys,
                                             int64_t now) {
    if (token.size() > 4096) return TokenError::Malformed;
    size_t dot1 = token.find('.');
    size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return TokenError::Malformed;
    std::string_view headerPart = token.substr(0, dot1);
    std::string_view payloadPart = token.substr(dot1 + 1, dot2 - dot1 - 1);
    std::string_view sigPart = token.substr(dot2 + 1);

    // The key to check against: the one the kid names, or each in turn for
    // a token without kid. restd's own headers, byte for byte, need no
    // parsing; any other must still say HS256.
    const common::SigningKey* named = nullptr;
    static const std::string headerWithoutKid = base64UrlEncode(kHeaderWithoutKid);
    if (headerPart == base64UrlEncode(headerOf(keys.current()))) {
        named = &keys.current();
    } else if (headerPart != headerWithoutKid) {
        std::optional<std::string> kid;
        bool wellFormed = readObject(headerPart, [&kid](const rapidjson::Value& header) {
            // Only HS256: "none", HS512, RS256 (with the secret as a "public key") are refused.
            if (strMember(header, "alg") != std::string_view("HS256")) return false;
            // RFC 7515 4.1.11: a recipient must refuse extensions it does not
            // understand, and restd understands none.
            if (header.HasMember("crit") || !uniqueNames(header)) return false;
            if (header.HasMember("kid")) {
                auto id = strMember(header, "kid");
                if (!id || !common::isKeyId(*id)) return false;
                kid.emplace(*id);
            }
            return !header.HasMember("typ") || strMember(header, "typ") == std::string_view("JWT");
        });
        if (!wellFormed) return TokenError::Malformed;
        if (kid) {
            named = keys.find(*kid);
            // A key this host does not hold (yet, or any more): no signature to check.
            if (named == nullptr) return TokenError::BadSignature;
        }
    }

    auto sig = base64UrlDecode(sigPart);
    if (!sig || sig->size() != 32) return TokenError::BadSignature;
    auto signedBy = [&](const common::SigningKey& key) {
        std::string expected = common::hmacSha256(key.secret, token.substr(0, dot2));
        return CRYPTO_memcmp(expected.data(), sig->data(), 32) == 0;
    };
    bool verified = named != nullptr ? signedBy(*named)
                                     : std::any_of(keys.all().begin(), keys.all().end(), signedBy);
    if (!verified) return TokenError::BadSignature;

    Claims c;
    bool wellFormed = readObject(payloadPart, [&c](const rapidjson::Value& payload) {
        if (!uniqueNames(payload)) return false;
        auto sub = strMember(payload, "sub");
        auto role = strMember(payload, "role");
        auto ver = intMember(payload, "ver");
        auto iat = intMember(payload, "iat");
        auto exp = intMember(payload, "exp");
        if (!sub || !role || !ver || !iat || !exp || strMember(payload, "iss") != kIssuer)
            return false;
        auto id = canonicalId(*sub);
        if (!id) return false;
        c.sub = *id;
        if (*role != "user" && *role != "admin") return false;
        if (payload.HasMember("nbf")) {
            auto nbf = intMember(payload, "nbf");
            if (!nbf || *nbf <= 0) return false;
            c.nbf = *nbf;
        }
        c.role = *role;
        c.ver = *ver;
        c.iat = *iat;
        c.exp = *exp;
        return true;
    });
    if (!wellFormed) return TokenError::Malformed;
    if (auto err = checkTimes(c, now)) return *err;
    return c;
}

std::optional<TokenError> checkTimes(const Claims& claims, int64_t now) {
    if (claims.iat > now + kLeewaySeconds) return TokenError::Malformed;
    if (claims.nbf > now + kLeewaySeconds) return TokenError::NotYetValid;
    if (claims.exp <= now - kLeewaySeconds) return TokenError::Expired;
    return std::nullopt;
}

}  // namespace restd::auth
