// SPDX-License-Identifier: Apache-2.0
// Validation rules as data: one list per route both validates requests and
// documents them in the OpenAPI document. Body rules describe fields; list
// rules describe the query of a collection GET (page, limit, sort, search,
// cursor and filters). All definitions are constant; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/sort_column.h"

namespace restd::validation {

enum class Kind {
    Text,     // UTF-8 text; lengths in code points
    Email,    // trimmed, lower-cased, <= 254 chars
    Format,   // text in a format its resource defines (`format`)
    Enum,     // one of `options`
    Boolean,  // JSON true/false; forms also 1/0
    Integer,  // JSON integer / strictly parsed decimal in forms and queries
};

// A text format a resource owns and declares once in its rules: the
// validator runs `check`, the OpenAPI document states the rest.
struct TextFormat {
    // Appends one message per rule `value` breaks; none when it is valid.
    void (*check)(std::string_view value, std::vector<std::string>& broken);
    // The same rules in the OpenAPI document's terms; 0 or empty: not stated.
    int64_t minLength = 0;
    int64_t maxLength = 0;
    std::string_view pattern = {};
};

struct FieldRule {
    std::string_view name;  // camelCase, as in JSON
    Kind kind = Kind::Text;
    bool required = false;  // on create and full replace (PUT); PATCH needs none
    bool trim = false;      // surrounding whitespace removed before checks
    int64_t min = 0;        // Text: min code points; Integer: min value
    int64_t max = 0;        // Text: max code points (0 = none); Integer: max value
    std::span<const std::string_view> options = {};  // Enum
    const TextFormat* format = nullptr;              // Format
    std::string_view description = {};
};

enum class BodyMode { Create, Replace, Patch };

struct BodyRules {
    std::span<const FieldRule> fields;
    BodyMode mode = BodyMode::Create;
};

// Limits of every collection GET (docs/api.md "Lists").
inline constexpr int64_t kMaxLimit = 100;
inline constexpr int64_t kDefaultLimit = 20;
inline constexpr size_t kMaxSearchChars = 100;
// The deepest an offset page reaches: page * limit rows. An offset page reads
// and skips every row before it, so its cost grows with the depth; past this
// bound the list is walked with `cursor`, whose cost does not.
inline constexpr int64_t kMaxOffsetRows = 50000;

struct ListRules {
    // The list's sort table: `sort` takes their names (a '-' prefix for
    // descending), and the page orders by the column of the one taken. The
    // first is the default, descending. Never empty.
    std::span<const db::SortColumn> sorts;
    std::span<const FieldRule> filters = {};  // extra query parameters
    std::string_view searchDescription = {};  // empty: no `search`
};

}  // namespace restd::validation
