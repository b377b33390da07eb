// SPDX-License-Identifier: Apache-2.0
#include "openapi/document.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "common/version.h"
#include "db/list_query.h"
#include "openapi/fixed_parts.h"

namespace restd::openapi {

namespace {

using router::Route;
using validation::FieldRule;
using validation::Kind;

// Said of every request body (validation/validator.cpp, http/body.cpp).
constexpr std::string_view kBodyRules =
    " Text holds no control character other than tab, CR and LF, and a password none at all "
    "(C0, DEL and C1 are refused). Fields trimmed before their checks lose surrounding Unicode "
    "whitespace (White_Space, plus U+200B and U+FEFF), so a value of such characters only is "
    "blank. A JSON object takes at most 1,000 members and an array 1,000 elements (more is "
    "MALFORMED_BODY), a form 1,000 fields; a VALIDATION_ERROR lists at most 100 details, and a "
    "last one counts the rest.";

// Said of every list operation (validateList).
constexpr std::string_view kListQueryRule =
    "Each query parameter of this list is read once: a repeated one (`limit=1&limit=2`) or an "
    "array or object form (`limit[]=1`, `sort[0]=id`) is a 400 VALIDATION_ERROR naming it "
    "(location `query`). Unknown parameters, such as cache busters, are ignored.";

struct StatusText {
    int status;
    std::string_view description;
};

constexpr StatusText kStatuses[] = {
    {200, "OK"},
    {201, "Created; `Location` names the new resource"},
    {304, "Not modified: the `If-None-Match` tag is current (no body)"},
    {400, "`VALIDATION_ERROR` (every broken rule in `details`) or `MALFORMED_BODY`"},
    {401,
     "`UNAUTHORIZED` or `TOKEN_EXPIRED` (`WWW-Authenticate: Bearer`), or "
     "`INVALID_CREDENTIALS` on login"},
    {403,
     "`FORBIDDEN`: authenticated but not allowed (on a password change of your own: "
     "`currentPassword` is wrong)"},
    {404, "`NOT_FOUND`"},
    {409,
     "`CONFLICT` (a unique value is taken; `details` names the field) or "
     "`IDEMPOTENCY_IN_PROGRESS`"},
    {412, "`PRECONDITION_FAILED`: `If-Match` is stale"},
    {413, "`PAYLOAD_TOO_LARGE`"},
    {415,
     "`UNSUPPORTED_MEDIA_TYPE`: bodies are `application/json`, "
     "`application/x-www-form-urlencoded` or `multipart/form-data`, in UTF-8 (no charset, or "
     "`charset=utf-8`); any other type (`application/merge-patch+json` and other `+json` types "
     "included) or charset is refused"},
    {422, "`IDEMPOTENCY_KEY_MISMATCH`: the key was used for another request"},
    {429,
     "`RATE_LIMITED`: by nginx (per client address), or by restd for one account after "
     "repeated failed logins (5 in a row; then a delay doubling from 1 s up to 15 min, never "
     "a lockout; a success resets it); `Retry-After` set"},
    {500, "`INTERNAL_ERROR`"},
    {503,
     "`SERVICE_UNAVAILABLE`: the database is unreachable or busy, or every bcrypt slot of "
     "the process is (`BCRYPT_CONCURRENCY`); `Retry-After` set"},
};

std::string_view statusText(int status) {
    for (const auto& s : kStatuses) {
        if (s.status == status) return s.description;
    }
    throw std::logic_error("no description for status " + std::to_string(status));
}

void str(Writer& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void key(Writer& w, std::string_view k) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

std::string_view typeName(Type t) {
    switch (t) {
        case Type::Object:
            return "object";
        case Type::Array:
            return "array";
        case Type::String:
            return "string";
        case Type::Integer:
            return "integer";
        case Type::Number:
            return "number";
        case Type::Boolean:
            return "boolean";
        case Type::Null:
            return "null";
    }
    return "null";
}

// Named schemas met while writing, emitted under components/schemas.
using Components = std::map<std::string_view, const Schema*>;

void writeSchema(Writer& w, const Schema& s, Components& components, bool inlineNamed = false);

void writeSchemaBody(Writer& w, const Schema& s, Components& components) {
    w.StartObject();
    key(w, "type");
    if (s.nullable) {
        w.StartArray();
        str(w, typeName(s.type));
        str(w, "null");
        w.EndArray();
    } else {
        str(w, typeName(s.type));
    }
    if (!s.description.empty()) {
        key(w, "description");
        str(w, s.description);
    }
    if (!s.format.empty()) {
        key(w, "format");
        str(w, s.format);
    }
    if (!s.values.empty()) {
        key(w, "enum");
        w.StartArray();
        for (auto v : s.values) str(w, v);
        if (s.nullable) w.Null();
        w.EndArray();
    }
    if (s.minimum) {
        key(w, "minimum");
        w.Int64(*s.minimum);
    }
    if (s.maximum) {
        key(w, "maximum");
        w.Int64(*s.maximum);
    }
    if (s.type == Type::Array && s.items) {
        key(w, "items");
        writeSchema(w, *s.items, components);
    }
    if (s.type == Type::Object && !s.properties.empty()) {
        key(w, "properties");
        w.StartObject();
        for (const Property& p : s.properties) {
            key(w, p.name);
            writeSchema(w, *p.schema, components);
        }
        w.EndObject();
        key(w, "required");
        w.StartArray();
        for (const Property& p : s.properties) {
            if (p.required) str(w, p.name);
        }
        w.EndArray();
        key(w, "additionalProperties");
        w.Bool(!s.closed);
    }
    w.EndObject();
}

void writeSchema(Writer& w, const Schema& s, Components& components, bool inlineNamed) {
    if (!s.name.empty() && !inlineNamed) {
        components.emplace(s.name, &s);
        w.StartObject();
        key(w, "$ref");
        str(w, "#/components/schemas/" + std::string(s.name));
        w.EndObject();
        return;
    }
    writeSchemaBody(w, s, components);
}

void ref(Writer& w, std::string_view component) {
    w.StartObject();
    key(w, "$ref");
    str(w, "#/components/schemas/" + std::string(component));
    w.EndObject();
}

// ---- Request side: the validator's rules --------------------------------

void writeRuleSchema(Writer& w, const FieldRule& r, bool inForm) {
    w.StartObject();
    auto type = [&](std::string_view t) {
        key(w, "type");
        str(w, t);
    };
    switch (r.kind) {
        case Kind::Text:
            type("string");
            if (r.min > 0) {
                key(w, "minLength");
                w.Int64(r.min);
            }
            if (r.max > 0) {
                key(w, "maxLength");
                w.Int64(r.max);
            }
            break;
        case Kind::Email:
            type("string");
            key(w, "format");
            str(w, "email");
            key(w, "maxLength");
            w.Int(254);
            break;
        case Kind::Format:
            type("string");
            if (r.format->minLength > 0) {
                key(w, "minLength");
                w.Int64(r.format->minLength);
            }
            if (r.format->maxLength > 0) {
                key(w, "maxLength");
                w.Int64(r.format->maxLength);
            }
            if (!r.format->pattern.empty()) {
                key(w, "pattern");
                str(w, r.format->pattern);
            }
            break;
        case Kind::Enum:
            type("string");
            key(w, "enum");
            w.StartArray();
            for (auto o : r.options) str(w, o);
            w.EndArray();
            break;
        case Kind::Boolean:
            type("boolean");
            break;
        case Kind::Integer:
            type("integer");
            key(w, "minimum");
            w.Int64(r.min);
            key(w, "maximum");
            w.Int64(r.max);
            break;
    }
    std::string description(r.description);
    if (inForm && r.kind == Kind::Boolean) {
        description += description.empty() ? "" : ". ";
        description += "In forms and queries: true, false, 1 or 0";
    }
    if (!description.empty()) {
        key(w, "description");
        str(w, description);
    }
    w.EndObject();
}

void writeBodySchema(Writer& w, const validation::BodyRules& rules) {
    w.StartObject();
    key(w, "type");
    str(w, "object");
    key(w, "properties");
    w.StartObject();
    for (const FieldRule& r : rules.fields) {
        key(w, r.name);
        writeRuleSchema(w, r, true);
    }
    w.EndObject();
    if (rules.mode == validation::BodyMode::Patch) {
        key(w, "minProperties");
        w.Int(1);
    } else {
        key(w, "required");
        w.StartArray();
        for (const FieldRule& r : rules.fields) {
            if (r.required) str(w, r.name);
        }
        w.EndArray();
    }
    key(w, "additionalProperties");
    w.Bool(false);
    w.EndObject();
}

void writeRequestBody(Writer& w, const validation::BodyRules& rules) {
    w.StartObject();
    key(w, "required");
    w.Bool(true);
    key(w, "description");
    str(w, std::string(rules.mode == validation::BodyMode::Patch
                           ? "At least one field. Unknown fields are a VALIDATION_ERROR."
                           : "Unknown fields are a VALIDATION_ERROR; optional fields omitted "
                             "take their defaults.") +
               std::string(kBodyRules));
    key(w, "content");
    w.StartObject();
    for (std::string_view type :
         {"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}) {
        key(w, type);
        w.StartObject();
        key(w, "schema");
        writeBodySchema(w, rules);
        w.EndObject();
    }
    w.EndObject();
    w.EndObject();
}

void parameter(Writer& w, std::string_view name, std::string_view in, bool required,
               std::string_view description, auto&& writeParamSchema) {
    w.StartObject();
    key(w, "name");
    str(w, name);
    key(w, "in");
    str(w, in);
    key(w, "required");
    w.Bool(required);
    if (!description.empty()) {
        key(w, "description");
        str(w, description);
    }
    key(w, "schema");
    writeParamSchema();
    w.EndObject();
}

void writeListParameters(Writer& w, const validation::ListRules& rules) {
    parameter(w, "page", "query", false,
              "Page number (ignored with `cursor`). Offset pages end at page * limit = " +
                  std::to_string(validation::kMaxOffsetRows) +
                  " rows: past that, 400 VALIDATION_ERROR naming `page`; walk further with "
                  "`cursor`",
              [&] {
                  w.StartObject();
                  key(w, "type");
                  str(w, "integer");
                  key(w, "minimum");
                  w.Int(1);
                  key(w, "default");
                  w.Int(1);
                  w.EndObject();
              });
    parameter(w, "limit", "query", false, "Items per page", [&] {
        w.StartObject();
        key(w, "type");
        str(w, "integer");
        key(w, "minimum");
        w.Int(1);
        key(w, "maximum");
        w.Int64(validation::kMaxLimit);
        key(w, "default");
        w.Int64(validation::kDefaultLimit);
        w.EndObject();
    });
    parameter(w, "sort", "query", false, "A field of the allow-list; `-` prefix: descending", [&] {
        w.StartObject();
        key(w, "type");
        str(w, "string");
        key(w, "enum");
        w.StartArray();
        for (const auto& s : rules.sorts) {
            str(w, s.field);
            str(w, "-" + std::string(s.field));
        }
        w.EndArray();
        key(w, "default");
        str(w, "-" + std::string(rules.sorts.front().field));
        w.EndObject();
    });
    if (!rules.searchDescription.empty()) {
        parameter(w, "search", "query", false,
                  std::string(rules.searchDescription) +
                      "; `%` and `_` match themselves. A searched page examines at most the " +
                      std::to_string(db::kSearchWindowRows) +
                      " rows of the list that follow where it starts (in its sort "
                      "order, filters aside). When they do not fill the page, it holds what "
                      "they matched (maybe nothing) and `meta.nextCursor` continues after "
                      "them: follow it until it is null. A searched list longer than those "
                      "rows has no `total`. A statement past the list time limit "
                      "(DB_LIST_TIMEOUT_MS, default 2 s) is 400 VALIDATION_ERROR naming "
                      "`search`",
                  [&] {
                      w.StartObject();
                      key(w, "type");
                      str(w, "string");
                      key(w, "maxLength");
                      w.Uint64(validation::kMaxSearchChars);
                      w.EndObject();
                  });
    }
    parameter(w, "cursor", "query", false,
              "`meta.nextCursor` of the previous page: keyset pagination, constant cost at any "
              "depth, no totals. Bound to the list and its sort (400 otherwise).",
              [&] {
                  w.StartObject();
                  key(w, "type");
                  str(w, "string");
                  w.EndObject();
              });
    for (const FieldRule& f : rules.filters) {
        parameter(w, f.name, "query", false, f.description, [&] { writeRuleSchema(w, f, true); });
    }
}

std::vector<std::string_view> pathParams(std::string_view path) {
    std::vector<std::string_view> names;
    for (size_t open = path.find('{'); open != std::string_view::npos;
         open = path.find('{', open + 1)) {
        size_t close = path.find('}', open);
        names.push_back(path.substr(open + 1, close - open - 1));
    }
    return names;
}

// ---- Responses -----------------------------------------------------------

void header(Writer& w, std::string_view name, std::string_view description) {
    key(w, name);
    w.StartObject();
    key(w, "description");
    str(w, description);
    key(w, "schema");
    w.StartObject();
    key(w, "type");
    str(w, "string");
    w.EndObject();
    w.EndObject();
}

void writeSuccess(Writer& w, const Route& r, Components& components) {
    key(w, std::to_string(r.doc.ok));
    w.StartObject();
    key(w, "description");
    str(w, statusText(r.doc.ok));
    bool read = r.method == http::Method::Get;
    if (read || r.doc.ok == 201) {
        key(w, "headers");
        w.StartObject();
        if (read) {
            header(w, "ETag", "Strong entity tag of the body");
            header(w, "Cache-Control",
                   r.cache == router::Cache::Public    ? "public, max-age=30"
                   : r.cache == router::Cache::Private ? "private, no-cache"
                                                       : "no-store");
        }
        if (r.doc.ok == 201) header(w, "Location", "Path of the created resource");
        w.EndObject();
    }
    key(w, "content");
    w.StartObject();
    if (!r.doc.raw.empty()) {
        key(w, r.doc.raw);
        w.StartObject();
        key(w, "schema");
        w.StartObject();
        key(w, "type");
        str(w, r.doc.raw.starts_with("application/json") ? "object" : "string");
        w.EndObject();
        w.EndObject();
    } else {
        key(w, "application/json");
        w.StartObject();
        key(w, "schema");
        w.StartObject();
        key(w, "type");
        str(w, "object");
        key(w, "properties");
        w.StartObject();
        key(w, "success");
        w.StartObject();
        key(w, "enum");
        w.StartArray();
        w.Bool(true);
        w.EndArray();
        w.EndObject();
        key(w, "data");
        if (r.list) {
            w.StartObject();
            key(w, "type");
            str(w, "array");
            key(w, "items");
            writeSchema(w, *r.doc.data, components);
            w.EndObject();
        } else {
            writeSchema(w, *r.doc.data, components);
        }
        key(w, "message");
        w.StartObject();
        key(w, "type");
        str(w, "string");
        w.EndObject();
        if (r.list) {
            key(w, "meta");
            ref(w, "ListMeta");
        }
        w.EndObject();
        key(w, "required");
        w.StartArray();
        str(w, "success");
        str(w, "data");
        if (r.list) str(w, "meta");
        w.EndArray();
        key(w, "additionalProperties");
        w.Bool(false);
        w.EndObject();
        w.EndObject();
    }
    w.EndObject();
    w.EndObject();
}

void writeError(Writer& w, int status) {
    key(w, std::to_string(status));
    w.StartObject();
    key(w, "description");
    str(w, statusText(status));
    if (status == 401 || status == 429 || status == 503 || status == 409) {
        key(w, "headers");
        w.StartObject();
        if (status == 401) header(w, "WWW-Authenticate", "Bearer");
        if (status != 401) header(w, "Retry-After", "Seconds to wait before retrying");
        w.EndObject();
    }
    key(w, "content");
    w.StartObject();
    key(w, "application/json");
    w.StartObject();
    key(w, "schema");
    ref(w, "Error");
    w.EndObject();
    w.EndObject();
    w.EndObject();
}

// Statuses every operation can answer besides its own list.
std::vector<int> errorStatuses(const Route& r) {
    std::vector<int> out = r.doc.errors;
    auto add = [&](int s) {
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    };
    if (!pathParams(r.path).empty()) add(400);
    if (r.auth != router::Auth::None) add(401);
    if (r.auth == router::Auth::Admin) add(403);
    if (r.body) {
        add(400);
        add(413);
        add(415);
    }
    if (r.list) add(400);
    if (r.method == http::Method::Put || r.method == http::Method::Patch ||
        r.method == http::Method::Delete) {
        add(412);
    }
    if (router::honoursIdempotencyKey(r)) {
        add(400);
        add(409);
        add(422);
    }
    add(500);
    if (r.path != "/health") add(503);
    // nginx's request rate limit covers every location (nginx/restd.conf).
    add(429);
    std::sort(out.begin(), out.end());
    return out;
}

// ---- Operations ----------------------------------------------------------

std::string operationId(const Route& r) {
    std::string id;
    for (char c : http::methodName(r.method)) id += static_cast<char>(std::tolower(c));
    bool upper = true;
    for (char c : r.path) {
        if (c == '/' || c == '{' || c == '}' || c == '-' || c == '.' || c == '_') {
            upper = true;
            continue;
        }
        id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return id;
}

void checkDocumented(const Route& r) {
    std::string where = std::string(http::methodName(r.method)) + " " + std::string(r.path);
    if (r.doc.summary.empty()) throw std::logic_error(where + " has no summary");
    if (r.doc.tag.empty()) throw std::logic_error(where + " has no tag");
    if (!r.doc.data && r.doc.raw.empty()) throw std::logic_error(where + " has no data schema");
    statusText(r.doc.ok);
    for (int s : r.doc.errors) statusText(s);
}

void writeOperation(Writer& w, const Route& r, Components& components) {
    checkDocumented(r);
    w.StartObject();
    key(w, "operationId");
    str(w, operationId(r));
    key(w, "summary");
    str(w, r.doc.summary);
    std::string about(r.doc.description);
    if (r.list) about += (about.empty() ? "" : "\n\n") + std::string(kListQueryRule);
    if (r.deprecation) {
        about += (about.empty() ? "" : "\n\n") +
                 std::string(
                     "**Deprecated.** Its responses carry `Deprecation` (since when), "
                     "`Sunset` (when it stops answering) and `Link`");
        if (!r.deprecation.successor.empty()) {
            about += " naming its successor, `" + std::string(r.deprecation.successor) + "`";
        }
        about += ".";
    }
    if (!about.empty()) {
        key(w, "description");
        str(w, about);
    }
    if (r.deprecation) {
        key(w, "deprecated");
        w.Bool(true);
    }
    key(w, "tags");
    w.StartArray();
    str(w, r.doc.tag);
    w.EndArray();
    key(w, "security");
    w.StartArray();
    if (r.auth != router::Auth::None) {
        w.StartObject();
        key(w, "bearerAuth");
        w.StartArray();
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();

    key(w, "parameters");
    w.StartArray();
    for (auto name : pathParams(r.path)) {
        parameter(w, name, "path", true, "A positive integer", [&] {
            w.StartObject();
            key(w, "type");
            str(w, "integer");
            key(w, "minimum");
            w.Int(1);
            w.EndObject();
        });
    }
    if (r.list) writeListParameters(w, *r.list);
    auto headerParam = [&](std::string_view name, std::string_view description) {
        parameter(w, name, "header", false, description, [&] {
            w.StartObject();
            key(w, "type");
            str(w, "string");
            w.EndObject();
        });
    };
    if (r.method == http::Method::Get) {
        headerParam("If-None-Match", "ETag(s) of a cached copy: 304 when current");
    }
    if (r.method == http::Method::Put || r.method == http::Method::Patch ||
        r.method == http::Method::Delete) {
        headerParam("If-Match", "ETag the change is based on: 412 when the resource changed");
    }
    if (router::honoursIdempotencyKey(r)) {
        parameter(w, "Idempotency-Key", "header", false,
                  "1-255 printable ASCII characters: a retry with the same key and request "
                  "gets the first response (Idempotent-Replayed: true) for 24 hours",
                  [&] {
                      w.StartObject();
                      key(w, "type");
                      str(w, "string");
                      key(w, "minLength");
                      w.Int(1);
                      key(w, "maxLength");
                      w.Int(255);
                      w.EndObject();
                  });
    }
    w.EndArray();

    if (r.body) {
        key(w, "requestBody");
        writeRequestBody(w, *r.body);
    }

    key(w, "responses");
    w.StartObject();
    writeSuccess(w, r, components);
    if (r.method == http::Method::Get) {
        key(w, "304");
        w.StartObject();
        key(w, "description");
        str(w, statusText(304));
        w.EndObject();
    }
    for (int s : errorStatuses(r)) writeError(w, s);
    w.EndObject();
    w.EndObject();
}

}  // namespace

std::string buildDocument(std::span<const Route> routes) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    Components components;

    w.StartObject();
    key(w, "openapi");
    str(w, "3.1.0");
    key(w, "info");
    w.StartObject();
    key(w, "title");
    str(w, "restd API");
    key(w, "version");
    str(w, common::kVersion);
    key(w, "description");
    str(w, kDescription);
    key(w, "license");
    w.StartObject();
    key(w, "name");
    str(w, "Apache 2.0");
    key(w, "identifier");
    str(w, "Apache-2.0");
    w.EndObject();
    w.EndObject();

    // Relative: the server that serves this document, whatever name clients
    // reach it by (restd never learns its public URL).
    key(w, "servers");
    w.StartArray();
    w.StartObject();
    key(w, "url");
    str(w, "/");
    key(w, "description");
    str(w,
        "The server this document was fetched from: whichever deployment (production, "
        "staging or local) serves it");
    // The API is meant for clients outside the operator's network.
    key(w, "x-internal");
    w.Bool(false);
    w.EndObject();
    w.EndArray();

    // Paths, in route-table order; methods of one path grouped.
    key(w, "paths");
    w.StartObject();
    std::vector<std::string_view> done;
    for (const Route& r : routes) {
        if (std::find(done.begin(), done.end(), r.path) != done.end()) continue;
        done.push_back(r.path);
        key(w, r.path);
        w.StartObject();
        for (const Route& same : routes) {
            if (same.path != r.path) continue;
            std::string method;
            for (char c : http::methodName(same.method))
                method += static_cast<char>(std::tolower(c));
            key(w, method);
            writeOperation(w, same, components);
        }
        w.EndObject();
    }
    w.EndObject();

    key(w, "components");
    w.StartObject();
    key(w, "securitySchemes");
    w.StartObject();
    writeSecuritySchemes(w);
    w.EndObject();
    key(w, "schemas");
    w.StartObject();
    writeFixedSchemas(w);
    // Writing a component can meet further named schemas: loop until none is new.
    std::vector<std::string_view> written;
    for (bool more = true; more;) {
        more = false;
        Components snapshot = components;
        for (const auto& [name, schema] : snapshot) {
            if (std::find(written.begin(), written.end(), name) != written.end()) continue;
            written.push_back(name);
            key(w, name);
            writeSchema(w, *schema, components, true);
            more = true;
        }
    }
    w.EndObject();
    w.EndObject();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace restd::openapi
