// SPDX-License-Identifier: Apache-2.0
// The validator against the resources' real rules: each field kind, the
// required fields of each body mode, and the query of a collection GET.
#include "resources/auth/rules.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "http/api_error.h"
#include "http/body.h"
#include "resources/posts/rules.h"
#include "resources/products/rules.h"
#include "resources/users/rules.h"
#include "validation/validator.h"

using namespace restd::validation;
using restd::http::ApiError;
using restd::http::Body;
using restd::http::FieldError;
using restd::http::parseBody;

namespace posts = restd::posts::rules;
namespace products = restd::products::rules;
namespace users = restd::users::rules;
namespace auth = restd::auth_tokens::rules;

namespace {

Body json(std::string_view text) { return parseBody("application/json", text); }
Body form(std::string_view text) { return parseBody("application/x-www-form-urlencoded", text); }

// The details of the VALIDATION_ERROR a call throws (empty when it passes).
template <class Call>
std::vector<FieldError> detailsOf(Call&& call) {
    try {
        call();
    } catch (const ApiError& e) {
        BOOST_TEST(e.status() == 400);
        BOOST_TEST(e.code() == "VALIDATION_ERROR");
        return e.details();
    }
    return {};
}

std::vector<FieldError> bodyDetails(const Body& body, const BodyRules& rules) {
    return detailsOf([&] { validateBody(body, rules); });
}

std::vector<FieldError> listDetails(std::string_view query, const ListRules& rules) {
    return detailsOf([&] { validateList(query, rules); });
}

// "field@location" of each detail, in order.
std::string names(const std::vector<FieldError>& details) {
    std::string out;
    for (const auto& d : details) out += (out.empty() ? "" : " ") + d.field + "@" + d.location;
    return out;
}

// The messages of the details, joined by " | ".
std::string messages(const std::vector<FieldError>& details) {
    std::string out;
    for (const auto& d : details) out += (out.empty() ? "" : " | ") + d.message;
    return out;
}

// A JSON string literal of UTF-8 text without quotes, backslashes or controls.
std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string repeat(std::string_view unit, size_t times) {
    std::string out;
    for (size_t i = 0; i < times; ++i) out += unit;
    return out;
}

// A product body with one member replaced or added: the other members valid.
std::string product(std::string_view name, std::string_view jsonValue) {
    std::string out = "{";
    for (auto [n, v] : {std::pair<std::string_view, std::string_view>{"sku", "\"AB-1\""},
                        {"name", "\"Lamp\""},
                        {"priceCents", "100"}}) {
        if (n != name) out += "\"" + std::string(n) + "\":" + std::string(v) + ",";
    }
    return out + "\"" + std::string(name) + "\":" + std::string(jsonValue) + "}";
}

// A user body (create rules) with one member replaced.
std::string user(std::string_view name, std::string_view jsonValue) {
    std::string out = "{";
    for (auto [n, v] : {std::pair<std::string_view, std::string_view>{"email", "\"a@example.com\""},
                        {"username", "\"alice\""},
                        {"password", "\"Abcdefg1\""}}) {
        if (n != name) out += "\"" + std::string(n) + "\":" + std::string(v) + ",";
    }
    return out + "\"" + std::string(name) + "\":" + std::string(jsonValue) + "}";
}

std::string userDetails(std::string_view name, std::string_view jsonValue) {
    return messages(bodyDetails(json(user(name, jsonValue)), users::kCreateUser));
}

std::string productDetails(std::string_view name, std::string_view jsonValue) {
    return messages(bodyDetails(json(product(name, jsonValue)), products::kCreateProduct));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(validation_field_kinds)

// Text

BOOST_AUTO_TEST_CASE(a_text_length_counts_code_points_not_bytes) {
    BOOST_TEST(codePoints("") == 0u);
    BOOST_TEST(codePoints("abc") == 3u);
    BOOST_TEST(codePoints("\u00E9t\u00E9") == 3u);     // 5 bytes
    BOOST_TEST(codePoints("\u20AC\U0001F600") == 2u);  // 7 bytes

    // A product name is 1 to 200 characters: 200 two-byte, three-byte or
    // four-byte characters fit, 201 do not.
    for (std::string_view unit : {"a", "\u00E9", "\u20AC", "\U0001F600"}) {
        BOOST_TEST(productDetails("name", quoted(repeat(unit, 200))) == "", unit);
        BOOST_TEST(
            productDetails("name", quoted(repeat(unit, 201))) == "Must be 1 to 200 characters long",
            unit);
    }
}

BOOST_AUTO_TEST_CASE(a_trimmed_text_is_measured_after_trimming) {
    // 200 characters between spaces fit a trimmed field...
    Input in = validateBody(json(product("name", quoted("  " + repeat("x", 200) + "  "))),
                            products::kCreateProduct);
    BOOST_TEST(*in.text("name") == repeat("x", 200));
    // ...and spaces alone are blank.
    BOOST_TEST(productDetails("name", "\"   \"") == "Must be 1 to 200 characters long");
}

BOOST_AUTO_TEST_CASE(an_untrimmed_text_keeps_its_spaces) {
    // A post body is not trimmed: a space is a character of it.
    Input in = validateBody(json(R"({"title":"t","body":" x "})"), posts::kCreatePost);
    BOOST_TEST(*in.text("body") == " x ");
    BOOST_TEST(bodyDetails(json(R"({"title":"t","body":" "})"), posts::kCreatePost).empty());
    BOOST_TEST(names(bodyDetails(json(R"({"title":"t","body":""})"), posts::kCreatePost)) ==
               "body@body");
}

BOOST_AUTO_TEST_CASE(a_text_without_a_minimum_may_be_empty_and_one_without_a_maximum_any_length) {
    // A product description: 0 to 10,000 characters.
    BOOST_TEST(productDetails("description", "\"\"") == "");
    BOOST_TEST(productDetails("description", quoted(repeat("d", 10000))) == "");
    BOOST_TEST(productDetails("description", quoted(repeat("d", 10001))) ==
               "Must be 0 to 10000 characters long");

    const FieldRule open[] = {{.name = "note", .kind = Kind::Text, .min = 2}};
    const BodyRules rules{open, BodyMode::Create};
    BOOST_TEST(bodyDetails(json(R"({"note":"x"})"), rules).at(0).message ==
               "Must be at least 2 characters long");
    BOOST_TEST(bodyDetails(json("{\"note\":" + quoted(repeat("y", 100000)) + "}"), rules).empty());
}

BOOST_AUTO_TEST_CASE(a_text_field_takes_only_a_string) {
    for (std::string_view value : {"1", "true", "null", "[\"x\"]", "{\"x\":1}"}) {
        BOOST_TEST(productDetails("name", value) == "Must be a string", value);
    }
}

// Email

BOOST_AUTO_TEST_CASE(an_email_is_trimmed_and_lower_cased) {
    Input in =
        validateBody(json(user("email", R"("  Ann.Lee+News@Example.COM ")")), users::kCreateUser);
    BOOST_TEST(*in.text("email") == "ann.lee+news@example.com");
}

BOOST_AUTO_TEST_CASE(well_formed_emails_are_accepted) {
    for (std::string_view email :
         {"a@b.co", "o'neil@example.com", "x_y-z@sub.domain.example.org", "1@2.example",
          "a!#$%&*+/=?^_`{|}~-b@example.com", "x@xn--bcher-kva.example"}) {
        BOOST_TEST(userDetails("email", quoted(email)) == "", email);
    }
}

BOOST_AUTO_TEST_CASE(malformed_emails_are_refused) {
    for (std::string_view email : {"",
                                   "plain",
                                   "@example.com",
                                   "a@",
                                   "a@@example.com",
                                   "a@b@example.com",
                                   ".a@example.com",
                                   "a.@example.com",
                                   "a..b@example.com",
                                   "a b@example.com",
                                   "a,b@example.com",
                                   "\u00E9@example.com",
                                   "a@example",
                                   "a@example.c",
                                   "a@example.123",
                                   "a@-example.com",
                                   "a@example-.com",
                                   "a@exa_mple.com",
                                   "a@example..com",
                                   "a@.example.com",
                                   "a@example.com."}) {
        BOOST_TEST(userDetails("email", quoted(email)) == "Please provide a valid email", email);
    }
}

BOOST_AUTO_TEST_CASE(an_email_is_at_most_254_characters_with_a_local_part_of_64) {
    const std::string local64 = repeat("l", 64);
    // Labels of at most 63 characters: 64 + 1 + (63 + 1 + 63 + 1 + n + 4).
    auto email = [&](size_t n) {
        return local64 + "@" + repeat("a", 63) + "." + repeat("b", 63) + "." + repeat("c", n) +
               ".com";
    };
    BOOST_REQUIRE(email(57).size() == 254u);
    BOOST_TEST(userDetails("email", quoted(email(57))) == "");
    BOOST_TEST(userDetails("email", quoted(email(58))) == "Please provide a valid email");
    BOOST_TEST(userDetails("email", quoted("l" + local64 + "@example.com")) ==
               "Please provide a valid email");
    // A label is at most 63 characters.
    BOOST_TEST(userDetails("email", quoted("a@" + repeat("d", 63) + ".com")) == "");
    BOOST_TEST(userDetails("email", quoted("a@" + repeat("d", 64) + ".com")) ==
               "Please provide a valid email");
}

// Password

BOOST_AUTO_TEST_CASE(a_password_is_8_to_72_bytes) {
    BOOST_TEST(userDetails("password", "\"Abcdefg1\"") == "");
    BOOST_TEST(userDetails("password", "\"Abcdef1\"") == "Password must be 8 to 72 bytes long");
    BOOST_TEST(userDetails("password", quoted("Aa1" + repeat("x", 69))) == "");
    BOOST_TEST(userDetails("password", quoted("Aa1" + repeat("x", 70))) ==
               "Password must be 8 to 72 bytes long");
    // Bytes, not characters: bcrypt reads 72 bytes.
    BOOST_TEST(userDetails("password", quoted("Aa1" + repeat("\u00E9", 3))) == "");  // 9 bytes
    BOOST_TEST(userDetails("password", quoted("Aa1" + repeat("\u00E9", 35))) ==      // 73 bytes
               "Password must be 8 to 72 bytes long");
}

BOOST_AUTO_TEST_CASE(a_password_needs_an_upper_case_letter_a_lower_case_letter_and_a_digit) {
    BOOST_TEST(userDetails("password", "\"abcdefg1\"") ==
               "Password must contain an upper-case letter");
    BOOST_TEST(userDetails("password", "\"ABCDEFG1\"") ==
               "Password must contain a lower-case letter");
    BOOST_TEST(userDetails("password", "\"Abcdefgh\"") == "Password must contain a digit");
    // Every broken rule is its own detail.
    auto details = bodyDetails(json(user("password", "\"!\"")), users::kCreateUser);
    BOOST_TEST(names(details) == "password@body password@body password@body password@body");
    BOOST_TEST(messages(details) ==
               "Password must be 8 to 72 bytes long | Password must contain an upper-case "
               "letter | Password must contain a lower-case letter | Password must contain a "
               "digit");
}

BOOST_AUTO_TEST_CASE(a_password_is_kept_as_sent) {
    // Not trimmed: the spaces are part of the secret.
    Input in = validateBody(json(user("password", "\" Abcdefg1 \"")), users::kCreateUser);
    BOOST_TEST(*in.text("password") == " Abcdefg1 ");
}

// Username and SKU

BOOST_AUTO_TEST_CASE(a_username_is_3_to_30_letters_digits_and_underscores) {
    for (std::string_view ok : {"abc", "Alice_1", "___", "A1b2C3"}) {
        BOOST_TEST(userDetails("username", quoted(ok)) == "", ok);
    }
    BOOST_TEST(userDetails("username", quoted(repeat("u", 30))) == "");
    const std::string message =
        "Username must be 3 to 30 characters of letters, digits and underscores";
    for (std::string_view bad : {"ab", "a-b", "a b", "a.bc", " abc", "abc ", "\u00FCber", ""}) {
        BOOST_TEST(userDetails("username", quoted(bad)) == message, bad);
    }
    BOOST_TEST(userDetails("username", quoted(repeat("u", 31))) == message);
    // Kept as sent: uniqueness ignores case, the name keeps it.
    Input in = validateBody(json(user("username", "\"Alice_1\"")), users::kCreateUser);
    BOOST_TEST(*in.text("username") == "Alice_1");
}

BOOST_AUTO_TEST_CASE(a_sku_is_3_to_32_of_upper_case_letters_digits_and_dashes) {
    for (std::string_view ok : {"AB1", "LAMP-2024", "X-1-Y"}) {
        BOOST_TEST(productDetails("sku", quoted(ok)) == "", ok);
    }
    BOOST_TEST(productDetails("sku", quoted(repeat("S", 32))) == "");
    const std::string message = "SKU must be 3 to 32 characters of A-Z, 0-9 and '-'";
    for (std::string_view bad : {"AB", "ab-1", "AB_1", "AB 1", "AB.1", "\u00C4B1", ""}) {
        BOOST_TEST(productDetails("sku", quoted(bad)) == message, bad);
    }
    BOOST_TEST(productDetails("sku", quoted(repeat("S", 33))) == message);
}

// Enum

BOOST_AUTO_TEST_CASE(an_enum_takes_one_of_its_options_exactly) {
    Input in = validateBody(json(user("role", "\"admin\"")), users::kCreateUser);
    BOOST_TEST(*in.text("role") == "admin");
    BOOST_TEST(userDetails("role", "\"user\"") == "");
    for (std::string_view bad : {"Admin", "admin ", "", "root"}) {
        BOOST_TEST(userDetails("role", quoted(bad)) == "Must be one of: user, admin", bad);
    }
    BOOST_TEST(userDetails("role", "1") == "Must be a string");
}

// Boolean

BOOST_AUTO_TEST_CASE(a_json_boolean_is_true_or_false_only) {
    const BodyRules& rules = posts::kPatchPost;
    BOOST_TEST(*validateBody(json(R"({"published":true})"), rules).boolean("published") == true);
    BOOST_TEST(*validateBody(json(R"({"published":false})"), rules).boolean("published") == false);
    for (std::string_view value : {"\"true\"", "1", "0", "null", "\"\""}) {
        auto details = bodyDetails(json("{\"published\":" + std::string(value) + "}"), rules);
        BOOST_TEST(messages(details) == "Must be a boolean", value);
    }
}

BOOST_AUTO_TEST_CASE(a_form_boolean_is_true_false_1_or_0) {
    const BodyRules& rules = posts::kPatchPost;
    for (std::string_view yes : {"true", "1"}) {
        auto in = validateBody(form("published=" + std::string(yes)), rules);
        BOOST_TEST(*in.boolean("published") == true, yes);
    }
    for (std::string_view no : {"false", "0"}) {
        auto in = validateBody(form("published=" + std::string(no)), rules);
        BOOST_TEST(*in.boolean("published") == false, no);
    }
    for (std::string_view bad : {"TRUE", "True", "yes", "on", "", "2", "01", "true+"}) {
        auto details = bodyDetails(form("published=" + std::string(bad)), rules);
        BOOST_TEST(messages(details) == "Must be a boolean (true, false, 1 or 0)", bad);
    }
}

// Integer

BOOST_AUTO_TEST_CASE(a_json_integer_is_an_integer_number_within_the_range) {
    Input in = validateBody(json(product("priceCents", "1999")), products::kCreateProduct);
    BOOST_TEST(*in.integer("priceCents") == 1999);
    BOOST_TEST(!in.text("priceCents"));
    BOOST_TEST(productDetails("priceCents", "0") == "");
    BOOST_TEST(productDetails("priceCents", "100000000") == "");
    const std::string message = "Must be an integer from 0 to 100000000";
    for (std::string_view bad : {"-1", "100000001", "1.5", "1.0", "1e2", "\"100\"", "true", "null",
                                 "9223372036854775808", "-9223372036854775809"}) {
        BOOST_TEST(productDetails("priceCents", bad) == message, bad);
    }
}

BOOST_AUTO_TEST_CASE(a_form_integer_is_a_strict_decimal) {
    const BodyRules& rules = products::kPatchProduct;
    BOOST_TEST(*validateBody(form("stock=42"), rules).integer("stock") == 42);
    BOOST_TEST(*validateBody(form("stock=1000000000"), rules).integer("stock") == 1000000000);
    const std::string message = "Must be an integer from 0 to 1000000000";
    // '+' in a form is a space; %2B is the sign.
    for (std::string_view bad :
         {"", "%2B42", "+42", "42+", "-1", "4_2", "0x10", "1e3", "42.0", "42abc", "abc",
          "1000000001", "9223372036854775808", "000000000000000000042"}) {
        auto details = bodyDetails(form("stock=" + std::string(bad)), rules);
        BOOST_TEST(messages(details) == message, bad);
    }
}

BOOST_AUTO_TEST_CASE(an_integer_reaches_the_ends_of_its_range) {
    // authorId: 1 to INT64_MAX.
    auto q = validateList("authorId=9223372036854775807", posts::kListPosts);
    BOOST_TEST(*q.filters.integer("authorId") == INT64_MAX);
    BOOST_TEST(names(listDetails("authorId=9223372036854775808", posts::kListPosts)) ==
               "authorId@query");
    BOOST_TEST(messages(listDetails("authorId=0", posts::kListPosts)) ==
               "Must be an integer from 1 to 9223372036854775807");
    BOOST_TEST(*validateList("authorId=1", posts::kListPosts).filters.integer("authorId") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(validation_body_modes)

BOOST_AUTO_TEST_CASE(create_names_every_missing_required_field_in_rule_order) {
    auto details = bodyDetails(json("{}"), products::kCreateProduct);
    BOOST_TEST(names(details) == "sku@body name@body priceCents@body");
    BOOST_TEST(messages(details) == "Field is required | Field is required | Field is required");
    // Optional fields may be left out.
    Input in = validateBody(json(R"({"sku":"AB-1","name":"Lamp","priceCents":5})"),
                            products::kCreateProduct);
    BOOST_TEST(!in.has("description"));
    BOOST_TEST(!in.has("stock"));
}

BOOST_AUTO_TEST_CASE(a_body_without_content_is_missing_every_required_field) {
    BOOST_TEST(names(bodyDetails(Body{}, posts::kCreatePost)) == "title@body body@body");
    BOOST_TEST(names(bodyDetails(form(""), posts::kCreatePost)) == "title@body body@body");
}

BOOST_AUTO_TEST_CASE(replace_needs_the_required_fields_like_create) {
    BOOST_TEST(names(bodyDetails(json(R"({"title":"t"})"), posts::kReplacePost)) == "body@body");
    BOOST_TEST(bodyDetails(json(R"({"title":"t","body":"b"})"), posts::kReplacePost).empty());
    // A user's replace takes no password (a change is optional), create needs one.
    const std::string noPassword = R"({"email":"a@example.com","username":"alice"})";
    BOOST_TEST(bodyDetails(json(noPassword), users::kReplaceUser).empty());
    BOOST_TEST(names(bodyDetails(json(noPassword), users::kCreateUser)) == "password@body");
}

BOOST_AUTO_TEST_CASE(patch_needs_no_field_but_at_least_one) {
    Input in = validateBody(json(R"({"published":false})"), posts::kPatchPost);
    BOOST_TEST(!in.has("title"));
    BOOST_TEST(*in.boolean("published") == false);
    for (std::string_view empty : {"{}", ""}) {
        auto details = bodyDetails(json(empty), posts::kPatchPost);
        BOOST_REQUIRE(details.size() == 1u);
        BOOST_TEST(details[0].field == "");
        BOOST_TEST(details[0].location == "body");
        BOOST_TEST(details[0].message == "At least one field is required");
    }
    BOOST_TEST(messages(bodyDetails(form("a"), posts::kPatchPost)) == "Unknown field");
}

BOOST_AUTO_TEST_CASE(patch_checks_the_fields_it_gets) {
    BOOST_TEST(names(bodyDetails(json(R"({"title":"  "})"), posts::kPatchPost)) == "title@body");
    BOOST_TEST(names(bodyDetails(json(R"({"sku":"x","priceCents":-1})"),
                                 products::kPatchProduct)) == "sku@body priceCents@body");
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_broken_rules) {
    auto details =
        bodyDetails(json(R"({"title":"t","body":"b","authorId":2})"), posts::kCreatePost);
    BOOST_TEST(names(details) == "authorId@body");
    BOOST_TEST(messages(details) == "Unknown field");
    // Names are exact: "Title" is unknown and "title" still missing.
    BOOST_TEST(names(bodyDetails(json(R"({"Title":"t","body":"b"})"), posts::kCreatePost)) ==
               "Title@body title@body");
    // A patch of unknown fields only is refused for them, not for being empty.
    BOOST_TEST(messages(bodyDetails(json(R"({"x":1})"), posts::kPatchPost)) == "Unknown field");
    BOOST_TEST(names(bodyDetails(form("title=t&body=b&id=5"), posts::kCreatePost)) == "id@body");
}

BOOST_AUTO_TEST_CASE(a_repeated_json_member_is_refused) {
    auto details = bodyDetails(json(R"({"title":"a","body":"b","title":"c"})"), posts::kCreatePost);
    BOOST_TEST(names(details) == "title@body");
    BOOST_TEST(messages(details) == "Duplicate field");
}

BOOST_AUTO_TEST_CASE(a_json_body_must_be_an_object) {
    for (std::string_view text : {"[]", "[{\"title\":\"t\"}]", "\"t\"", "1", "null"}) {
        auto details = bodyDetails(json(text), posts::kPatchPost);
        BOOST_TEST(names(details) == "@body", text);
        BOOST_TEST(messages(details) == "Request body must be a JSON object", text);
    }
}

BOOST_AUTO_TEST_CASE(every_broken_rule_of_a_body_is_listed_once) {
    auto details = bodyDetails(json(R"({"sku":"lower","name":"","priceCents":"1","x":true})"),
                               products::kCreateProduct);
    BOOST_TEST(names(details) == "sku@body name@body priceCents@body x@body");
}

BOOST_AUTO_TEST_CASE(login_checks_shape_only) {
    // A malformed email is a failed login (401), not a validation error.
    Input in = validateBody(json(R"({"email":" Not An Email ","password":"x"})"), auth::kLogin);
    BOOST_TEST(*in.text("email") == "Not An Email");
    BOOST_TEST(*in.text("password") == "x");
    BOOST_TEST(names(bodyDetails(json(R"({"email":"","password":""})"), auth::kLogin)) ==
               "email@body password@body");
    BOOST_TEST(
        names(bodyDetails(json(R"({"email":"a@b.co","password":")" + repeat("p", 1025) + "\"}"),
                          auth::kLogin)) == "password@body");
}

BOOST_AUTO_TEST_CASE(register_checks_formats) {
    BOOST_TEST(bodyDetails(json(R"({"email":"a@example.com","username":"al","password":"short"})"),
                           auth::kRegister)
                   .size() == 4u);  // username, password: length, upper-case letter, digit
    BOOST_TEST(names(bodyDetails(json("{}"), auth::kRegister)) ==
               "email@body username@body password@body");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(validation_list_query)

BOOST_AUTO_TEST_CASE(an_empty_query_takes_the_defaults) {
    ListQuery q = validateList("", posts::kListPosts);
    BOOST_TEST(q.page == 1);
    BOOST_TEST(q.limit == kDefaultLimit);
    BOOST_TEST(q.sort.column.field == "createdAt");
    BOOST_TEST(q.sort.descending);
    BOOST_TEST(!q.search);
    BOOST_TEST(!q.cursor);
    BOOST_TEST(q.filters.empty());
}

BOOST_AUTO_TEST_CASE(page_and_limit_are_bounded_integers) {
    ListQuery q = validateList("page=3&limit=100", posts::kListPosts);
    BOOST_TEST(q.page == 3);
    BOOST_TEST(q.limit == 100);
    BOOST_TEST(validateList("limit=1", posts::kListPosts).limit == 1);
    for (std::string_view bad :
         {"limit=0", "limit=101", "limit=-1", "limit=", "limit=%2B5", "limit=5.0", "limit=five"}) {
        auto details = listDetails(bad, posts::kListPosts);
        BOOST_TEST(names(details) == "limit@query", bad);
        BOOST_TEST(messages(details) == "Must be an integer from 1 to 100", bad);
    }
    for (std::string_view bad : {"page=0", "page=-2", "page=1.5", "page=x", "page="}) {
        auto details = listDetails(bad, posts::kListPosts);
        BOOST_TEST(names(details) == "page@query", bad);
        BOOST_TEST(messages(details) == "Must be an integer from 1 to 1000000000", bad);
    }
}

BOOST_AUTO_TEST_CASE(sort_takes_a_known_field_with_an_optional_minus) {
    ListQuery asc = validateList("sort=title", posts::kListPosts);
    BOOST_TEST(asc.sort.column.field == "title");
    BOOST_TEST(!asc.sort.descending);
    ListQuery desc = validateList("sort=-priceCents", products::kListProducts);
    BOOST_TEST(desc.sort.column.field == "priceCents");
    BOOST_TEST(desc.sort.descending);
    BOOST_TEST(!validateList("sort=createdAt", users::kListUsers).sort.descending);

    for (std::string_view bad : {"sort=body", "sort=--title", "sort=", "sort=-", "sort=Title",
                                 "sort=+title", "sort=title%20"}) {
        auto details = listDetails(bad, posts::kListPosts);
        BOOST_TEST(names(details) == "sort@query", bad);
        BOOST_TEST(
            messages(details) == "Must be one of: createdAt, title, id (prefix '-' for descending)",
            bad);
    }
    // Each list has its own fields: username sorts users, not posts.
    BOOST_TEST(validateList("sort=username", users::kListUsers).sort.column.field == "username");
    BOOST_TEST(names(listDetails("sort=username", posts::kListPosts)) == "sort@query");
}

BOOST_AUTO_TEST_CASE(search_is_decoded_and_at_most_100_characters) {
    BOOST_TEST(*validateList("search=red+lamp%21", products::kListProducts).search == "red lamp!");
    const std::string e100 = repeat("%C3%A9", 100);  // 100 characters, 200 bytes
    BOOST_TEST(validateList("search=" + e100, products::kListProducts).search->size() == 200u);
    auto details = listDetails("search=" + e100 + "x", products::kListProducts);
    BOOST_TEST(names(details) == "search@query");
    BOOST_TEST(messages(details) == "Must be at most 100 characters long");
}

BOOST_AUTO_TEST_CASE(a_cursor_is_kept_opaque_up_to_512_characters) {
    BOOST_TEST(*validateList("cursor=abc.def", posts::kListPosts).cursor == "abc.def");
    BOOST_TEST(validateList("cursor=" + repeat("c", 512), posts::kListPosts).cursor->size() ==
               512u);
    for (const std::string& bad : {std::string("cursor="), "cursor=" + repeat("c", 513)}) {
        auto details = listDetails(bad, posts::kListPosts);
        BOOST_TEST(names(details) == "cursor@query");
        BOOST_TEST(messages(details) == "Invalid cursor");
    }
}

BOOST_AUTO_TEST_CASE(offset_pages_end_at_50000_rows_and_point_at_the_cursor) {
    static_assert(kMaxOffsetRows == 50000);
    BOOST_TEST(validateList("page=2500", posts::kListPosts).page == 2500);  // 2,500 * 20
    BOOST_TEST(validateList("page=500&limit=100", posts::kListPosts).page == 500);
    for (std::string_view deep : {"page=2501", "page=501&limit=100", "limit=100&page=501",
                                  "page=50001&limit=1", "page=1000000000&limit=100"}) {
        auto details = listDetails(deep, posts::kListPosts);
        BOOST_TEST(names(details) == "page@query", deep);
        BOOST_TEST(messages(details) ==
                       "page * limit must be at most 50000: past that, pass `cursor` "
                       "(meta.nextCursor of the previous page)",
                   deep);
    }
    // A cursor page has no offset: its page number bounds nothing.
    BOOST_TEST(listDetails("page=2501&cursor=x", posts::kListPosts).empty());
}

BOOST_AUTO_TEST_CASE(filters_are_the_lists_own) {
    ListQuery q = validateList("authorId=7&published=false", posts::kListPosts);
    BOOST_TEST(*q.filters.integer("authorId") == 7);
    BOOST_TEST(*q.filters.boolean("published") == false);

    ListQuery p = validateList("minPrice=0&maxPrice=500&inStock=1", products::kListProducts);
    BOOST_TEST(*p.filters.integer("minPrice") == 0);
    BOOST_TEST(*p.filters.integer("maxPrice") == 500);
    BOOST_TEST(*p.filters.boolean("inStock") == true);
    BOOST_TEST(messages(listDetails("inStock=yes", products::kListProducts)) ==
               "Must be a boolean (true, false, 1 or 0)");
    BOOST_TEST(names(listDetails("maxPrice=100000001", products::kListProducts)) ==
               "maxPrice@query");

    // A user's posts take no authorId: there it is an unknown parameter.
    ListQuery u = validateList("authorId=abc&published=1", posts::kListUserPosts);
    BOOST_TEST(!u.filters.has("authorId"));
    BOOST_TEST(*u.filters.boolean("published") == true);
    // Users have no filters at all.
    BOOST_TEST(validateList("published=maybe&role=x", users::kListUsers).filters.empty());
}

BOOST_AUTO_TEST_CASE(every_broken_parameter_is_listed_in_query_order) {
    auto details =
        listDetails("published=maybe&sort=x&limit=500&page=0&authorId=-3", posts::kListPosts);
    BOOST_TEST(names(details) ==
               "published@query sort@query limit@query page@query authorId@query");
}

BOOST_AUTO_TEST_CASE(repeated_and_array_form_filters_are_refused_on_real_lists) {
    BOOST_TEST(messages(listDetails("minPrice=1&minPrice=2", products::kListProducts)) ==
               "Duplicate parameter");
    BOOST_TEST(messages(listDetails("inStock[]=1", products::kListProducts)) ==
               "Must be a single value, not an array or object form");
    BOOST_TEST(names(listDetails("search=a&search[]=b", users::kListUsers)) == "search@query");
    BOOST_TEST(names(listDetails("cursor[a]=x", users::kListUsers)) == "cursor@query");
}

BOOST_AUTO_TEST_CASE(a_malformed_query_string_is_one_detail) {
    for (std::string_view bad : {"page=%zz", "=1", "search=%C3"}) {
        auto details = listDetails(bad, posts::kListPosts);
        BOOST_TEST(names(details) == "@query", bad);
        BOOST_TEST(messages(details) == "Malformed query string", bad);
    }
}

BOOST_AUTO_TEST_SUITE_END()
