#include "validation/validator.h"

#include <algorithm>
#include <charconv>

namespace restd::validation {

using http::FieldError;

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trimmed(std::string_view s) {
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return std::string(s);
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
        case Kind::Password: {
            if (value.size() < 8 || value.size() > 72) fail("Password must be 8 to 72 bytes long");
            auto any = [&](auto pred) { return std::any_of(value.begin(), value.end(), pred); };
            if (!any([](char c) { return c >= 'A' && c <= 'Z'; }))
                fail("Password must contain an upper-case letter");
            if (!any([](char c) { return c >= 'a' && c <= 'z'; }))
                fail("Password must contain a lower-case letter");
            if (!any([](char c) { return c >= '0' && c <= '9'; }))
                fail("Password must contain a digit");
            break;
        }
        case Kind::Username:
            if (value.size() < 3 || value.size() > 30 ||
                !std::all_of(value.begin(), value.end(),
                             [](char c) { return isAlnum(c) || c == '_'; }))
                fail("Username must be 3 to 30 characters of letters, digits and underscores");
            break;
        case Kind::Sku:
            if (value.size() < 3 || value.size() > 32 ||
                !std::all_of(value.begin(), value.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                }))
                fail("SKU must be 3 to 32 characters of A-Z, 0-9 and '-'");
            break;
        case Kind::Enum:
            if (std::find(rule.options.begin(), rule.options.end(), value) == rule.options.end()) {
                std::string list;
                for (auto o : rule.options) list += (list.empty() ? "" : ", ") + std::string(o);
                fail("Must be one of: " + list);
            }
            break;
        default: {
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
        for (const auto& m : body.json.GetObject())
            raw.push_back({{m.name.GetString(), m.name.GetStringLength()}, &m.value, nullptr});
    } else if (body.kind == http::Body::Kind::Form) {
        for (const auto& [k, v] : body.fields) raw.push_back({k, nullptr, &v});
    }

    for (size_t i = 0; i < raw.size(); ++i) {
        std::string name(raw[i].name);
        auto seenBefore = std::any_of(raw.begin(), raw.begin() + static_cast<long>(i),
                                      [&](const Raw& r) { return r.name == raw[i].name; });
        if (seenBefore) {
            details.push_back({name, "Duplicate field", "body"});
            continue;
        }
        auto rule = std::find_if(rules.fields.begin(), rules.fields.end(),
                                 [&](const FieldRule& r) { return r.name == raw[i].name; });
        if (rule == rules.fields.end()) {
            details.push_back({name, "Unknown field", "body"});
            continue;
        }
        if (auto v = checkField(*rule, raw[i].json, raw[i].text, "body", details))
            input.set(rule->name, std::move(*v));
    }
    if (rules.mode != BodyMode::Patch) {
        for (const FieldRule& r : rules.fields) {
            bool present =
                std::any_of(raw.begin(), raw.end(), [&](const Raw& x) { return x.name == r.name; });
            if (r.required && !present)
                details.push_back({std::string(r.name), "Field is required", "body"});
        }
    } else if (raw.empty()) {
        details.push_back({"", "At least one field is required", "body"});
    }
    if (!details.empty()) throw http::ApiError::validation(std::move(details));
    return input;
}

ListQuery validateList(std::string_view queryString, const ListRules& rules) {
    auto fields = http::parseUrlEncoded(queryString);
    if (!fields) throw http::ApiError::validation({{"", "Malformed query string", "query"}});
    std::vector<FieldError> details;
    ListQuery q;
    auto fail = [&](std::string_view field, std::string message) {
        details.push_back({std::string(field), std::move(message), "query"});
    };
    static constexpr FieldRule kPage{
        .name = "page", .kind = Kind::Integer, .min = 1, .max = 1000000000};
    static constexpr FieldRule kLimit{
        .name = "limit", .kind = Kind::Integer, .min = 1, .max = kMaxLimit};
    for (const auto& [key, value] : *fields) {
        if (key == "page") {
            if (auto v = checkField(kPage, nullptr, &value, "query", details))
                q.page = std::get<int64_t>(*v);
        } else if (key == "limit") {
            if (auto v = checkField(kLimit, nullptr, &value, "query", details))
                q.limit = std::get<int64_t>(*v);
        } else if (key == "sort") {
            bool desc = value.starts_with('-');
            std::string_view field = std::string_view(value).substr(desc ? 1 : 0);
            auto it = std::find(rules.sortFields.begin(), rules.sortFields.end(), field);
            if (it == rules.sortFields.end()) {
                std::string list;
                for (auto s : rules.sortFields) list += (list.empty() ? "" : ", ") + std::string(s);
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
                                     [&](const FieldRule& r) { return r.name == key; });
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
    if (!details.empty()) throw http::ApiError::validation(std::move(details));
    return q;
}

}  // namespace restd::validation
