// SPDX-License-Identifier: Apache-2.0
#include "db/cursor.h"

#include <openssl/crypto.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "common/base64.h"
#include "common/digest.h"

namespace restd::db {

namespace {

constexpr size_t kTagBytes = 16;

std::string tagOf(std::string_view signedPart, const common::SigningKey& key) {
    return common::hmacSha256(key.secret, signedPart).substr(0, kTagBytes);
}

}  // namespace

std::string encodeCursor(const Cursor& c, const common::KeySet& keys) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartArray();
    w.String(c.field.c_str());
    w.Bool(c.descending);
    w.String(c.value.c_str(), static_cast<rapidjson::SizeType>(c.value.size()));
    w.Int64(c.id);
    w.EndArray();
    const common::SigningKey& key = keys.current();
    std::string signedPart =
        key.id + "." + common::base64UrlEncode({buf.GetString(), buf.GetSize()});
    return signedPart + "." + common::base64UrlEncode(tagOf(signedPart, key));
}

std::optional<Cursor> decodeCursor(std::string_view text, const common::KeySet& keys) {
    size_t dot = text.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    std::string_view signedPart = text.substr(0, dot);
    std::string_view payload = signedPart;
    const common::SigningKey* named = nullptr;
    if (size_t kidEnd = signedPart.find('.'); kidEnd != std::string_view::npos) {
        std::string_view kid = signedPart.substr(0, kidEnd);
        payload = signedPart.substr(kidEnd + 1);
        if (!common::isKeyId(kid) || payload.find('.') != std::string_view::npos)
            return std::nullopt;
        named = keys.find(kid);
        if (named == nullptr) return std::nullopt;
    }
    auto tag = common::base64UrlDecode(text.substr(dot + 1));
    if (!tag || tag->size() != kTagBytes) return std::nullopt;
    auto taggedBy = [&](const common::SigningKey& key) {
        return CRYPTO_memcmp(tag->data(), tagOf(signedPart, key).data(), kTagBytes) == 0;
    };
    if (named != nullptr ? !taggedBy(*named)
                         : std::none_of(keys.all().begin(), keys.all().end(), taggedBy))
        return std::nullopt;
    auto json = common::base64UrlDecode(payload);
    if (!json) return std::nullopt;
    rapidjson::Document d;
    d.Parse(json->data(), json->size());
    if (d.HasParseError() || !d.IsArray() || d.Size() != 4 || !d[0].IsString() || !d[1].IsBool() ||
        !d[2].IsString() || !d[3].IsInt64())
        return std::nullopt;
    return Cursor{d[0].GetString(), d[1].GetBool(),
                  std::string(d[2].GetString(), d[2].GetStringLength()), d[3].GetInt64()};
}

}  // namespace restd::db
