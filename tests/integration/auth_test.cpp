// SPDX-License-Identifier: Apache-2.0
// Auth through nginx (docs/api.md "Auth", "Validation rules", "Rate limits"):
// register and login, the refresh-token rotation and its reuse detection,
// logout and logout-all, /me, request-body parsing on a real route, forged
// and expired access tokens, and the nginx rate limit of the auth zone.
//
// Rate-limit tests send from loopback addresses no other test uses
// (127.0.0.7 .. 127.0.0.10); every other login or register goes out from
// api.h's address pool, so setup traffic never meets the limit.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;

namespace {

constexpr int64_t kAccessTtl = 900;  // JWT_TTL_SECONDS default; the test stack keeps it

std::string registerBody(const std::string& email, const std::string& username,
                         const std::string& password) {
    return object(
        {{"email", str(email)}, {"username", str(username)}, {"password", str(password)}});
}

HttpResponse registerWith(const std::string& email, const std::string& username,
                          const std::string& password) {
    return send("POST", "/api/v1/auth/register", {}, registerBody(email, username, password));
}

// The access-log line ("msg":"request") of the request with this id; restd
// writes it just after the response, so it is polled for a little while.
std::string accessLogLine(const std::string& requestId) {
    for (int attempt = 0; attempt < 40; ++attempt) {
        std::ifstream log(stack().env("RESTD_LOG"));
        std::string line;
        while (std::getline(log, line)) {
            if (line.find("\"msg\":\"request\"") != std::string::npos &&
                line.find("\"requestId\":\"" + requestId + "\"") != std::string::npos) {
                return line;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
}

HttpResponse refresh(const std::string& refreshToken) {
    return send("POST", "/api/v1/auth/refresh", {}, object({{"refreshToken", str(refreshToken)}}));
}

HttpResponse me(const std::string& token) { return send("GET", "/api/v1/auth/me", token); }

// 401 UNAUTHORIZED with a Bearer challenge.
rapidjson::Document checkUnauthorized(const HttpResponse& response) {
    rapidjson::Document body = checkError(response, 401, "UNAUTHORIZED");
    std::string challenge = response.header("WWW-Authenticate").value_or("<none>");
    BOOST_CHECK_MESSAGE(challenge.starts_with("Bearer"),
                        "WWW-Authenticate is " << challenge << ": " << response.summary());
    return body;
}

// The data of register and login: {user, token, refreshToken, expiresIn}, no-store,
// the user as given, and a token whose claims match it.
rapidjson::Document checkAuthResult(const HttpResponse& response, long status,
                                    const std::string& email, const std::string& username,
                                    const std::string& role) {
    rapidjson::Document body = checkSuccess(response, status);
    BOOST_CHECK_EQUAL(response.header("Cache-Control").value_or("<none>"), "no-store");
    BOOST_CHECK((memberNames(jsonAt(body, "data")) ==
                 std::vector<std::string>{"expiresIn", "refreshToken", "token", "user"}));
    BOOST_CHECK(
        (memberNames(jsonAt(body, "data.user")) ==
         std::vector<std::string>{"createdAt", "email", "id", "role", "updatedAt", "username"}));
    const int64_t id = intAt(body, "data.user.id").value_or(0);
    BOOST_CHECK_GT(id, 0);
    BOOST_CHECK_EQUAL(jsonString(body, "data.user.email"), email);
    BOOST_CHECK_EQUAL(jsonString(body, "data.user.username"), username);
    BOOST_CHECK_EQUAL(jsonString(body, "data.user.role"), role);
    BOOST_CHECK(isIsoMillis(jsonString(body, "data.user.createdAt")));
    BOOST_CHECK(isIsoMillis(jsonString(body, "data.user.updatedAt")));
    BOOST_CHECK_EQUAL(intAt(body, "data.expiresIn").value_or(-1), kAccessTtl);

    const std::string refreshToken = jsonString(body, "data.refreshToken");
    // 256 random bits: at least 43 characters in any common text encoding.
    BOOST_CHECK_MESSAGE(refreshToken.size() >= 43 && refreshToken != "<missing>",
                        "refreshToken: " << refreshToken);

    const std::string token = jsonString(body, "data.token");
    BOOST_CHECK_EQUAL(std::count(token.begin(), token.end(), '.'), 2);
    rapidjson::Document header =
        json(base64UrlDecode(std::string_view(token).substr(0, token.find('.'))).value_or("<bad>"));
    BOOST_CHECK_EQUAL(jsonString(header, "alg"), "HS256");
    rapidjson::Document claimSet = tokenPayload(token);
    BOOST_CHECK_EQUAL(jsonString(claimSet, "sub"), std::to_string(id));
    BOOST_CHECK_EQUAL(jsonString(claimSet, "role"), role);
    BOOST_CHECK_EQUAL(jsonString(claimSet, "iss"), "restd");
    BOOST_CHECK(intAt(claimSet, "ver").has_value());
    const int64_t iat = intAt(claimSet, "iat").value_or(0);
    const int64_t exp = intAt(claimSet, "exp").value_or(0);
    BOOST_CHECK_MESSAGE(std::abs(iat - nowSeconds()) < 300, "iat " << iat << " is off the clock");
    BOOST_CHECK_EQUAL(exp - iat, intAt(body, "data.expiresIn").value_or(-1));
    return body;
}

// A body without its requestId, for comparing two error bodies.
std::string withoutRequestId(const std::string& text) {
    rapidjson::Document body = json(text);
    if (!body.IsObject()) return text;
    body.RemoveMember("requestId");
    return jsonDump(body);
}

// 32 or 33 nested levels: {"a":{"a":...{}...}}.
std::string nestedObjects(int depth) {
    std::string text;
    for (int i = 1; i < depth; ++i) text += "{\"a\":";
    text += "{}";
    text += std::string(static_cast<size_t>(depth - 1), '}');
    return text;
}

RequestOptions from(const std::string& address) {
    RequestOptions options;
    options.sourceAddress = address;
    return options;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_register)

BOOST_AUTO_TEST_CASE(register_returns_201_with_location_no_store_user_and_token_pair) {
    const std::string name = uniqueName("reg");
    const std::string email = name + "@example.com";
    HttpResponse response = registerWith(email, name, std::string(kPassword));
    rapidjson::Document body = checkAuthResult(response, 201, email, name, "user");
    const int64_t id = intAt(body, "data.user.id").value_or(0);
    BOOST_CHECK_EQUAL(response.header("Location").value_or("<none>"),
                      "/api/v1/users/" + std::to_string(id));

    // The new token works at once and names the new user.
    rapidjson::Document self = checkSuccess(me(jsonString(body, "data.token")), 200);
    BOOST_CHECK_EQUAL(intAt(self, "data.id").value_or(0), id);
}

BOOST_AUTO_TEST_CASE(register_trims_and_lower_cases_the_email) {
    const std::string name = uniqueName("trim");
    HttpResponse response =
        registerWith("  " + name + "@EXAMPLE.Com \t", "X" + name, std::string(kPassword));
    checkAuthResult(response, 201, name + "@example.com", "X" + name, "user");
    HttpResponse again = login(name + "@example.com", std::string(kPassword));
    checkSuccess(again, 200);
}

BOOST_AUTO_TEST_CASE(register_stores_only_a_bcrypt_hash_of_the_configured_cost) {
    Account account = registerAccount("hash");
    std::optional<std::string> stored =
        sql("SELECT password_hash FROM users WHERE id = " + std::to_string(account.id));
    BOOST_REQUIRE_MESSAGE(stored.has_value(), "the mariadb client failed");
    std::string hash = stored->substr(0, stored->find('\n'));
    BOOST_CHECK_MESSAGE(hash.starts_with("$2b$04$") && hash.size() == 60,
                        "password_hash is '" << hash << "'");
    BOOST_CHECK(hash.find(kPassword) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(returns_409_naming_email_when_the_email_is_taken_in_any_case) {
    Account first = registerAccount("dupe");
    std::string upper = first.email;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    HttpResponse response = registerWith(upper, uniqueName("other"), std::string(kPassword));
    rapidjson::Document body = checkError(response, 409, "CONFLICT");
    std::vector<Detail> found = details(body);
    BOOST_REQUIRE_MESSAGE(!found.empty(), response.summary());
    BOOST_CHECK_EQUAL(found[0].field, "email");
}

BOOST_AUTO_TEST_CASE(returns_409_naming_username_when_it_differs_only_in_case) {
    Account first = registerAccount("case");
    std::string upper = first.username;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    HttpResponse response = registerWith(uniqueEmail("other"), upper, std::string(kPassword));
    rapidjson::Document body = checkError(response, 409, "CONFLICT");
    std::vector<Detail> found = details(body);
    BOOST_REQUIRE_MESSAGE(!found.empty(), response.summary());
    BOOST_CHECK_EQUAL(found[0].field, "username");
}

BOOST_AUTO_TEST_CASE(rejects_invalid_emails_with_a_detail_for_email) {
    // 255 characters: 64 + "@" + 190 of valid labels.
    const std::string tooLong = std::string(64, 'a') + "@" + std::string(63, 'b') + "." +
                                std::string(63, 'c') + "." + std::string(58, 'd') + ".com";
    BOOST_REQUIRE_EQUAL(tooLong.size(), 255u);
    for (const std::string& email : {std::string("plainaddress"), std::string("user@"),
                                     std::string("@example.com"), std::string("user@@example.com"),
                                     std::string("us er@example.com"), std::string(""), tooLong}) {
        BOOST_TEST_CONTEXT("email '" << email << "'") {
            checkValidation(registerWith(email, uniqueName("em"), std::string(kPassword)),
                            {{"email", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(accepts_an_email_of_exactly_254_characters) {
    const std::string name = uniqueName("e");
    const std::string domain = "@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                               std::string(58, 'd') + ".com";
    const std::string email = name + std::string(254 - domain.size() - name.size(), 'a') + domain;
    BOOST_REQUIRE_EQUAL(email.size(), 254u);
    HttpResponse response = registerWith(email, name, std::string(kPassword));
    checkAuthResult(response, 201, email, name, "user");
}

BOOST_AUTO_TEST_CASE(rejects_usernames_of_2_or_31_characters_or_with_a_hyphen) {
    const std::string base = uniqueName("n");  // unique, so a 201 would not be a 409
    for (const std::string& username :
         {std::string("ab"), base + std::string(31 - base.size(), 'x'),
          base.substr(0, 3) + "-" + base.substr(3), std::string("with space"),
          std::string("caf\xC3\xA9") + base}) {
        BOOST_TEST_CONTEXT("username '" << username << "'") {
            checkValidation(registerWith(uniqueEmail("un"), username, std::string(kPassword)),
                            {{"username", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(accepts_usernames_of_3_and_30_characters) {
    const std::string base = uniqueName("b");
    // Three characters, unique in this run (other names are longer): "z" and the
    // last two characters of a fresh unique name (its counter).
    const std::string fresh = uniqueName("");
    const std::string shortName = "z" + fresh.substr(fresh.size() - 2);
    const std::string longName = base + std::string(30 - base.size(), '_');
    for (const std::string& username : {shortName, longName}) {
        BOOST_TEST_CONTEXT("username '" << username << "'") {
            const std::string email = uniqueEmail("ok");
            checkAuthResult(registerWith(email, username, std::string(kPassword)), 201, email,
                            username, "user");
        }
    }
}

BOOST_AUTO_TEST_CASE(rejects_passwords_of_7_or_73_bytes) {
    for (const std::string& password : {std::string("Abcde12"), "Abc1" + std::string(69, 'x')}) {
        BOOST_TEST_CONTEXT("password of " << password.size() << " bytes") {
            checkValidation(registerWith(uniqueEmail("pw"), uniqueName("pw"), password),
                            {{"password", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(accepts_a_72_byte_password_and_never_truncates_a_longer_one_at_login) {
    const std::string password = "Abc1" + std::string(68, 'x');
    BOOST_REQUIRE_EQUAL(password.size(), 72u);
    const std::string name = uniqueName("pw72");
    const std::string email = name + "@example.com";
    checkAuthResult(registerWith(email, name, password), 201, email, name, "user");
    checkSuccess(login(email, password), 200);
    // bcrypt reads 72 bytes: a login with one more must not pass as the same password.
    HttpResponse longer = login(email, password + "y");
    BOOST_CHECK_MESSAGE(longer.status == 401 || longer.status == 400,
                        "a 73-byte password logged in: " << longer.summary());
}

BOOST_AUTO_TEST_CASE(rejects_passwords_without_upper_lower_or_digit_one_detail_per_rule) {
    struct Case {
        std::string password;
        size_t broken;  // number of password rules it breaks
    };
    const Case cases[] = {
        {"alllower1x", 1},    // no upper
        {"ALLUPPER1X", 1},    // no lower
        {"NoDigitsHere", 1},  // no digit
        {"12345678", 2},      // no upper, no lower
        {"short", 3},         // too short, no upper, no digit
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT("password '" << c.password << "'") {
            std::vector<std::pair<std::string, std::string>> expected(c.broken,
                                                                      {"password", "body"});
            std::vector<Detail> found = checkValidation(
                registerWith(uniqueEmail("pr"), uniqueName("pr"), c.password), expected);
            std::set<std::string> messages;
            for (const Detail& d : found) messages.insert(d.message);
            BOOST_CHECK_MESSAGE(messages.size() == found.size(),
                                "the password details repeat a message");
        }
    }
}

BOOST_AUTO_TEST_CASE(lists_every_broken_rule_of_every_field) {
    HttpResponse response = registerWith("bad", "a-", "x");
    checkValidation(response, {{"email", "body"},
                               {"username", "body"},
                               {"password", "body"},
                               {"password", "body"},
                               {"password", "body"}});
}

BOOST_AUTO_TEST_CASE(missing_fields_are_each_reported_as_required) {
    std::vector<Detail> found =
        checkValidation(send("POST", "/api/v1/auth/register", {}, "{}"),
                        {{"email", "body"}, {"username", "body"}, {"password", "body"}});
    for (const Detail& d : found) BOOST_CHECK_EQUAL(d.message, "Field is required");
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_rejected_and_no_account_is_created) {
    const std::string name = uniqueName("mass");
    const std::string email = name + "@example.com";
    HttpResponse response = send("POST", "/api/v1/auth/register", {},
                                 object({{"email", str(email)},
                                         {"username", str(name)},
                                         {"password", str(kPassword)},
                                         {"role", str("admin")},
                                         {"id", "1"},
                                         {"passwordHash", str("x")},
                                         {"createdAt", str("2020-01-01T00:00:00.000Z")}}));
    std::vector<Detail> found = checkValidation(
        response,
        {{"role", "body"}, {"id", "body"}, {"passwordHash", "body"}, {"createdAt", "body"}});
    for (const Detail& d : found) {
        BOOST_CHECK_MESSAGE(iequals(d.message, "Unknown field"), "message: " << d.message);
    }
    checkError(login(email, std::string(kPassword)), 401, "INVALID_CREDENTIALS");
}

BOOST_AUTO_TEST_CASE(form_bodies_validate_exactly_like_json) {
    const std::vector<std::pair<std::string, std::string>> broken = {
        {"email", "bad"}, {"username", "a-"}, {"password", "x"}, {"role", "admin"}};
    std::string jsonText = "{";
    for (const auto& [name, value] : broken) {
        jsonText += (jsonText.size() > 1 ? "," : "") + str(name) + ":" + str(value);
    }
    jsonText += "}";
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"email", "body"},    {"username", "body"}, {"password", "body"},
        {"password", "body"}, {"password", "body"}, {"role", "body"}};

    auto sorted = [](std::vector<Detail> list) {
        std::vector<std::string> out;
        for (const Detail& d : list) out.push_back(d.field + "|" + d.message + "|" + d.location);
        std::sort(out.begin(), out.end());
        return out;
    };
    std::vector<Detail> fromJson =
        checkValidation(send("POST", "/api/v1/auth/register", {}, jsonText), expected);
    std::vector<Detail> fromUrlEncoded =
        checkValidation(sendRaw("POST", "/api/v1/auth/register", {},
                                "application/x-www-form-urlencoded", urlEncoded(broken)),
                        expected);
    std::vector<Detail> fromMultipart = checkValidation(
        sendRaw("POST", "/api/v1/auth/register", {}, multipartType(), multipart(broken)), expected);
    BOOST_CHECK(sorted(fromUrlEncoded) == sorted(fromJson));
    BOOST_CHECK(sorted(fromMultipart) == sorted(fromJson));
}

BOOST_AUTO_TEST_CASE(valid_urlencoded_and_multipart_registrations_are_201) {
    for (bool useMultipart : {false, true}) {
        BOOST_TEST_CONTEXT((useMultipart ? "multipart/form-data" : "urlencoded")) {
            const std::string name = uniqueName("form");
            const std::vector<std::pair<std::string, std::string>> fields = {
                {"email", " " + name + "@Example.com"},
                {"username", name},
                {"password", std::string(kPassword)}};
            HttpResponse response =
                useMultipart ? sendRaw("POST", "/api/v1/auth/register", {}, multipartType(),
                                       multipart(fields))
                             : sendRaw("POST", "/api/v1/auth/register", {},
                                       "application/x-www-form-urlencoded", urlEncoded(fields));
            checkAuthResult(response, 201, name + "@example.com", name, "user");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_body_parsing)

BOOST_AUTO_TEST_CASE(json_body_that_is_not_an_object_is_400_validation_error) {
    for (const char* text : {"[]", "\"text\"", "42", "null", "true"}) {
        BOOST_TEST_CONTEXT("body " << text) {
            checkError(send("POST", "/api/v1/auth/register", {}, text), 400, "VALIDATION_ERROR");
        }
    }
}

BOOST_AUTO_TEST_CASE(malformed_json_is_400_malformed_body) {
    for (const char* text :
         {"{\"email\":", "{'email':'a@b.co'}", "{\"email\":\"a@b.co\"} trailing", "{,}"}) {
        BOOST_TEST_CONTEXT("body " << text) {
            checkError(send("POST", "/api/v1/auth/register", {}, text), 400, "MALFORMED_BODY");
        }
    }
}

BOOST_AUTO_TEST_CASE(json_nested_33_deep_is_malformed_and_32_deep_is_parsed) {
    checkError(send("POST", "/api/v1/auth/register", {}, nestedObjects(33)), 400, "MALFORMED_BODY");
    const std::string arrays = std::string(33, '[') + std::string(33, ']');
    checkError(send("POST", "/api/v1/auth/register", {}, arrays), 400, "MALFORMED_BODY");
    // 32 levels parse; the outer object then breaks the field rules.
    checkValidation(send("POST", "/api/v1/auth/register", {}, nestedObjects(32)),
                    {{"a", "body"}, {"email", "body"}, {"username", "body"}, {"password", "body"}});
}

BOOST_AUTO_TEST_CASE(text_plain_body_is_415_unsupported_media_type) {
    const std::string name = uniqueName("txt");
    checkError(sendRaw("POST", "/api/v1/auth/register", {}, "text/plain",
                       registerBody(name + "@example.com", name, std::string(kPassword))),
               415, "UNSUPPORTED_MEDIA_TYPE");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_login)

BOOST_AUTO_TEST_CASE(login_returns_200_with_the_same_shape_as_register) {
    Account account = registerAccount("login");
    HttpResponse response = login(account.email, account.password);
    rapidjson::Document body =
        checkAuthResult(response, 200, account.email, account.username, "user");
    BOOST_CHECK_EQUAL(intAt(body, "data.user.id").value_or(0), account.id);
    BOOST_CHECK(jsonString(body, "data.refreshToken") != account.refreshToken);
}

BOOST_AUTO_TEST_CASE(login_ignores_the_case_of_the_email) {
    Account account = registerAccount("lcase");
    std::string upper = account.email;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    checkAuthResult(login(upper, account.password), 200, account.email, account.username, "user");
}

BOOST_AUTO_TEST_CASE(the_seeded_admin_logs_in_with_role_admin) {
    HttpResponse response = login(stack().env("ADMIN_EMAIL"), stack().env("ADMIN_PASSWORD"));
    rapidjson::Document body = checkSuccess(response, 200);
    BOOST_CHECK_EQUAL(jsonString(body, "data.user.role"), "admin");
    BOOST_CHECK_EQUAL(jsonString(tokenPayload(jsonString(body, "data.token")), "role"), "admin");
}

BOOST_AUTO_TEST_CASE(wrong_password_and_unknown_email_give_the_same_401) {
    Account account = registerAccount("wrong");
    HttpResponse wrongPassword = login(account.email, "Wrong" + account.password);
    HttpResponse unknownEmail = login(uniqueEmail("nobody"), account.password);
    for (const HttpResponse* response : {&wrongPassword, &unknownEmail}) {
        rapidjson::Document body = checkError(*response, 401, "INVALID_CREDENTIALS");
        BOOST_CHECK_EQUAL(jsonString(body, "error"), "Invalid email or password");
    }
    BOOST_CHECK_EQUAL(withoutRequestId(wrongPassword.body), withoutRequestId(unknownEmail.body));
}

BOOST_AUTO_TEST_CASE(login_without_fields_is_400_listing_both) {
    checkValidation(send("POST", "/api/v1/auth/login", {}, "{}"),
                    {{"email", "body"}, {"password", "body"}});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_tokens)

BOOST_AUTO_TEST_CASE(me_returns_self_with_email) {
    Account account = registerAccount("me");
    rapidjson::Document body = checkSuccess(me(account.token), 200);
    BOOST_CHECK_EQUAL(intAt(body, "data.id").value_or(0), account.id);
    BOOST_CHECK_EQUAL(jsonString(body, "data.email"), account.email);
    BOOST_CHECK_EQUAL(jsonString(body, "data.username"), account.username);
    BOOST_CHECK_EQUAL(jsonString(body, "data.role"), "user");
}

BOOST_AUTO_TEST_CASE(me_without_token_is_401_with_a_bearer_challenge) {
    checkUnauthorized(me({}));
    checkUnauthorized(send("GET", "/api/v1/auth/me", {}, {}, {"Authorization: Bearer"}));
    checkUnauthorized(send("GET", "/api/v1/auth/me", {}, {}, {"Authorization: Bearer "}));
}

BOOST_AUTO_TEST_CASE(other_authorization_schemes_are_401) {
    Account account = registerAccount("scheme");
    checkUnauthorized(send("GET", "/api/v1/auth/me", {}, {}, {"Authorization: " + account.token}));
    checkUnauthorized(
        send("GET", "/api/v1/auth/me", {}, {}, {"Authorization: Token " + account.token}));
    checkUnauthorized(
        send("GET", "/api/v1/auth/me", {}, {}, {"Authorization: Basic dXNlcjpwYXNz"}));
}

BOOST_AUTO_TEST_CASE(token_in_the_query_string_is_ignored) {
    Account account = registerAccount("query");
    checkUnauthorized(send("GET", "/api/v1/auth/me?access_token=" + account.token));
    checkUnauthorized(send("GET", "/api/v1/users?access_token=" + account.token));
}

BOOST_AUTO_TEST_CASE(refresh_returns_a_new_working_pair_with_a_different_refresh_token) {
    Account account = registerAccount("refresh");
    HttpResponse response = refresh(account.refreshToken);
    rapidjson::Document body =
        checkAuthResult(response, 200, account.email, account.username, "user");
    const std::string newRefresh = jsonString(body, "data.refreshToken");
    BOOST_CHECK(newRefresh != account.refreshToken);
    checkSuccess(me(jsonString(body, "data.token")), 200);
    // The new refresh token rotates again.
    checkSuccess(refresh(newRefresh), 200);
}

BOOST_AUTO_TEST_CASE(reusing_a_spent_refresh_token_revokes_its_whole_family) {
    Account account = registerAccount("reuse");
    HttpResponse first = refresh(account.refreshToken);
    checkSuccess(first, 200);
    const std::string second = jsonString(json(first.body), "data.refreshToken");

    checkError(refresh(account.refreshToken), 401, "UNAUTHORIZED");
    checkError(refresh(second), 401, "UNAUTHORIZED");
}

BOOST_AUTO_TEST_CASE(family_revocation_leaves_other_sessions_of_the_user_alone) {
    Account account = registerAccount("family");
    Account otherSession = account;
    relogin(otherSession);
    checkSuccess(refresh(account.refreshToken), 200);
    checkError(refresh(account.refreshToken), 401, "UNAUTHORIZED");  // reuse
    checkSuccess(refresh(otherSession.refreshToken), 200);
}

BOOST_AUTO_TEST_CASE(unknown_or_empty_refresh_token_is_rejected) {
    checkError(refresh(base64UrlEncode(std::string(32, 'x'))), 401, "UNAUTHORIZED");
    checkValidation(refresh(""), {{"refreshToken", "body"}});
    checkValidation(send("POST", "/api/v1/auth/refresh", {}, "{}"), {{"refreshToken", "body"}});
}

BOOST_AUTO_TEST_CASE(only_the_sha256_of_a_refresh_token_is_stored) {
    Account account = registerAccount("sha");
    std::optional<std::string> rows =
        sql("SELECT HEX(token_hash), HEX(family_id) FROM refresh_tokens WHERE user_id = " +
            std::to_string(account.id));
    BOOST_REQUIRE_MESSAGE(rows.has_value(), "the mariadb client failed");
    BOOST_CHECK_MESSAGE(rows->find(sha256Hex(account.refreshToken)) != std::string::npos,
                        "no row holds SHA-256 of the refresh token: " << *rows);
    BOOST_CHECK(rows->find(account.refreshToken) == std::string::npos);
    std::optional<std::string> anywhere =
        sql("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = " + str(account.refreshToken) +
            " OR HEX(token_hash) = HEX(" + str(account.refreshToken) + ")");
    BOOST_REQUIRE(anywhere.has_value());
    BOOST_CHECK_EQUAL(anywhere->substr(0, anywhere->find('\n')), "0");
}

BOOST_AUTO_TEST_CASE(logout_returns_200_with_null_data_and_the_session_cannot_refresh) {
    Account account = registerAccount("logout");
    HttpResponse response = send("POST", "/api/v1/auth/logout", {},
                                 object({{"refreshToken", str(account.refreshToken)}}));
    rapidjson::Document body = checkSuccess(response, 200);
    BOOST_CHECK((memberNames(&body) == std::vector<std::string>{"data", "message", "success"}));
    const rapidjson::Value* data = jsonAt(body, "data");
    BOOST_CHECK(data != nullptr && data->IsNull());
    BOOST_CHECK_EQUAL(jsonString(body, "message"), "Logged out");

    checkError(refresh(account.refreshToken), 401, "UNAUTHORIZED");
}

BOOST_AUTO_TEST_CASE(logout_of_an_unknown_or_revoked_token_is_still_200) {
    Account account = registerAccount("logout2");
    for (int i = 0; i < 2; ++i) {
        checkSuccess(send("POST", "/api/v1/auth/logout", {},
                          object({{"refreshToken", str(account.refreshToken)}})),
                     200);
    }
    checkSuccess(send("POST", "/api/v1/auth/logout", {},
                      object({{"refreshToken", str(base64UrlEncode("never issued"))}})),
                 200);
}

BOOST_AUTO_TEST_CASE(logout_all_revokes_every_access_and_refresh_token_of_the_user) {
    Account account = registerAccount("all");
    Account secondSession = account;
    relogin(secondSession);
    checkSuccess(me(account.token), 200);

    HttpResponse response = send("POST", "/api/v1/auth/logout-all", account.token);
    checkSuccess(response, 200);

    checkUnauthorized(me(account.token));
    checkUnauthorized(me(secondSession.token));
    checkError(refresh(account.refreshToken), 401, "UNAUTHORIZED");
    checkError(refresh(secondSession.refreshToken), 401, "UNAUTHORIZED");

    // A fresh login starts over.
    relogin(account);
    checkSuccess(me(account.token), 200);
}

BOOST_AUTO_TEST_CASE(logout_all_without_token_is_401) {
    checkUnauthorized(send("POST", "/api/v1/auth/logout-all"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(access_log)

BOOST_AUTO_TEST_CASE(access_log_names_the_route_pattern_and_the_authenticated_user) {
    Account account = registerAccount("log");
    std::string rid = uniqueName("rid-user");
    std::string path = "/api/v1/users/" + std::to_string(account.id);
    checkSuccess(send("GET", path, account.token, {}, {"X-Request-ID: " + rid}), 200);

    std::string line = accessLogLine(rid);
    BOOST_TEST_INFO("log line: " << line);
    BOOST_CHECK(line.find("\"route\":\"/api/v1/users/{id}\"") != std::string::npos);
    BOOST_CHECK(line.find("\"path\":\"" + path + "\"") != std::string::npos);
    BOOST_CHECK(line.find("\"userId\":" + std::to_string(account.id) + ",") != std::string::npos ||
                line.find("\"userId\":" + std::to_string(account.id) + "}") != std::string::npos);
    BOOST_CHECK(line.find("\"status\":200") != std::string::npos);
    BOOST_CHECK(line.find("\"durationMs\":") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(access_log_of_anonymous_and_unrouted_requests_has_null_user) {
    std::string rid = uniqueName("rid-anon");
    checkError(send("GET", "/api/v1/nope", {}, {}, {"X-Request-ID: " + rid}), 404, "NOT_FOUND");
    std::string line = accessLogLine(rid);
    BOOST_TEST_INFO("log line: " << line);
    BOOST_CHECK(line.find("\"route\":\"\"") != std::string::npos);
    BOOST_CHECK(line.find("\"userId\":null") != std::string::npos);
    BOOST_CHECK(line.find("\"status\":404") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_forgery)

BOOST_AUTO_TEST_CASE(a_correctly_minted_token_is_accepted) {
    // The control for every forgery below: the helper signs as restd does.
    Account account = registerAccount("mint");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    rapidjson::Document body =
        checkSuccess(me(mintToken(account.id, "user", ver, now, now + 60)), 200);
    BOOST_CHECK_EQUAL(intAt(body, "data.id").value_or(0), account.id);
}

BOOST_AUTO_TEST_CASE(tokens_within_the_30_second_clock_leeway_are_accepted) {
    Account account = registerAccount("leeway");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    checkSuccess(me(mintToken(account.id, "user", ver, now - 600, now - 5)), 200);
    checkSuccess(me(mintToken(account.id, "user", ver, now + 5, now + 600)), 200);
}

BOOST_AUTO_TEST_CASE(token_expired_120_seconds_ago_is_401_token_expired) {
    Account account = registerAccount("expired");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    HttpResponse response = me(mintToken(account.id, "user", ver, now - 1020, now - 120));
    checkError(response, 401, "TOKEN_EXPIRED");
    BOOST_CHECK(response.header("WWW-Authenticate").value_or("").starts_with("Bearer"));
}

BOOST_AUTO_TEST_CASE(a_token_accepted_many_times_is_refused_once_it_expires) {
    // Each worker thread remembers the tokens it verified (auth::VerifiedTokens);
    // the clock must still be read on every request. Valid for the first
    // 3 seconds (the 30-second leeway past exp): enough requests to pass
    // through every worker thread, then the same requests once it expired.
    Account account = registerAccount("expiring");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    const int64_t exp = now - 27;
    const std::string token = mintToken(account.id, "user", ver, now - 60, exp);
    constexpr int kRequests = 48;
    int accepted = 0;
    for (int i = 0; i < kRequests && nowSeconds() < exp + 29; ++i) {
        if (me(token).status == 200) ++accepted;
    }
    BOOST_REQUIRE_GT(accepted, 16);
    while (nowSeconds() <= exp + 31) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (int i = 0; i < kRequests; ++i) {
        HttpResponse response = me(token);
        BOOST_TEST_CONTEXT("request " << i << " after expiry") {
            checkError(response, 401, "TOKEN_EXPIRED");
        }
    }
}

BOOST_AUTO_TEST_CASE(unsigned_and_other_algorithm_tokens_are_401) {
    Account account = registerAccount("alg");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    const std::string payload = claims(account.id, "user", ver, now, now + 600);
    const std::string secret = jwtSecret();
    const std::string encodedPayload = base64UrlEncode(payload);

    struct Case {
        const char* what;
        std::string token;
    };
    const Case cases[] = {
        {"alg none, no signature",
         base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + encodedPayload + "."},
        {"alg none with an HS256 signature",
         signJwt(R"({"alg":"none","typ":"JWT"})", payload, secret)},
        {"HS512 signed with the secret",
         signJwt(R"({"alg":"HS512","typ":"JWT"})", payload, secret, Hmac::Sha512)},
        {"RS256 header signed with the secret as HMAC key",
         signJwt(R"({"alg":"RS256","typ":"JWT"})", payload, secret)},
        {"no alg", signJwt(R"({"typ":"JWT"})", payload, secret)},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.what) { checkUnauthorized(me(c.token)); }
    }
}

BOOST_AUTO_TEST_CASE(tampered_payload_with_role_admin_and_the_old_signature_is_401) {
    Account account = registerAccount("tamper");
    const std::string& token = account.token;
    const size_t first = token.find('.');
    const size_t second = token.find('.', first + 1);
    rapidjson::Document payload = tokenPayload(token);
    BOOST_REQUIRE(payload.IsObject() && payload.HasMember("role"));
    payload["role"].SetString("admin");
    const std::string forged =
        token.substr(0, first) + "." + base64UrlEncode(jsonDump(payload)) + token.substr(second);
    checkUnauthorized(me(forged));
    checkUnauthorized(send("GET", "/api/v1/users", forged));
    // And a flipped signature character on the genuine token.
    std::string flipped = token;
    flipped[second + 1] = flipped[second + 1] == 'A' ? 'B' : 'A';
    checkUnauthorized(me(flipped));
}

BOOST_AUTO_TEST_CASE(token_signed_with_another_secret_is_401) {
    Account account = registerAccount("secret");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    const std::string payload = claims(account.id, "user", ver, now, now + 600);
    checkUnauthorized(me(signJwt(kJwtHeader, payload, jwtSecret() + "x")));
    checkUnauthorized(me(signJwt(kJwtHeader, payload, "secret")));
}

BOOST_AUTO_TEST_CASE(tokens_with_missing_or_wrong_claims_are_401) {
    Account account = registerAccount("claims");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    const std::string id = str(std::to_string(account.id));
    const std::string secret = jwtSecret();
    struct Case {
        const char* what;
        std::string payload;
    };
    const Case cases[] = {
        {"missing exp", object({{"sub", id},
                                {"role", str("user")},
                                {"ver", std::to_string(ver)},
                                {"iat", std::to_string(now)},
                                {"iss", str("restd")}})},
        {"wrong iss", claims(account.id, "user", ver, now, now + 600, "someone-else")},
        {"missing iss", object({{"sub", id},
                                {"role", str("user")},
                                {"ver", std::to_string(ver)},
                                {"iat", std::to_string(now)},
                                {"exp", std::to_string(now + 600)}})},
        {"iat an hour in the future", claims(account.id, "user", ver, now + 3600, now + 4200)},
        {"numeric sub", object({{"sub", std::to_string(account.id)},
                                {"role", str("user")},
                                {"ver", std::to_string(ver)},
                                {"iat", std::to_string(now)},
                                {"exp", std::to_string(now + 600)},
                                {"iss", str("restd")}})},
        {"ver one ahead of the user's", claims(account.id, "user", ver + 1, now, now + 600)},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.what) {
            checkUnauthorized(me(signJwt(kJwtHeader, c.payload, secret)));
        }
    }
}

BOOST_AUTO_TEST_CASE(token_of_a_deleted_user_is_401) {
    Account account = createAccount("user", "gone");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    const std::string minted = mintToken(account.id, "user", ver, now, now + 600);
    checkSuccess(me(minted), 200);
    checkSuccess(send("DELETE", "/api/v1/users/" + std::to_string(account.id), admin().token), 200);
    checkUnauthorized(me(minted));
    checkUnauthorized(me(account.token));
}

BOOST_AUTO_TEST_CASE(token_of_an_older_version_is_401_after_logout_all) {
    Account account = registerAccount("ver");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    checkSuccess(send("POST", "/api/v1/auth/logout-all", account.token), 200);
    const int64_t now = nowSeconds();
    checkUnauthorized(me(mintToken(account.id, "user", ver, now, now + 600)));
    // The version the user has now is accepted: it is ver, not the signature, that failed.
    relogin(account);
    const int64_t newVer = intAt(tokenPayload(account.token), "ver").value_or(-1);
    BOOST_CHECK_NE(newVer, ver);
    checkSuccess(me(mintToken(account.id, "user", newVer, now, now + 600)), 200);
}

BOOST_AUTO_TEST_CASE(garbage_bearer_tokens_are_401) {
    for (const std::string& token :
         {std::string("not-a-jwt"), std::string("a.b.c"), std::string("..."),
          std::string(5000, 'a'), base64UrlEncode("{}") + "." + base64UrlEncode("{}") + "."}) {
        BOOST_TEST_CONTEXT("token '" << token.substr(0, 40) << "'") {
            checkUnauthorized(me(token));
        }
    }
}

BOOST_AUTO_TEST_CASE(crit_nbf_duplicate_claims_and_non_canonical_sub_are_401) {
    // Signed with the stack's secret: only what the signature does not cover
    // refuses these.
    Account account = registerAccount("strict");
    const int64_t ver = intAt(tokenPayload(account.token), "ver").value_or(-1);
    const int64_t now = nowSeconds();
    const std::string secret = jwtSecret();
    const std::string id = std::to_string(account.id);
    const std::string good = claims(account.id, "user", ver, now, now + 600);
    // The claims of restd's tokens with one member changed or added.
    auto withSub = [&](const std::string& sub) {
        std::string text = good;
        text.replace(text.find(str(id)), str(id).size(), str(sub));
        return text;
    };
    auto plus = [&](const std::string& members) {
        return good.substr(0, good.size() - 1) + "," + members + "}";
    };
    // Controls: the same shapes done right are accepted.
    checkSuccess(me(signJwt(kJwtHeader, plus(R"("nbf":)" + std::to_string(now - 5)), secret)), 200);
    checkSuccess(me(signJwt(R"({"typ":"JWT","alg":"HS256"})", good, secret)), 200);

    struct Case {
        const char* what;
        std::string token;
    };
    const Case cases[] = {
        {"crit in the header",
         signJwt(R"({"alg":"HS256","typ":"JWT","crit":["exp"]})", good, secret)},
        {"alg twice in the header", signJwt(R"({"alg":"HS256","alg":"HS256"})", good, secret)},
        {"nbf an hour ahead",
         signJwt(kJwtHeader, plus(R"("nbf":)" + std::to_string(now + 3600)), secret)},
        {"sub twice", signJwt(kJwtHeader, plus(R"("sub":)" + str(id)), secret)},
        {"role twice, admin last", signJwt(kJwtHeader, plus(R"("role":"admin")"), secret)},
        {"sub with a leading zero", signJwt(kJwtHeader, withSub("0" + id), secret)},
        {"sub with a plus sign", signJwt(kJwtHeader, withSub("+" + id), secret)},
        {"sub with a leading blank", signJwt(kJwtHeader, withSub(" " + id), secret)},
        {"sub with a decimal point", signJwt(kJwtHeader, withSub(id + ".0"), secret)},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.what) { checkError(me(c.token), 401, "UNAUTHORIZED"); }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_rate_limit)

namespace {

// Sends up to `attempts` failed logins to path from address; returns the first 429, if any.
// Each for another email: restd's own per-account throttle must not answer
// before nginx's per-address zone does.
std::optional<HttpResponse> failedLoginsUntil429(const std::string& path,
                                                 const std::string& address, int attempts,
                                                 std::map<long, int>& statuses,
                                                 const std::vector<std::string>& headers = {}) {
    for (int i = 0; i < attempts; ++i) {
        const std::string body =
            object({{"email", str(uniqueEmail("nobody"))}, {"password", str("Wrong1pass")}});
        HttpResponse response = send("POST", path, {}, body, headers, from(address));
        ++statuses[response.status];
        if (response.status == 429) return response;
    }
    return std::nullopt;
}

std::string describe(const std::map<long, int>& statuses) {
    std::string text;
    for (const auto& [status, count] : statuses) {
        text += (text.empty() ? "" : ", ") + std::to_string(count) + "x " + std::to_string(status);
    }
    return text;
}

void checkRateLimited(const HttpResponse& response) {
    rapidjson::Document body = checkError(response, 429, "RATE_LIMITED");
    std::string retryAfter = response.header("Retry-After").value_or("");
    BOOST_CHECK_MESSAGE(
        !retryAfter.empty() && std::all_of(retryAfter.begin(), retryAfter.end(),
                                           [](char c) { return c >= '0' && c <= '9'; }),
        "Retry-After is '" << retryAfter << "'");
    BOOST_CHECK_EQUAL(response.header("Content-Type").value_or("<none>"),
                      std::string(kJsonContentType));
}

}  // namespace

BOOST_AUTO_TEST_CASE(burst_of_failed_logins_from_one_address_gets_429_with_retry_after) {
    std::map<long, int> statuses;
    std::optional<HttpResponse> limited =
        failedLoginsUntil429("/api/v1/auth/login", "127.0.0.7", 40, statuses);
    BOOST_REQUIRE_MESSAGE(limited.has_value(),
                          "40 failed logins got no 429: " << describe(statuses));
    checkRateLimited(*limited);
    BOOST_CHECK_MESSAGE(statuses[401] >= 1,
                        "no login was answered before the limit: " << describe(statuses));

    // Another client address has its own bucket.
    HttpResponse other =
        send("POST", "/api/v1/auth/login", {},
             object({{"email", str(uniqueEmail("nobody"))}, {"password", str("Wrong1pass")}}), {},
             from("127.0.0.8"));
    checkError(other, 401, "INVALID_CREDENTIALS");
}

// A browser app on an allowed origin can read the 429 (nginx answers it, with
// the CORS headers restd would send) and so its Retry-After.
BOOST_AUTO_TEST_CASE(a_429_to_an_allowed_origin_carries_its_cors_headers) {
    std::map<long, int> statuses;
    std::optional<HttpResponse> limited = failedLoginsUntil429(
        "/api/v1/auth/login", "127.0.0.11", 40, statuses, {"Origin: http://localhost:3000"});
    BOOST_REQUIRE_MESSAGE(limited.has_value(),
                          "40 failed logins got no 429: " << describe(statuses));
    checkRateLimited(*limited);
    BOOST_CHECK_EQUAL(limited->header("Access-Control-Allow-Origin").value_or("<none>"),
                      "http://localhost:3000");
    BOOST_CHECK_EQUAL(limited->header("Access-Control-Allow-Credentials").value_or("<none>"),
                      "true");
    BOOST_CHECK_MESSAGE(limited->headerHasToken("Vary", "Origin"),
                        "Vary: " << limited->header("Vary").value_or("<none>"));
}

BOOST_AUTO_TEST_CASE(login_with_a_trailing_slash_is_limited_the_same_way) {
    std::map<long, int> statuses;
    std::optional<HttpResponse> limited =
        failedLoginsUntil429("/api/v1/auth/login/", "127.0.0.9", 40, statuses);
    BOOST_REQUIRE_MESSAGE(limited.has_value(),
                          "40 failed logins to /login/ got no 429: " << describe(statuses));
    checkRateLimited(*limited);
    BOOST_CHECK_MESSAGE(statuses[401] >= 1, describe(statuses));
    // Both spellings share the bucket: the plain path is limited too.
    checkRateLimited(send("POST", "/api/v1/auth/login", {},
                          object({{"email", str("a@example.com")}, {"password", str("x")}}), {},
                          from("127.0.0.9")));
}

BOOST_AUTO_TEST_CASE(burst_of_registrations_from_one_address_gets_429) {
    std::map<long, int> statuses;
    std::optional<HttpResponse> limited;
    for (int i = 0; i < 40 && !limited; ++i) {
        HttpResponse response = send("POST", "/api/v1/auth/register", {},
                                     registerBody("bad", "a-", "x"), {}, from("127.0.0.10"));
        ++statuses[response.status];
        if (response.status == 429) limited = response;
    }
    BOOST_REQUIRE_MESSAGE(limited.has_value(),
                          "40 registrations got no 429: " << describe(statuses));
    checkRateLimited(*limited);
}

BOOST_AUTO_TEST_SUITE_END()
