// SPDX-License-Identifier: Apache-2.0
// Body parsing: turns a request body into either a JSON document or an ordered
// list of scalar form fields, by Content-Type. The pure parsers report failure
// through their return value; parseBody, used by the dispatcher, turns that into
// ApiError (415 for an unsupported media type, 400 MALFORMED_BODY otherwise).
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restd::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// JSON nesting limit: the top-level value is depth 1.
inline constexpr int kMaxJsonDepth = 32;
// Members of one JSON object, elements of one JSON array: as many as the form
// parsers take fields, far above any body the routes accept, and a bound on
// what a body of distinct names can make the validator do.
inline constexpr std::size_t kMaxJsonMembers = 1000;
// Fields of one urlencoded or multipart body (and parameters of one query).
inline constexpr std::size_t kMaxFormFields = 1000;

struct Body {
    enum class Kind { None, Json, Form };
    Kind kind = Kind::None;
    rapidjson::Document json;  // Kind::Json
    FormFields fields;         // Kind::Form (urlencoded or multipart), in body order
};

// Unicode Table 3-7 (well-formed UTF-8): no overlongs, surrogates or code
// points above U+10FFFF.
bool validUtf8(std::string_view s);

// Percent-decoding; `plusIsSpace` for form encoding. nullopt on a bad escape or
// when the result is not valid UTF-8.
std::optional<std::string> percentDecode(std::string_view in, bool plusIsSpace);

// "a=1&b=x+y"; empty pairs are skipped; a key without '=' has an empty value.
std::optional<FormFields> parseUrlEncoded(std::string_view in);

// True when arrays/objects nest deeper than maxDepth (strings are skipped).
bool jsonDepthExceeds(std::string_view json, int maxDepth);

// multipart/form-data with scalar fields only; a part with a filename, a missing
// name or a broken structure fails. `error` says what broke.
struct MultipartResult {
    bool ok = false;
    FormFields fields;
    std::string error;
};
MultipartResult parseMultipart(std::string_view body, std::string_view boundary);

// Media type (lower-case, no parameters) and one parameter of a Content-Type.
std::string mediaType(std::string_view contentType);
std::optional<std::string> mediaTypeParam(std::string_view contentType, std::string_view name);
// True when every charset parameter (there is usually none) says utf-8.
bool charsetIsUtf8(std::string_view contentType);

// Parses `body` according to `contentType`: application/json,
// application/x-www-form-urlencoded or multipart/form-data, in UTF-8 (no
// charset, or charset=utf-8 in any case). An empty body gives Kind::None.
// Throws ApiError 415 UNSUPPORTED_MEDIA_TYPE or 400 MALFORMED_BODY.
Body parseBody(std::string_view contentType, std::string_view body);

}  // namespace restd::http
