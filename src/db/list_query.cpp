#include "db/list_query.h"

#include <openssl/crypto.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "auth/jwt.h"
#include "http/api_error.h"

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
    std::string payload = auth::base64UrlEncode({buf.GetString(), buf.GetSize()});
    std::string tag = auth::hmacSha256(key, payload).substr(0, 16);
    return payload + "." + auth::base64UrlEncode(tag);
}

std::optional<Cursor> decodeCursor(std::string_view text, std::string_view key) {
    size_t dot = text.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    std::string_view payload = text.substr(0, dot);
    auto tag = auth::base64UrlDecode(text.substr(dot + 1));
    std::string expected = auth::hmacSha256(key, payload).substr(0, 16);
    if (!tag || tag->size() != expected.size() ||
        CRYPTO_memcmp(tag->data(), expected.data(), expected.size()) != 0)
        return std::nullopt;
    auto json = auth::base64UrlDecode(payload);
    if (!json) return std::nullopt;
    rapidjson::Document d;
    d.Parse(json->data(), json->size());
    if (d.HasParseError() || !d.IsArray() || d.Size() != 4 || !d[0].IsString() || !d[1].IsBool() ||
        !d[2].IsString() || !d[3].IsInt64())
        return std::nullopt;
    return Cursor{d[0].GetString(), d[1].GetBool(),
                  std::string(d[2].GetString(), d[2].GetStringLength()), d[3].GetInt64()};
}

std::string containsPattern(std::string_view text) {
    std::string p = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '!') p += '!';
        p += c;
    }
    p += '%';
    return p;
}

std::string pageSql(const PageQuery& q) {
    std::string sql(q.select);
    sql += ", ";
    sql += q.sort.column;
    sql += ", ";
    sql += q.idColumn;
    sql += " ";
    sql += q.from;
    std::string where = q.where.sql;
    if (q.after) {
        const char* cmp = q.descending ? "<" : ">";
        std::string cond;
        if (q.sort.column == q.idColumn) {
            cond = std::string(q.idColumn) + " " + cmp + " ?";
        } else {
            cond = "(" + std::string(q.sort.column) + " " + cmp + " ? OR (" +
                   std::string(q.sort.column) + " = ? AND " + std::string(q.idColumn) + " " + cmp +
                   " ?))";
        }
        where += where.empty() ? " WHERE " : " AND ";
        where += cond;
    }
    sql += where;
    const char* dir = q.descending ? " DESC" : " ASC";
    sql += " ORDER BY ";
    sql += q.sort.column;
    sql += dir;
    if (q.sort.column != q.idColumn) {
        sql += ", ";
        sql += q.idColumn;
        sql += dir;
    }
    sql += q.after ? " LIMIT ?" : " LIMIT ? OFFSET ?";
    return sql;
}

std::vector<Param> pageParams(const PageQuery& q) {
    std::vector<Param> params = q.where.params;
    if (q.after) {
        if (q.sort.column != q.idColumn) {
            // (key < ? OR (key = ? AND id < ?)): the key twice, then the id.
            for (int i = 0; i < 2; ++i) {
                if (q.sort.numeric)
                    params.emplace_back(static_cast<int64_t>(std::stoll(q.after->value)));
                else
                    params.emplace_back(q.after->value);
            }
        }
        params.emplace_back(q.after->id);
    }
    params.emplace_back(q.limit + 1);
    if (!q.after) params.emplace_back(q.offset);
    return params;
}

std::string countSql(const PageQuery& q) {
    return "SELECT COUNT(*) " + std::string(q.from) + q.where.sql;
}

void bindAll(Statement& st, const std::vector<Param>& params) {
    for (const Param& p : params) {
        std::visit(
            [&st](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string>)
                    st.bind(std::string_view(v));
                else
                    st.bind(v);
            },
            p);
    }
}

}  // namespace restd::db

namespace restd::db {

void applyCursor(PageQuery& q, const std::string& text, std::string_view key) {
    auto cursor = decodeCursor(text, key);
    if (!cursor || cursor->field != q.sort.field || cursor->descending != q.descending) {
        throw http::ApiError::validation(
            {{"cursor", "Invalid cursor (it must come from meta.nextCursor of the same sort)",
              "query"}});
    }
    q.after = std::move(*cursor);
}

}  // namespace restd::db
