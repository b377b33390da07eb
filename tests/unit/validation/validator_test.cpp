// SPDX-License-Identifier: Apache-2.0
#include "validation/validator.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "http/api_error.h"
#include "http/body.h"
#include "resources/users/rules.h"

using namespace restd::validation;
using restd::http::ApiError;
using restd::http::Body;
using restd::http::FieldError;
using restd::http::parseBody;
using namespace std::string_literals;

namespace {

const FieldRule kFields[] = {
    {.name = "title", .kind = Kind::Text, .required = true, .trim = true, .min = 1, .max = 200},
    {.name = "body", .kind = Kind::Text, .required = false, .min = 1, .max = 50000},
    {.name = "email", .kind = Kind::Email, .required = false},
    {.name = "password",
     .kind = Kind::Format,
     .required = false,
     .format = &restd::users::rules::kPasswordFormat},
};
const BodyRules kRules{kFields, BodyMode::Create};

constexpr restd::db::SortColumn kSorts[] = {
    {.field = "createdAt", .column = "created_at"},
    {.field = "title", .column = "title"},
    {.field = "id", .column = "id", .numeric = true},
};
const FieldRule kFilters[] = {
    {.name = "published", .kind = Kind::Boolean},
    {.name = "authorId", .kind = Kind::Integer, .min = 1, .max = 1000},
};
const ListRules kList{.sorts = kSorts, .filters = kFilters, .searchDescription = "Title"};
const ListRules kListWithoutSearch{.sorts = kSorts};

Body json(std::string_view text) { return parseBody("application/json", text); }

std::string member(std::string_view name, std::string_view value) {
    // value as UTF-8; the JSON text escapes what it must.
    std::string out = "\"" + std::string(name) + "\":\"";
    for (char c : value) {
        if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned char>(c));
            out += escape;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// The details of the VALIDATION_ERROR validateBody throws (empty when it passes).
std::vector<FieldError> bodyDetails(const Body& body, const BodyRules& rules = kRules) {
    try {
        validateBody(body, rules);
    } catch (const ApiError& e) {
        BOOST_TEST(e.code() == "VALIDATION_ERROR");
        return e.details();
    }
    return {};
}

std::vector<FieldError> listDetails(std::string_view query, const ListRules& rules = kList) {
    try {
        validateList(query, rules);
    } catch (const ApiError& e) {
        BOOST_TEST(e.code() == "VALIDATION_ERROR");
        return e.details();
    }
    return {};
}

// "field@location" of each detail, in order.
std::string names(const std::vector<FieldError>& details) {
    std::string out;
    for (const auto& d : details) out += (out.empty() ? "" : " ") + d.field + "@" + d.location;
    return out;
}

std::string title(std::string_view value) {
    Input in = validateBody(json("{" + member("title", value) + "}"), kRules);
    return *in.text("title");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(validation_validator)

// Unicode whitespace

BOOST_AUTO_TEST_CASE(trims_unicode_whitespace_around_a_text) {
    BOOST_TEST(title(" \t Hi \r\n") == "Hi");
    BOOST_TEST(title("\u00A0\u2003Hi\u3000\u202F") == "Hi");
    BOOST_TEST(title("\u0085\u1680\u2000\u200A\u2028\u2029\u205F\v\fHi") == "Hi");
    BOOST_TEST(title("\uFEFF\u200BHi\u200B") == "Hi");
    // Only the edges: inside a text every character stays.
    BOOST_TEST(title("a\u00A0\u200Bb c") == "a\u00A0\u200Bb c");
    // Neighbours of the whitespace ranges are text.
    BOOST_TEST(title("\u00A1\u200C\u2030") == "\u00A1\u200C\u2030");
}

BOOST_AUTO_TEST_CASE(a_text_of_unicode_whitespace_only_is_blank) {
    for (std::string_view blank :
         {"\u00A0\u2003", "\u3000", " \u00A0 ", "\uFEFF", "\u200B\u2028"}) {
        BOOST_TEST(names(bodyDetails(json("{" + member("title", blank) + "}"))) == "title@body",
                   blank);
    }
}

BOOST_AUTO_TEST_CASE(trims_unicode_whitespace_around_an_email) {
    Input in = validateBody(
        json("{" + member("title", "t") + "," + member("email", "\u00A0A@Example.COM\u3000") + "}"),
        kRules);
    BOOST_TEST(*in.text("email") == "a@example.com");
}

// Control characters

BOOST_AUTO_TEST_CASE(a_password_with_a_control_character_is_refused) {
    for (std::string_view control :
         {"\0"s, "\x01"s, "\t"s, "\n"s, "\x1F"s, "\x7F"s, "\u0080"s, "\u0085"s, "\u009F"s}) {
        std::string password = "Abcdefg1" + std::string(control);
        auto details = bodyDetails(
            json("{" + member("title", "t") + "," + member("password", password) + "}"));
        BOOST_TEST(names(details) == "password@body");
        BOOST_TEST(details.at(0).message == "Password must not contain control characters");
    }
    // Non-ASCII letters and the no-break space are no control characters.
    BOOST_TEST(bodyDetails(json("{" + member("title", "t") + "," +
                                member("password", "Abcdefg1\u00A0\u00E9") + "}"))
                   .empty());
}

BOOST_AUTO_TEST_CASE(a_text_takes_tab_and_line_breaks_but_no_other_control_character) {
    BOOST_TEST(bodyDetails(json("{" + member("title", "t") + "," +
                                member("body", "line\r\n\tline\n") + "}"))
                   .empty());
    for (std::string_view control : {"\0"s, "\x08"s, "\x1B"s, "\x7F"s, "\u0085"s, "\u009B"s}) {
        auto details = bodyDetails(json("{" + member("title", "t") + "," +
                                        member("body", "a" + std::string(control)) + "}"));
        BOOST_TEST(names(details) == "body@body");
    }
    BOOST_TEST(names(bodyDetails(json("{" + member("title", "a\0b"s) + "}"))) == "title@body");
}

BOOST_AUTO_TEST_CASE(a_form_field_with_a_nul_is_refused_like_a_json_one) {
    Body form = parseBody("application/x-www-form-urlencoded", "title=a%00b&password=Abcdefg1%00");
    BOOST_TEST(names(bodyDetails(form)) == "title@body password@body");
}

// Many fields

BOOST_AUTO_TEST_CASE(reports_each_repeated_field) {
    Body form = parseBody("application/x-www-form-urlencoded", "title=a&title=b&x=1&title=c");
    BOOST_TEST(names(bodyDetails(form)) == "title@body x@body title@body");
}

BOOST_AUTO_TEST_CASE(lists_100_details_and_counts_the_rest) {
    std::string text = "{";
    for (int i = 0; i < 1000; ++i) text += (i ? ",\"u" : "\"u") + std::to_string(i) + "\":1";
    auto details = bodyDetails(json(text + "}"));
    BOOST_REQUIRE(details.size() == kMaxDetails + 1);
    BOOST_TEST(details[0].field == "u0");
    BOOST_TEST(details[99].field == "u99");
    BOOST_TEST(details[100].field == "");
    BOOST_TEST(details[100].location == "body");
    // 1,000 unknown fields and the missing title: 901 not listed.
    BOOST_TEST(details[100].message == "And 901 more broken rules (not listed)");
}

BOOST_AUTO_TEST_CASE(lists_exactly_100_details_without_a_count) {
    std::string text = "{";
    for (int i = 0; i < 99; ++i) text += (i ? ",\"u" : "\"u") + std::to_string(i) + "\":1";
    auto details = bodyDetails(json(text + "}"));
    BOOST_TEST(details.size() == 100u);
    BOOST_TEST(details.back().field == "title");
}

// Query parameters

BOOST_AUTO_TEST_CASE(a_repeated_known_parameter_is_refused) {
    for (std::string_view query : {"limit=1&limit=2", "limit=5&limit=5", "page=1&page=2",
                                   "sort=id&sort=-id", "search=a&search=b", "cursor=x&cursor=y"}) {
        std::string name(query.substr(0, query.find('=')));
        auto details = listDetails(query);
        BOOST_TEST(names(details) == name + "@query", query);
    }
    BOOST_TEST(names(listDetails("published=true&limit=3&published=false")) == "published@query");
    BOOST_TEST(names(listDetails("authorId=1&authorId=1")) == "authorId@query");
}

BOOST_AUTO_TEST_CASE(an_array_form_of_a_known_parameter_is_refused) {
    BOOST_TEST(names(listDetails("limit[]=1")) == "limit@query");
    BOOST_TEST(names(listDetails("sort[0]=id")) == "sort@query");
    BOOST_TEST(names(listDetails("published[x]=1")) == "published@query");
    BOOST_TEST(names(listDetails("limit=1&limit[]=2")) == "limit@query");
    BOOST_TEST(names(listDetails("search%5B%5D=a")) == "search@query");
    BOOST_TEST(listDetails("limit[]=1").at(0).message ==
               "Must be a single value, not an array or object form");
}

BOOST_AUTO_TEST_CASE(unknown_parameters_are_ignored_in_any_form) {
    BOOST_TEST(listDetails("_=1&_=2&foo[]=1&foo[]=2&bar[x]=3&[y]=4&Limit=1&Limit=2").empty());
    ListQuery q = validateList("_=1&limit=7&_=2", kList);
    BOOST_TEST(q.limit == 7);
    // `search` is unknown to a list without search.
    BOOST_TEST(listDetails("search=a&search=b&search[]=c", kListWithoutSearch).empty());
}

BOOST_AUTO_TEST_SUITE_END()
