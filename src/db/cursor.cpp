#include "db/cursor.h"

#include <openssl/crypto.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/base64.h"
#include "common/digest.h"

namespace restd::db {

std::string encodeCursor(const Cursor& c, std::string_view key) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartArray();
    w.String(c.field.c_str());
    w.Bool(c.descending);
    w.String(c.value.c_str(), static_cast<rapidjson::SizeType>(c.value.size()));
    w.Int64(c.id);
    w.EndArray();
    std::string payload = common::base64UrlEncode({buf.GetString(), buf.GetSize()});
    std::string tag = common::hmacSha256(key, payload).substr(0, 16);
    return payload + "." + common::base64UrlEncode(tag);
}

std::optional<Cursor> decodeCursor(std::string_view text, std::string_view key) {
    size_t dot = text.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    std::string_view payload = text.substr(0, dot);
    auto tag = common::base64UrlDecode(text.substr(dot + 1));
    std::string expected = common::hmacSha256(key, payload).substr(0, 16);
    if (!tag || tag->size() != expected.size() ||
        CRYPTO_memcmp(tag->data(), expected.data(), expected.size()) != 0)
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
