// SPDX-License-Identifier: Apache-2.0
// OWASP API6:2023 Unrestricted Access to Sensitive Business Flows, for restd.
//
// restd has no purchase, booking or referral flow: products are read-only to
// everyone but admins (stock and prices cannot be reserved or changed by
// clients). Its sensitive flows are the ones bots abuse on any API: creating
// accounts, creating sessions (covered per account in API2), and repeated
// submissions. This suite proves:
// - account creation from one address is rate limited by nginx (429
//   RATE_LIMITED with Retry-After), so sign-up cannot be scripted at speed;
// - a retried submission with the same Idempotency-Key creates one post,
//   not two, and the replay says so;
// - a client without an account cannot make restd keep state for it: an
//   anonymous Idempotency-Key (logout is public) is ignored, so no record is
//   written for 24 hours per key sent;
// - a client cannot change stock or prices, the values a shop flow would
//   trust.
#include <boost/test/unit_test.hpp>
#include <string>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/owasp.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace restd::test::owasp;

namespace {

int64_t count(const std::string& statement) {
    auto out = sql(statement);
    BOOST_REQUIRE_MESSAGE(out.has_value(), "SQL failed: " << statement);
    return std::stoll(*out);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api06_sensitive_business_flows)

BOOST_AUTO_TEST_CASE(a_burst_of_registrations_from_one_address_is_429) {
    RequestOptions from;
    from.sourceAddress = "127.0.0.42";
    const int burst = std::stoi(stack().setting("AUTH_BURST"));
    HttpResponse limited;
    for (int i = 0; i < burst + 20 && limited.status != 429; ++i) {
        const std::string name = uniqueName("a6r");
        HttpResponse response = send("POST", "/api/v1/auth/register", {},
                                     object({{"email", str(name + "@example.com")},
                                             {"username", str(name)},
                                             {"password", str(kPassword)}}),
                                     {}, from);
        BOOST_REQUIRE_MESSAGE(response.status == 201 || response.status == 429, response.summary());
        if (response.status == 429) limited = response;
    }
    checkError(limited, 429, "RATE_LIMITED");
    BOOST_CHECK(limited.hasHeader("Retry-After"));
}

BOOST_AUTO_TEST_CASE(a_retried_submission_creates_one_post) {
    Account author = registerAccount("a6p");
    const std::string title = uniqueName("a6once");
    const std::string body = object({{"title", str(title)}, {"body", str("B")}});
    const std::string key = "Idempotency-Key: " + uniqueName("a6k");
    HttpResponse first = send("POST", "/api/v1/posts", author.token, body, {key});
    HttpResponse retry = send("POST", "/api/v1/posts", author.token, body, {key});
    rapidjson::Document a = checkSuccess(first, 201);
    rapidjson::Document b = checkSuccess(retry, 201);
    BOOST_CHECK_EQUAL(retry.header("Idempotent-Replayed").value_or(""), "true");
    BOOST_CHECK_EQUAL(intAt(a, "data.id").value_or(0), intAt(b, "data.id").value_or(-1));
    BOOST_CHECK_EQUAL(count("SELECT COUNT(*) FROM posts WHERE title = '" + title + "'"), 1);
    // The same key for another request is refused, not run.
    checkError(send("POST", "/api/v1/posts", author.token,
                    object({{"title", str(title + "x")}, {"body", str("B")}}), {key}),
               422, "IDEMPOTENCY_KEY_MISMATCH");
}

BOOST_AUTO_TEST_CASE(anonymous_idempotency_keys_are_ignored_and_store_nothing) {
    const std::string key = uniqueName("a6anon");
    const std::string body = object({{"refreshToken", str(std::string(64, 'b'))}});
    for (int i = 0; i < 2; ++i) {
        HttpResponse response =
            send("POST", "/api/v1/auth/logout", {}, body, {"Idempotency-Key: " + key});
        checkSuccess(response, 200);
        BOOST_CHECK_MESSAGE(!response.hasHeader("Idempotent-Replayed"),
                            "an anonymous logout was replayed from a stored record");
    }
    BOOST_CHECK_EQUAL(count("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = '" + key + "'"),
                      0);
}

BOOST_AUTO_TEST_CASE(clients_cannot_change_stock_or_prices) {
    Account shopper = registerAccount("a6s");
    const int64_t id = createProduct("A6 priced");
    checkError(send("PATCH", productPath(id), shopper.token,
                    object({{"priceCents", "0"}, {"stock", "1000000"}})),
               403, "FORBIDDEN");
    checkError(send("PATCH", productPath(id), {}, object({{"stock", "0"}})), 401, "UNAUTHORIZED");
    rapidjson::Document product = checkSuccess(send("GET", productPath(id), admin().token), 200);
    BOOST_CHECK_EQUAL(intAt(product, "data.priceCents").value_or(-1), 100);
    BOOST_CHECK_EQUAL(intAt(product, "data.stock").value_or(-1), 0);
}

BOOST_AUTO_TEST_SUITE_END()
