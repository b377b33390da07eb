// SPDX-License-Identifier: Apache-2.0
// Input strictness through nginx: control characters in passwords and texts,
// the bounds that keep parsing and validation linear in the body, known query
// parameters read once (no duplicate, no array form), the three media types
// in UTF-8 only, and Unicode whitespace in trimming and the "not blank" rules.
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

constexpr std::string_view kForm = "application/x-www-form-urlencoded";

// restd's log lines that carry this request id.
std::vector<std::string> logLinesOf(const std::string& requestId) {
    std::vector<std::string> lines;
    std::istringstream log(readFile(stack().env("RESTD_LOG")));
    const std::string mark = "\"requestId\":\"" + requestId + "\"";
    for (std::string line; std::getline(log, line);) {
        if (line.find(mark) != std::string::npos) lines.push_back(line);
    }
    return lines;
}

// Waits for the access-log line of the request (written after the response,
// so after anything else the request logged) and checks that no line of the
// request is an error.
void checkNothingLoggedAsError(const std::string& requestId) {
    std::vector<std::string> lines;
    const bool logged = waitUntil(
        [&] {
            lines = logLinesOf(requestId);
            for (const std::string& line : lines) {
                if (line.find("\"msg\":\"request\"") != std::string::npos) return true;
            }
            return false;
        },
        5s, 50ms);
    BOOST_CHECK_MESSAGE(logged, "no access-log line for request " << requestId);
    for (const std::string& line : lines) {
        BOOST_CHECK_MESSAGE(line.find("\"level\":\"error\"") == std::string::npos,
                            "logged as an error: " << line);
    }
}

// A JSON request with its own X-Request-ID; the id is returned through `id`.
HttpResponse sendTraced(std::string_view method, std::string_view path, const std::string& token,
                        const std::string& jsonBody, std::string& id) {
    id = uniqueName("strict");
    return send(method, path, token, jsonBody, {"X-Request-ID: " + id});
}

std::string registerBody(const std::string& name, const std::string& password) {
    return object({{"email", str(name + "@example.com")},
                   {"username", str(name)},
                   {"password", str(password)}});
}

std::string postPath(int64_t id) { return "/api/v1/posts/" + std::to_string(id); }

std::string productBody(const std::string& name) {
    std::string sku;
    for (char c : uniqueName("uw")) sku += static_cast<char>(std::toupper(c));
    return object({{"sku", str(sku)}, {"name", str(name)}, {"priceCents", "100"}});
}

// {"m0000":0,"m0001":0,...}: `members` distinct names.
std::string objectOf(int members) {
    std::string text = "{";
    for (int i = 0; i < members; ++i) {
        std::string digits = std::to_string(i);
        if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
        text += (i ? ",\"m" : "\"m") + digits + "\":0";
    }
    return text + "}";
}

// Passwords that differ from a valid one by one control character.
const std::vector<std::pair<std::string, std::string>> kControlPasswords = {
    {"NUL", "Abcdefg1\0"s},
    {"SOH",
     "Abc\x01"
     "defg1"s},
    {"TAB", "Abcd\tefg1"s},
    {"LF", "Abcdefg1\n"s},
    {"DEL", "Abcdefg1\x7F"s},
    {"NEL (C1)", "Abcdefg1\xC2\x85"s},
    {"CSI (C1)",
     "\xC2\x9B"
     "Abcdefg1"s},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(input_control_characters)

// A NUL used to reach bcrypt, which refused it: 500 and an error log line.
BOOST_AUTO_TEST_CASE(register_with_a_control_character_in_the_password_is_400_naming_it) {
    for (const auto& [what, password] : kControlPasswords) {
        BOOST_TEST_CONTEXT("password with " << what) {
            const std::string name = uniqueName("ctl");
            std::string id;
            HttpResponse response =
                sendTraced("POST", "/api/v1/auth/register", {}, registerBody(name, password), id);
            checkValidation(response, {{"password", "body"}});
            checkNothingLoggedAsError(id);
            auto stored = sql("SELECT COUNT(*) FROM users WHERE username = '" + name + "'");
            BOOST_REQUIRE(stored);
            BOOST_CHECK_EQUAL(std::stoll(*stored), 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(register_in_a_form_with_a_nul_in_the_password_is_400_naming_it) {
    const std::string name = uniqueName("ctf");
    HttpResponse response =
        sendRaw("POST", "/api/v1/auth/register", {}, std::string(kForm),
                "email=" + name + "%40example.com&username=" + name + "&password=Abcdefg1%00");
    checkValidation(response, {{"password", "body"}});
}

BOOST_AUTO_TEST_CASE(an_admin_setting_a_password_with_a_control_character_is_400_naming_it) {
    Account user = createAccount("user", "ctu");
    for (const auto& [what, password] : kControlPasswords) {
        BOOST_TEST_CONTEXT("password with " << what) {
            std::string id;
            HttpResponse response =
                sendTraced("PATCH", "/api/v1/users/" + std::to_string(user.id), admin().token,
                           object({{"password", str(password)}}), id);
            checkValidation(response, {{"password", "body"}});
            checkNothingLoggedAsError(id);
        }
    }
    // Nothing changed: the old password still logs in.
    checkSuccess(login(user.email, user.password), 200);
}

// Login reads the password as text: a NUL can match no stored password, and
// is refused like any other text with one, before any account is looked up.
BOOST_AUTO_TEST_CASE(login_with_a_nul_in_the_password_is_400_naming_it) {
    Account user = registerAccount("ctl");
    std::string id;
    HttpResponse response = sendTraced(
        "POST", "/api/v1/auth/login", {},
        object({{"email", str(user.email)}, {"password", str(user.password + "\0"s)}}), id);
    checkValidation(response, {{"password", "body"}});
    checkNothingLoggedAsError(id);
}

// A NUL or another control character in a title or body used to be stored.
BOOST_AUTO_TEST_CASE(a_post_with_a_control_character_in_a_text_is_400_naming_it) {
    Account author = registerAccount("ctp");
    const std::string tag = uniqueName("ctp");
    const std::pair<std::string, std::string> cases[] = {
        {"title", tag + " a\0b"s},     {"title", tag + " \x1B[31m"s}, {"title", tag + " \x7F"s},
        {"title", tag + " \xC2\x80"s}, {"body", "text\0"s},           {"body", "bell\x07"s},
    };
    for (const auto& [field, value] : cases) {
        BOOST_TEST_CONTEXT(field << " " << str(value)) {
            std::string body = field == "title"
                                   ? object({{"title", str(value)}, {"body", str("b")}})
                                   : object({{"title", str(tag)}, {"body", str(value)}});
            checkValidation(send("POST", "/api/v1/posts", author.token, body), {{field, "body"}});
        }
    }
    auto stored = sql("SELECT COUNT(*) FROM posts WHERE author_id = " + std::to_string(author.id));
    BOOST_REQUIRE(stored);
    BOOST_CHECK_EQUAL(std::stoll(*stored), 0);
    // Tabs and line breaks are text.
    const std::string text = "line one\r\n\tline two\n";
    rapidjson::Document created =
        checkSuccess(send("POST", "/api/v1/posts", author.token,
                          object({{"title", str(tag + "\ttabbed")}, {"body", str(text)}})),
                     201);
    BOOST_CHECK_EQUAL(jsonString(created, "data.title"), tag + "\ttabbed");
    BOOST_CHECK_EQUAL(jsonString(created, "data.body"), text);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(input_body_bounds)

// 1,001 distinct names: refused while parsing, before any validation.
BOOST_AUTO_TEST_CASE(refresh_with_an_object_over_1000_members_is_400_malformed_body) {
    for (int members : {1001, 5000}) {
        BOOST_TEST_CONTEXT(members << " members") {
            std::string id;
            HttpResponse response =
                sendTraced("POST", "/api/v1/auth/refresh", {}, objectOf(members), id);
            rapidjson::Document body = checkError(response, 400, "MALFORMED_BODY");
            BOOST_CHECK_EQUAL(jsonString(body, "error"),
                              "More than 1000 members in one JSON object");
            checkNothingLoggedAsError(id);
        }
    }
}

// 1,000 unknown names pass the parser; the answer lists 100 of the 1,001
// broken rules (the missing refreshToken is the last) and counts the rest.
BOOST_AUTO_TEST_CASE(refresh_with_1000_unknown_fields_lists_100_details_and_counts_the_rest) {
    std::string id;
    HttpResponse response = sendTraced("POST", "/api/v1/auth/refresh", {}, objectOf(1000), id);
    rapidjson::Document body = checkError(response, 400, "VALIDATION_ERROR");
    std::vector<Detail> listed = details(body);
    BOOST_REQUIRE_EQUAL(listed.size(), 101u);
    BOOST_CHECK_EQUAL(listed[0].field, "m0000");
    BOOST_CHECK_EQUAL(listed[99].field, "m0099");
    BOOST_CHECK_EQUAL(listed[100].field, "");
    BOOST_CHECK_EQUAL(listed[100].message, "And 901 more broken rules (not listed)");
    BOOST_CHECK_EQUAL(listed[100].location, "body");
    checkNothingLoggedAsError(id);
}

BOOST_AUTO_TEST_CASE(an_array_over_1000_elements_is_400_malformed_body) {
    std::string elements = "0";
    for (int i = 1; i < 1001; ++i) elements += ",0";
    rapidjson::Document body = checkError(
        send("POST", "/api/v1/auth/refresh", {}, R"({"refreshToken":[)" + elements + "]}"), 400,
        "MALFORMED_BODY");
    BOOST_CHECK_EQUAL(jsonString(body, "error"), "More than 1000 elements in one JSON array");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(query_parameter_pollution)

// Each list, with who may read it.
struct ListCase {
    std::string path;
    bool anonymous;
    std::vector<std::string> filters;  // "name=value" of a valid filter value
};

std::vector<ListCase> lists() {
    return {{"/api/v1/users", false, {}},
            {"/api/v1/posts", false, {"published=true", "authorId=1"}},
            {"/api/v1/products", true, {"inStock=true", "minPrice=1", "maxPrice=5"}}};
}

// A proxy or cache in front may read the first copy of a parameter where
// restd read the last (or the reverse): each copy is refused.
BOOST_AUTO_TEST_CASE(a_repeated_known_parameter_is_400_naming_it) {
    const Account& reader = admin();
    for (const ListCase& list : lists()) {
        std::vector<std::pair<std::string, std::string>> cases = {
            {"limit", "limit=1&limit=2"},    {"limit", "limit=5&limit=5"},
            {"page", "page=1&page=2"},       {"sort", "sort=id&sort=-id"},
            {"search", "search=a&search=b"}, {"cursor", "cursor=a&cursor=b"},
        };
        for (const std::string& filter : list.filters) {
            std::string name = filter.substr(0, filter.find('='));
            cases.emplace_back(name, filter + "&limit=3&" + filter);
        }
        if (list.path == "/api/v1/posts")
            cases.emplace_back("published", "published=true&published=false");
        for (const auto& [name, query] : cases) {
            // A fresh cache buster each time: never an answer of nginx's micro-cache.
            const std::string path = list.path + "?" + query + "&_=" + uniqueName("cb");
            BOOST_TEST_CONTEXT("GET " << path) {
                checkValidation(send("GET", path, list.anonymous ? "" : reader.token),
                                {{name, "query"}});
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(an_array_form_of_a_known_parameter_is_400_naming_it) {
    const Account& reader = admin();
    for (const ListCase& list : lists()) {
        std::vector<std::pair<std::string, std::string>> cases = {
            {"limit", "limit[]=1"},         {"limit", "limit%5B%5D=1"}, {"sort", "sort[0]=id"},
            {"limit", "limit=2&limit[]=3"}, {"page", "page[x]=1"},
        };
        for (const std::string& filter : list.filters) {
            std::string name = filter.substr(0, filter.find('='));
            cases.emplace_back(name, name + "[x]" + filter.substr(name.size()));
        }
        for (const auto& [name, query] : cases) {
            const std::string path = list.path + "?" + query + "&_=" + uniqueName("cb");
            BOOST_TEST_CONTEXT("GET " << path) {
                checkValidation(send("GET", path, list.anonymous ? "" : reader.token),
                                {{name, "query"}});
            }
        }
    }
}

// Browsers and tools add their own parameters: unknown ones, repeated or in
// array form, change nothing.
BOOST_AUTO_TEST_CASE(unknown_parameters_are_ignored_in_any_form) {
    const Account& reader = admin();
    for (const ListCase& list : lists()) {
        const std::string path =
            list.path + "?limit=2&_=1&_=2&utm[]=a&utm[]=b&x[y]=z&Limit=7&_=" + uniqueName("cb");
        BOOST_TEST_CONTEXT("GET " << path) {
            rapidjson::Document body =
                checkSuccess(send("GET", path, list.anonymous ? "" : reader.token), 200);
            BOOST_CHECK_EQUAL(intAt(body, "meta.limit").value_or(0), 2);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(content_types)

BOOST_AUTO_TEST_CASE(a_json_suffix_type_is_415) {
    Account author = registerAccount("ctj");
    const std::string body = object({{"title", str("t")}, {"body", str("b")}});
    for (const char* type : {"application/evil+json", "application/vnd.api+json",
                             "application/merge-patch+json", "text/json"}) {
        BOOST_TEST_CONTEXT(type) {
            checkError(sendRaw("POST", "/api/v1/posts", author.token, type, body), 415,
                       "UNSUPPORTED_MEDIA_TYPE");
        }
    }
    // Not on PATCH either: restd's PATCH is not JSON Merge Patch (no null to remove).
    const int64_t id = createPost(author, "merge");
    checkError(sendRaw("PATCH", postPath(id), author.token, "application/merge-patch+json",
                       object({{"title", str("changed")}})),
               415, "UNSUPPORTED_MEDIA_TYPE");
    rapidjson::Document post = checkSuccess(send("GET", postPath(id), author.token), 200);
    BOOST_CHECK_EQUAL(jsonString(post, "data.title"), "merge");
    auto stored = sql("SELECT COUNT(*) FROM posts WHERE author_id = " + std::to_string(author.id));
    BOOST_REQUIRE(stored);
    BOOST_CHECK_EQUAL(std::stoll(*stored), 1);
}

// JSON in UTF-16 was refused but a form in UTF-16 accepted: now every type.
BOOST_AUTO_TEST_CASE(a_body_in_another_charset_than_utf8_is_415) {
    Account author = registerAccount("ctc");
    const std::vector<std::pair<std::string, std::string>> fields = {{"title", "t"}, {"body", "b"}};
    const std::pair<std::string, std::string> cases[] = {
        {"application/json; charset=utf-16", object({{"title", str("t")}, {"body", str("b")}})},
        {"application/json; charset=iso-8859-1", object({{"title", str("t")}, {"body", str("b")}})},
        {"application/x-www-form-urlencoded; charset=UTF-16", urlEncoded(fields)},
        {"application/x-www-form-urlencoded; charset=windows-1252", urlEncoded(fields)},
        {multipartType() + "; charset=utf-16", multipart(fields)},
        {"application/json; charset=utf-8; charset=utf-16",
         object({{"title", str("t")}, {"body", str("b")}})},
    };
    for (const auto& [type, body] : cases) {
        BOOST_TEST_CONTEXT(type) {
            checkError(sendRaw("POST", "/api/v1/posts", author.token, type, body), 415,
                       "UNSUPPORTED_MEDIA_TYPE");
        }
    }
    auto stored = sql("SELECT COUNT(*) FROM posts WHERE author_id = " + std::to_string(author.id));
    BOOST_REQUIRE(stored);
    BOOST_CHECK_EQUAL(std::stoll(*stored), 0);
}

BOOST_AUTO_TEST_CASE(the_three_types_without_charset_or_in_utf8_are_accepted) {
    Account author = registerAccount("cta");
    const std::vector<std::pair<std::string, std::string>> fields = {{"title", "t"}, {"body", "b"}};
    const std::pair<std::string, std::string> cases[] = {
        {"application/json", object({{"title", str("t")}, {"body", str("b")}})},
        {"Application/JSON; Charset=\"UTF-8\"", object({{"title", str("t")}, {"body", str("b")}})},
        {"application/x-www-form-urlencoded", urlEncoded(fields)},
        {"application/x-www-form-urlencoded; charset=utf-8", urlEncoded(fields)},
        {multipartType(), multipart(fields)},
        {multipartType() + "; charset=UTF-8", multipart(fields)},
    };
    for (const auto& [type, body] : cases) {
        BOOST_TEST_CONTEXT(type) {
            checkSuccess(sendRaw("POST", "/api/v1/posts", author.token, type, body), 201);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(unicode_whitespace)

// U+00A0 NO-BREAK SPACE and U+2003 EM SPACE: a blank title was stored.
BOOST_AUTO_TEST_CASE(a_post_title_of_unicode_whitespace_is_400_naming_title) {
    Account author = registerAccount("uwp");
    for (const char* blank : {"\u00A0\u2003", "\u3000", " \u202F\t\u2028 ", "\u200B\uFEFF"}) {
        BOOST_TEST_CONTEXT("title " << str(blank)) {
            checkValidation(send("POST", "/api/v1/posts", author.token,
                                 object({{"title", str(blank)}, {"body", str("b")}})),
                            {{"title", "body"}});
        }
    }
    auto stored = sql("SELECT COUNT(*) FROM posts WHERE author_id = " + std::to_string(author.id));
    BOOST_REQUIRE(stored);
    BOOST_CHECK_EQUAL(std::stoll(*stored), 0);
}

BOOST_AUTO_TEST_CASE(a_post_title_is_stored_without_surrounding_unicode_whitespace) {
    Account author = registerAccount("uwt");
    rapidjson::Document created =
        checkSuccess(send("POST", "/api/v1/posts", author.token,
                          object({{"title", str("\u00A0\u2003Caf\u00E9\u00A0au lait\u3000\uFEFF")},
                                  {"body", str("b")}})),
                     201);
    BOOST_CHECK_EQUAL(jsonString(created, "data.title"), "Caf\u00E9\u00A0au lait");
    // A PATCH trims alike.
    const int64_t id = intAt(created, "data.id").value_or(0);
    rapidjson::Document patched = checkSuccess(
        send("PATCH", postPath(id), author.token, object({{"title", str("\u2002Second\u205F")}})),
        200);
    BOOST_CHECK_EQUAL(jsonString(patched, "data.title"), "Second");
    checkValidation(
        send("PATCH", postPath(id), author.token, object({{"title", str("\u1680\u2009")}})),
        {{"title", "body"}});
}

BOOST_AUTO_TEST_CASE(a_product_name_of_unicode_whitespace_is_400_naming_name) {
    for (const char* blank : {"\u00A0\u2003", "\u3000\u3000", "\u0085"}) {
        BOOST_TEST_CONTEXT("name " << str(blank)) {
            checkValidation(send("POST", "/api/v1/products", admin().token, productBody(blank)),
                            {{"name", "body"}});
        }
    }
    rapidjson::Document created = checkSuccess(
        send("POST", "/api/v1/products", admin().token, productBody("\u3000Lamp\u00A0")), 201);
    BOOST_CHECK_EQUAL(jsonString(created, "data.name"), "Lamp");
}

BOOST_AUTO_TEST_SUITE_END()
