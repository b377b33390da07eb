// SPDX-License-Identifier: Apache-2.0
// Validator: checks a parsed body or a query string against rules and returns
// the normalised values, or throws ApiError VALIDATION_ERROR listing every
// broken rule (one detail per broken rule; unknown fields are broken rules).
// Past kMaxDetails broken rules, the last detail counts those not listed.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/api_error.h"
#include "http/body.h"
#include "validation/rules.h"

namespace restd::validation {

using Value = std::variant<std::string, int64_t, bool>;

// Details listed in one VALIDATION_ERROR: a body of 1,000 unknown fields
// answers with the first 100 and one more that counts the rest.
inline constexpr size_t kMaxDetails = 100;

// Validated, normalised input fields (only those present in the request).
class Input {
  public:
    bool has(std::string_view name) const { return find(name) != nullptr; }
    bool empty() const { return values_.empty(); }
    const std::string* text(std::string_view name) const;
    std::optional<int64_t> integer(std::string_view name) const;
    std::optional<bool> boolean(std::string_view name) const;
    void set(std::string_view name, Value v) { values_.emplace_back(name, std::move(v)); }

  private:
    const Value* find(std::string_view name) const;
    std::vector<std::pair<std::string_view, Value>> values_;
};

struct Sort {
    db::SortColumn column;  // the entry of the list's sort table `sort` named
    bool descending = true;
};

struct ListQuery {
    int64_t page = 1;
    int64_t limit = kDefaultLimit;
    Sort sort;  // validateList: the sort table's first entry unless `sort` names another
    std::optional<std::string> search;
    std::optional<std::string> cursor;  // opaque; decoded by the repository
    Input filters;
};

Input validateBody(const http::Body& body, const BodyRules& rules);
ListQuery validateList(std::string_view queryString, const ListRules& rules);

// The checks of one value, for reuse (e.g. login's email). Appends details.
std::optional<Value> checkField(const FieldRule& rule, const rapidjson::Value* json,
                                const std::string* text, std::string_view location,
                                std::vector<http::FieldError>& details);

// Number of UTF-8 code points (the input is valid UTF-8).
size_t codePoints(std::string_view s);

// Whether valid UTF-8 text holds a control character (Unicode Cc: C0, DEL,
// C1) other than those `allowed` (ASCII).
bool hasControl(std::string_view s, std::string_view allowed = {});

}  // namespace restd::validation
