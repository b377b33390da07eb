// SPDX-License-Identifier: Apache-2.0
// OWASP API2:2023 Broken Authentication, for restd.
//
// restd authenticates with short-lived HS256 access tokens and rotating
// refresh tokens (auth_test.cpp covers token forgery claim by claim). This
// suite proves the account-level rules an attacker goes after:
// - every protected route refuses a request without a valid token the same
//   way (401 UNAUTHORIZED with a Bearer challenge), and a token minted with
//   the right secret but for a stale token version is refused;
// - a failed login says nothing about whether the account exists;
// - a password change ends every session of the user, refresh tokens
//   included, so the change locks out whoever stole one (ASVS 7.4.3);
// - a self password change needs the current password (ASVS 6.2.3), so a
//   stolen access token cannot take the account over;
// - failed logins against one account from many addresses are throttled for
//   that account only (credential stuffing), on top of nginx's per-address
//   limit;
// - JWTs are strict past the signature: a `crit` header, a future `nbf`,
//   duplicate claim names and a non-canonical `sub` are refused.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/owasp.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace restd::test::owasp;

namespace {

void checkUnauthorized(const HttpResponse& response) {
    checkError(response, 401, "UNAUTHORIZED");
    BOOST_CHECK_MESSAGE(response.header("WWW-Authenticate").value_or("").starts_with("Bearer"),
                        "no Bearer challenge: " << response.summary());
}

HttpResponse refresh(const std::string& refreshToken) {
    return send("POST", "/api/v1/auth/refresh", {}, object({{"refreshToken", str(refreshToken)}}));
}

int64_t versionOf(const Account& account) {
    return intAt(tokenPayload(account.token), "ver").value_or(-1);
}

HttpResponse me(const std::string& token) { return send("GET", "/api/v1/auth/me", token); }

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api02_broken_authentication)

BOOST_AUTO_TEST_CASE(every_protected_route_refuses_missing_garbage_and_revoked_tokens_alike) {
    Account account = registerAccount("a2p");
    const int64_t staleVer = versionOf(account);
    const int64_t now = nowSeconds();
    const std::string minted = mintToken(account.id, "user", staleVer, now, now + 600);
    checkSuccess(me(minted), 200);
    checkSuccess(send("POST", "/api/v1/auth/logout-all", account.token), 200);

    const std::vector<std::pair<std::string, std::string>> routes = {
        {"GET", "/api/v1/auth/me"},      {"POST", "/api/v1/auth/logout-all"},
        {"GET", "/api/v1/users"},        {"GET", userPath(account.id)},
        {"PATCH", userPath(account.id)}, {"GET", "/api/v1/posts"},
        {"POST", "/api/v1/posts"},       {"POST", "/api/v1/products"},
        {"DELETE", productPath(1)},
    };
    for (const auto& [method, path] : routes) {
        for (const std::string& token : {std::string(), std::string("not.a.jwt"), minted}) {
            BOOST_TEST_CONTEXT(method << " " << path << " with token '" << token.substr(0, 12)
                                      << "'") {
                bool hasBody = method == "POST" || method == "PATCH";
                checkUnauthorized(
                    send(method, path, token, hasBody ? object({{"title", str("t")}}) : ""));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_failed_login_says_nothing_about_whether_the_account_exists) {
    Account account = registerAccount("a2l");
    HttpResponse wrongPassword = login(account.email, "Wr0ngPassword");
    HttpResponse unknownEmail = login(uniqueEmail("a2nobody"), "Wr0ngPassword");
    rapidjson::Document a = checkError(wrongPassword, 401, "INVALID_CREDENTIALS");
    rapidjson::Document b = checkError(unknownEmail, 401, "INVALID_CREDENTIALS");
    BOOST_CHECK_EQUAL(jsonString(a, "error"), jsonString(b, "error"));
    BOOST_CHECK_EQUAL(memberNames(&a).size(), memberNames(&b).size());
}

BOOST_AUTO_TEST_CASE(an_admin_password_reset_ends_every_session_refresh_tokens_included) {
    Account victim = createAccount("user", "a2r");
    const std::string stolenRefresh = victim.refreshToken;
    const std::string stolenAccess = victim.token;
    checkSuccess(send("PATCH", userPath(victim.id), admin().token,
                      object({{"password", str("N3wPasswordOk")}})),
                 200);

    checkUnauthorized(me(stolenAccess));
    // The refresh token copied before the change must not mint a new pair.
    HttpResponse minted = refresh(stolenRefresh);
    BOOST_CHECK_MESSAGE(
        minted.status == 401,
        "a refresh token from before the password change still works: " << minted.summary());
    BOOST_CHECK_EQUAL(login(victim.email, std::string(kPassword)).status, 401);
    BOOST_CHECK_EQUAL(login(victim.email, "N3wPasswordOk").status, 200);
}

BOOST_AUTO_TEST_CASE(a_self_password_change_ends_the_other_sessions_refresh_tokens) {
    Account victim = registerAccount("a2s");
    Account attacker = victim;  // a second session, as a thief would hold it
    relogin(attacker);
    HttpResponse change = send(
        "PATCH", userPath(victim.id), victim.token,
        object({{"currentPassword", str(victim.password)}, {"password", str("N3wPasswordOk")}}));
    checkSuccess(change, 200);
    BOOST_CHECK_EQUAL(refresh(attacker.refreshToken).status, 401);
    checkUnauthorized(me(attacker.token));
}

BOOST_AUTO_TEST_CASE(a_self_password_change_needs_the_current_password) {
    Account account = registerAccount("a2c");
    const std::string path = userPath(account.id);

    // Missing: a validation error naming currentPassword; nothing changes.
    checkValidation(
        send("PATCH", path, account.token, object({{"password", str("N3wPasswordOk")}})),
        {{"currentPassword", "body"}});
    BOOST_CHECK_EQUAL(login(account.email, account.password).status, 200);

    // Wrong: refused, nothing changes.
    HttpResponse wrong = send(
        "PATCH", path, account.token,
        object({{"currentPassword", str("Wr0ngPassword")}, {"password", str("N3wPasswordOk")}}));
    BOOST_CHECK_MESSAGE(wrong.status >= 400 && wrong.status < 500 && wrong.status != 404,
                        "a wrong current password was not refused: " << wrong.summary());
    BOOST_CHECK_EQUAL(login(account.email, "N3wPasswordOk").status, 401);

    // Right: the change goes through.
    checkSuccess(send("PATCH", path, account.token,
                      object({{"currentPassword", str(account.password)},
                              {"password", str("N3wPasswordOk")}})),
                 200);
    BOOST_CHECK_EQUAL(login(account.email, "N3wPasswordOk").status, 200);
    BOOST_CHECK_EQUAL(login(account.email, account.password).status, 401);
}

BOOST_AUTO_TEST_CASE(failed_logins_from_many_addresses_are_throttled_for_that_account_only) {
    // Every attempt comes from another pool address, so nginx's per-address
    // zone never fires: a 429 here is restd's per-account throttle.
    Account target = registerAccount("a2t");
    Account bystander = registerAccount("a2b");
    HttpResponse throttled;
    int attempts = 0;
    for (; attempts < 40 && throttled.status == 0; ++attempts) {
        HttpResponse response = login(target.email, "Wr0ngPassword" + std::to_string(attempts));
        BOOST_REQUIRE_MESSAGE(response.status == 401 || response.status == 429,
                              "attempt " << attempts << ": " << response.summary());
        if (response.status == 429) throttled = response;
    }
    BOOST_TEST_MESSAGE("per-account throttle after " << attempts << " failed logins");
    BOOST_REQUIRE_MESSAGE(throttled.status == 429,
                          "40 failed logins against one account were never throttled");
    checkError(throttled, 429, "RATE_LIMITED");
    BOOST_CHECK(throttled.hasHeader("Retry-After"));
    // Another account is not affected.
    BOOST_CHECK_EQUAL(login(bystander.email, bystander.password).status, 200);
}

BOOST_AUTO_TEST_CASE(jwts_are_refused_for_crit_future_nbf_duplicate_claims_and_non_canonical_sub) {
    Account account = registerAccount("a2j");
    const int64_t ver = versionOf(account);
    const int64_t now = nowSeconds();
    const std::string secret = jwtSecret();
    const std::string good = claims(account.id, "user", ver, now, now + 600);
    checkSuccess(me(signJwt(kJwtHeader, good, secret)), 200);

    std::string withNbf = good;
    withNbf.pop_back();
    withNbf += ",\"nbf\":" + std::to_string(now + 600) + "}";
    std::string duplicateSub = good;
    duplicateSub.pop_back();
    duplicateSub += ",\"sub\":\"" + std::to_string(account.id) + "\"}";
    const std::string paddedSub = object({{"sub", str("0" + std::to_string(account.id))},
                                          {"role", str("user")},
                                          {"ver", std::to_string(ver)},
                                          {"iat", std::to_string(now)},
                                          {"exp", std::to_string(now + 600)},
                                          {"iss", str("restd")}});
    struct Case {
        const char* what;
        std::string token;
    };
    const Case cases[] = {
        {"crit header", signJwt(R"({"alg":"HS256","typ":"JWT","crit":["exp"]})", good, secret)},
        {"nbf ten minutes ahead", signJwt(kJwtHeader, withNbf, secret)},
        {"sub twice", signJwt(kJwtHeader, duplicateSub, secret)},
        {"sub with a leading zero", signJwt(kJwtHeader, paddedSub, secret)},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.what) { checkUnauthorized(me(c.token)); }
    }
}

BOOST_AUTO_TEST_SUITE_END()
