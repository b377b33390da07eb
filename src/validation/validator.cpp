// SPDX-License-Identifier: Apache-2.0
#include "validation/validator.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>

namespace restd::validation {

using http::FieldError;

namespace {

// Unicode White_Space, plus U+200B ZERO WIDTH SPACE and U+FEFF ZERO WIDTH
// NO-BREAK SPACE: neither is White_Space (both are format characters), but
// both render as nothing, and at the edge of a field they are only leftovers
// (a byte order mark of a pasted file, a copied zero-width space), so a title
// made of them is as blank as one of spaces. Only the edges are trimmed: inside
// a text, where U+200B marks word breaks in Thai or Khmer, it stays.
bool isSpace(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

// The code point that starts at the front of s (valid UTF-8, not empty) and
// its length in bytes.
char32_t frontCodePoint(std::string_view s, size_t& length) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    unsigned char c = byte(0);
    if (c < 0x80) {
        length = 1;
        return c;
    }
    length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    char32_t cp = c & (0x7F >> length);
    for (size_t i = 1; i < length && i < s.size(); ++i) cp = (cp << 6) | (byte(i) & 0x3F);
    return cp;
}

// Surrounding whitespace (isSpace) removed; the input is valid UTF-8.
std::string trimmed(std::string_view s) {
    size_t length = 0;
    while (!s.empty() && isSpace(frontCodePoint(s, length))) s.remove_prefix(length);
    while (!s.empty()) {
        size_t start = s.size() - 1;
        while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        if (!isSpace(frontCodePoint(s.substr(start), length))) break;
        s.remove_suffix(s.size() - start);
    }
    return std::string(s);
}

// The line breaks and tab of multi-line text.
constexpr std::string_view kTextControls = "\t\n\r";

// More than kMaxDetails broken rules: the first kMaxDetails and one that counts the rest.
void capDetails(std::vector<FieldError>& details, std::string_view where) {
    if (details.size() <= kMaxDetails) return;
    const size_t more = details.size() - kMaxDetails;
    details.resize(kMaxDetails);
    details.push_back({"", "And " + std::to_string(more) + " more broken rules (not listed)",
                       std::string(where)});
}

bool isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool validEmail(std::string_view e) {
    if (e.size() > 254) return false;
    size_t at = e.find('@');
    if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos)
        return false;
    std::string_view local = e.substr(0, at), domain = e.substr(at + 1);
    if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string_view::npos)
        return false;
    for (char c : local) {
        if (!isAlnum(c) &&
            std::string_view(".!#$%&'*+/=?^_`{|}~-").find(c) == std::string_view::npos)
            return false;
    }
    // Domain: two or more dot-separated labels of [a-z0-9-], alphabetic TLD.
    size_t labels = 0;
    std::string_view rest = domain, last;
    while (true) {
        size_t dot = rest.find('.');
        std::string_view label = rest.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        for (char c : label)
            if (!isAlnum(c) && c != '-') return false;
        ++labels;
        last = label;
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    return labels >= 2 && last.size() >= 2 &&
           std::all_of(last.begin(), last.end(), [](char c) { return !(c >= '0' && c <= '9'); });
}

std::optional<int64_t> parseDecimal(std::string_view s) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    if (s.front() == '+') return std::nullopt;  // from_chars refuses it anyway; be explicit
    return v;
}

std::string rangeText(const FieldRule& r) {
    return std::to_string(r.min) + " to " + std::to_string(r.max);
}

// Checks a textual value of a string-like kind; returns the normalised text.
std::optional<Value> checkText(const FieldRule& rule, std::string value, std::string_view where,
                               std::vector<FieldError>& details) {
    auto fail = [&](std::string message) {
        details.push_back({std::string(rule.name), std::move(message), std::string(where)});
    };
    if (rule.trim || rule.kind == Kind::Email) value = trimmed(value);
    size_t before = details.size();
    switch (rule.kind) {
        case Kind::Email:
            std::transform(value.begin(), value.end(), value.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (!validEmail(value)) fail("Please provide a valid email");
            break;
        case Kind::Format: {
            std::vector<std::string> broken;
            rule.format->check(value, broken);
            for (std::string& message : broken) fail(std::move(message));
            break;
        }
        case Kind::Enum:
            if (std::find(rule.options.begin(), rule.options.end(), value) == rule.options.end()) {
                std::string list;
                for (auto o : rule.options) list += (list.empty() ? "" : ", ") + std::string(o);
                fail("Must be one of: " + list);
            }
            break;
        default: {
            if (hasControl(value, kTextControls))
                fail("Must not contain control characters other than tab and line breaks");
            size_t n = codePoints(value);
            if (n < static_cast<size_t>(rule.min) ||
                (rule.max > 0 && n > static_cast<size_t>(rule.max))) {
                fail(rule.max > 0
                         ? "Must be " + rangeText(rule) + " characters long"
                         : "Must be at least " + std::to_string(rule.min) + " characters long");
            }
        }
    }
    if (details.size() != before) return std::nullopt;
    return Value(std::move(value));
}

}  // namespace

size_t codePoints(std::string_view s) {
    return static_cast<size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// C1 controls are U+0080-U+009F, encoded C2 80-C2 9F.
bool hasControl(std::string_view s, std::string_view allowed) {
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if ((c < 0x20 || c == 0x7F) && allowed.find(static_cast<char>(c)) == std::string_view::npos)
            return true;
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F)
            return true;
    }
    return false;
}

const Value* Input::find(std::string_view name) const {
    for (const auto& [n, v] : values_)
        if (n == name) return &v;
    return nullptr;
}

const std::string* Input::text(std::string_view name) const {
    const Value* v = find(name);
    return v ? std::get_if<std::string>(v) : nullptr;
}

std::optional<int64_t> Input::integer(std::string_view name) const {
    const Value* v = find(name);
    if (const auto* i = v ? std::get_if<int64_t>(v) : nullptr) return *i;
    return std::nullopt;
}

std::optional<bool> Input::boolean(std::string_view name) const {
    const Value* v = find(name);
    if (const auto* b = v ? std::get_if<bool>(v) : nullptr) return *b;
    return std::nullopt;
}

std::optional<Value> checkField(const FieldRule& rule, const rapidjson::Value* json,
                                const std::string* text, std::string_view where,
                                std::vector<FieldError>& details) {
    auto fail = [&](std::string message) {
        details.push_back({std::string(rule.name), std::move(message), std::string(where)});
        return std::nullopt;
    };
    switch (rule.kind) {
        case Kind::Boolean:
            if (json) {
                if (!json->IsBool()) return fail("Must be a boolean");
                return Value(json->GetBool());
            }
            if (*text == "true" || *text == "1") return Value(true);
            if (*text == "false" || *text == "0") return Value(false);
            return fail("Must be a boolean (true, false, 1 or 0)");
        case Kind::Integer: {
            std::optional<int64_t> n;
            if (json) {
                if (json->IsInt64()) n = json->GetInt64();
            } else {
                n = parseDecimal(*text);
            }
            if (!n || *n < rule.min || *n > rule.max)
                return fail("Must be an integer from " + rangeText(rule));
            return Value(*n);
        }
        default:
            if (json && !json->IsString()) return fail("Must be a string");
            std::string value =
                json ? std::string(json->GetString(), json->GetStringLength()) : *text;
            return checkText(rule, std::move(value), where, details);
    }
}

Input validateBody(const http::Body& body, const BodyRules& rules) {
    std::vector<FieldError> details;
    Input input;
    // Gather (name, json value | text value) pairs from either body kind.
    struct Raw {
        std::string_view name;
        const rapidjson::Value* json;
        const std::string* text;
    };
    std::vector<Raw> raw;
    if (body.kind == http::Body::Kind::Json) {
        if (!body.json.IsObject())
            throw http::ApiError::validation({{"", "Request body must be a JSON object", "body"}});
        raw.reserve(body.json.MemberCount());
        for (const auto& m : body.json.GetObject())
            raw.push_back({{m.name.GetString(), m.name.GetStringLength()}, &m.value, nullptr});
    } else if (body.kind == http::Body::Kind::Form) {
        for (const auto& [k, v] : body.fields) raw.push_back({k, nullptr, &v});
    }

    // One pass, with a hash set for duplicates and a flag per rule for the
    // required check: the work stays linear in the number of fields (the
    // parsers cap that number too).
    std::unordered_set<std::string_view> seen;
    seen.reserve(raw.size());
    std::vector<bool> present(rules.fields.size(), false);
    for (const Raw& field : raw) {
        if (!seen.insert(field.name).second) {
            details.push_back({std::string(field.name), "Duplicate field", "body"});
            continue;
        }
        auto rule = std::find_if(rules.fields.begin(), rules.fields.end(),
                                 [&](const FieldRule& r) { return r.name == field.name; });
        if (rule == rules.fields.end()) {
            details.push_back({std::string(field.name), "Unknown field", "body"});
            continue;
        }
        present[static_cast<size_t>(rule - rules.fields.begin())] = true;
        if (auto v = checkField(*rule, field.json, field.text, "body", details))
            input.set(rule->name, std::move(*v));
    }
    if (rules.mode != BodyMode::Patch) {
        for (size_t i = 0; i < rules.fields.size(); ++i) {
            if (rules.fields[i].required && !present[i])
                details.push_back({std::string(rules.fields[i].name), "Field is required", "body"});
        }
    } else if (raw.empty()) {
        details.push_back({"", "At least one field is required", "body"});
    }
    capDetails(details, "body");
    if (!details.empty()) throw http::ApiError::validation(std::move(details));
    return input;
}

ListQuery validateList(std::string_view queryString, const ListRules& rules) {
    auto fields = http::parseUrlEncoded(queryString);
    if (!fields) throw http::ApiError::validation({{"", "Malformed query string", "query"}});
    std::vector<FieldError> details;
    ListQuery q;
    q.sort = {rules.sorts.front(), true};
    auto fail = [&](std::string_view field, std::string message) {
        details.push_back({std::string(field), std::move(message), "query"});
    };
    static constexpr FieldRule kPage{
        .name = "page", .kind = Kind::Integer, .min = 1, .max = 1000000000};
    static constexpr FieldRule kLimit{
        .name = "limit", .kind = Kind::Integer, .min = 1, .max = kMaxLimit};
    // A parameter the list knows is read once, like a body field: a second
    // copy or an array form (`limit[]`, `sort[0]`) is refused, not resolved to
    // the first or the last value, so that no cache or proxy in front can read
    // another request than restd does. Unknown parameters (cache busters and
    // the like) are ignored, whatever their form.
    auto known = [&](std::string_view name) {
        return name == "page" || name == "limit" || name == "sort" || name == "cursor" ||
               (name == "search" && !rules.searchDescription.empty()) ||
               std::any_of(rules.filters.begin(), rules.filters.end(),
                           [&](const FieldRule& r) { return r.name == name; });
    };
    std::unordered_set<std::string_view> seen;
    for (const auto& [key, value] : *fields) {
        std::string_view name = std::string_view(key).substr(0, key.find('['));
        if (name.size() != key.size() && known(name)) {
            fail(name, "Must be a single value, not an array or object form");
            continue;
        }
        if (known(name) && !seen.insert(name).second) {
            fail(name, "Duplicate parameter");
            continue;
        }
        if (key == "page") {
            if (auto v = checkField(kPage, nullptr, &value, "query", details))
                q.page = std::get<int64_t>(*v);
        } else if (key == "limit") {
            if (auto v = checkField(kLimit, nullptr, &value, "query", details))
                q.limit = std::get<int64_t>(*v);
        } else if (key == "sort") {
            bool desc = value.starts_with('-');
            std::string_view field = std::string_view(value).substr(desc ? 1 : 0);
            auto it = std::find_if(rules.sorts.begin(), rules.sorts.end(),
                                   [&](const db::SortColumn& s) { return s.field == field; });
            if (it == rules.sorts.end()) {
                std::string list;
                for (const auto& s : rules.sorts)
                    list += (list.empty() ? "" : ", ") + std::string(s.field);
                fail("sort", "Must be one of: " + list + " (prefix '-' for descending)");
            } else {
                q.sort = {*it, desc};
            }
        } else if (key == "search" && !rules.searchDescription.empty()) {
            if (codePoints(value) > kMaxSearchChars)
                fail("search", "Must be at most 100 characters long");
            else
                q.search = value;
        } else if (key == "cursor") {
            if (value.empty() || value.size() > 512)
                fail("cursor", "Invalid cursor");
            else
                q.cursor = value;
        } else {
            auto rule = std::find_if(rules.filters.begin(), rules.filters.end(),
                                     [&name = key](const FieldRule& r) { return r.name == name; });
            // Other parameters (cache busters and the like) are ignored.
            if (rule == rules.filters.end()) continue;
            if (auto v = checkField(*rule, nullptr, &value, "query", details))
                q.filters.set(rule->name, std::move(*v));
        }
    }
    if (!q.cursor && q.page * q.limit > kMaxOffsetRows) {
        fail("page", "page * limit must be at most " + std::to_string(kMaxOffsetRows) +
                         ": past that, pass `cursor` (meta.nextCursor of the previous page)");
    }
    capDetails(details, "query");
    if (!details.empty()) throw http::ApiError::validation(std::move(details));
    return q;
}

}  // namespace restd::validation
