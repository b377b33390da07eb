// SPDX-License-Identifier: Apache-2.0
// OWASP API4:2023 Unrestricted Resource Consumption, for restd.
//
// Every request an anonymous or authenticated client can make has a bound
// that restd or nginx enforces before the work grows with the input:
// - bodies: nginx refuses more than 1 MiB and restd more than MAX_BODY_BYTES
//   (413 PAYLOAD_TOO_LARGE); JSON deeper than 32 is MALFORMED_BODY; a JSON
//   object of very many distinct members (the unknown-field check was once
//   quadratic in them) is refused as a 400 or 413, never answered with one
//   detail per member;
// - lists: `limit` is at most 100, `search` at most 100 characters, and an
//   offset past the documented maximum (`page=1000000`) is refused at once
//   with a 400 naming `page` and pointing to `cursor`, for the public product
//   list too;
// - passwords: bcrypt runs last, so a password change that fails a cheap
//   precondition (a stale If-Match) is refused without changing anything
//   (the saved CPU cannot be asserted without timing; the answer and the
//   unchanged password can);
// - login and register: nginx's per-address auth zone answers 429
//   RATE_LIMITED with Retry-After.
// Timings are never asserted here; the cost of validation is `make bench`'s.
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

// {"aaa":0,"aab":0,...}: members distinct names of `width` characters of [a-z0-9].
std::string objectOfDistinctMembers(size_t members, size_t width) {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string out = "{";
    std::string name(width, 'a');
    for (size_t i = 0; i < members; ++i) {
        size_t n = i;
        for (size_t k = width; k-- > 0;) {
            name[k] = kAlphabet[n % 36];
            n /= 36;
        }
        if (i != 0) out += ',';
        out += '"' + name + "\":0";
    }
    return out + "}";
}

HttpResponse refreshWith(const std::string& body) {
    return send("POST", "/api/v1/auth/refresh", {}, body);
}

// The health check still answers and the worker pool is whole.
void checkStillServing() { checkSuccess(send("GET", "/health"), 200); }

// 400 VALIDATION_ERROR with a detail for `page` in the query that points to `cursor`.
void checkDeepPageRefused(const HttpResponse& response) {
    rapidjson::Document body = checkError(response, 400, "VALIDATION_ERROR");
    bool named = false;
    bool pointsToCursor = jsonString(body, "error").find("cursor") != std::string::npos;
    for (const Detail& d : details(body)) {
        if (d.field == "page" && d.location == "query") named = true;
        if (d.message.find("cursor") != std::string::npos) pointsToCursor = true;
    }
    BOOST_CHECK_MESSAGE(named, "no detail names page@query: " << response.summary());
    BOOST_CHECK_MESSAGE(pointsToCursor,
                        "the refusal does not point to cursor: " << response.summary());
}

struct Users {
    Account self = registerAccount("a4s");
    Account target = createUserNoLogin("user", "a4t");
};

Users& users() {
    static Users u;
    return u;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api04_resource_consumption)

BOOST_AUTO_TEST_CASE(bodies_over_the_limits_are_413_from_nginx_and_from_restd) {
    const size_t restdLimit = std::stoul(stack().setting("MAX_BODY_BYTES"));
    const std::string overRestd = object({{"refreshToken", str(std::string(restdLimit, 'a'))}});
    checkError(refreshWith(overRestd), 413, "PAYLOAD_TOO_LARGE");
    const std::string overNginx = object({{"refreshToken", str(std::string(1 << 20, 'a'))}});
    checkError(refreshWith(overNginx), 413, "PAYLOAD_TOO_LARGE");
    checkStillServing();
}

BOOST_AUTO_TEST_CASE(json_nested_deeper_than_32_is_malformed) {
    std::string deep = std::string(33, '[') + std::string(33, ']');
    checkError(refreshWith("{\"refreshToken\":" + deep + "}"), 400, "MALFORMED_BODY");
}

BOOST_AUTO_TEST_CASE(an_object_of_100000_distinct_members_is_refused_cheaply_never_200_or_500) {
    // 900 kB: under nginx's 1 MiB, over the test stack's MAX_BODY_BYTES, so
    // here restd's size check refuses it before parsing; with a larger limit
    // the member cap must (400).
    const std::string body = objectOfDistinctMembers(100000, 4);
    HttpResponse response = refreshWith(body);
    BOOST_TEST_CONTEXT(response.summary()) {
        if (response.status == 413) {
            checkError(response, 413, "PAYLOAD_TOO_LARGE");
        } else {
            checkStatus(response, 400);
            std::string code = jsonString(json(response.body), "code");
            BOOST_CHECK_MESSAGE(code == "MALFORMED_BODY" || code == "VALIDATION_ERROR",
                                "code " << code);
        }
    }
    checkStillServing();
}

BOOST_AUTO_TEST_CASE(the_largest_object_under_the_body_limit_gets_no_detail_per_member) {
    // As many distinct 3-character members as fit in MAX_BODY_BYTES (8 bytes
    // each): today's validator collected one "unknown field" detail for each,
    // a response several times the request. The member cap or the detail cap
    // must stop that: refused with 400, with far fewer details than members.
    const size_t restdLimit = std::stoul(stack().setting("MAX_BODY_BYTES"));
    const size_t members = (restdLimit - 2) / 8 - 10;
    const std::string body = objectOfDistinctMembers(members, 3);
    BOOST_REQUIRE_LE(body.size(), restdLimit);
    HttpResponse response = refreshWith(body);
    checkStatus(response, 400);
    rapidjson::Document doc = json(response.body);
    std::string code = jsonString(doc, "code");
    BOOST_CHECK_MESSAGE(code == "MALFORMED_BODY" || code == "VALIDATION_ERROR", "code " << code);
    const size_t found = details(doc).size();
    BOOST_CHECK_MESSAGE(found * 10 < members, found << " details for " << members
                                                    << " members: the error grows with the body");
    BOOST_CHECK_LT(response.body.size(), body.size());
    checkStillServing();
}

BOOST_AUTO_TEST_CASE(list_limit_above_100_and_search_above_100_characters_are_400) {
    const Account& self = users().self;
    for (const std::string list : {"/api/v1/posts", "/api/v1/users", "/api/v1/products"}) {
        BOOST_TEST_CONTEXT(list) {
            checkValidation(send("GET", list + "?limit=101", self.token), {{"limit", "query"}});
            checkValidation(send("GET", list + "?search=" + std::string(101, 'q'), self.token),
                            {{"search", "query"}});
            checkSuccess(
                send("GET", list + "?limit=100&search=" + std::string(100, 'q'), self.token), 200);
        }
    }
}

BOOST_AUTO_TEST_CASE(page_1000000_of_posts_is_refused_at_once_pointing_to_cursor) {
    checkDeepPageRefused(send("GET", "/api/v1/posts?page=1000000", users().self.token));
    checkDeepPageRefused(
        send("GET", userPath(users().self.id) + "/posts?page=1000000", users().self.token));
    // The first pages stay open.
    checkSuccess(send("GET", "/api/v1/posts?page=2", users().self.token), 200);
}

BOOST_AUTO_TEST_CASE(page_1000000_of_the_public_product_list_is_refused_for_anonymous_callers) {
    // A query string of its own: the micro-cache has never seen it.
    const std::string path = "/api/v1/products?page=1000000&search=" + uniqueName("a4p");
    checkDeepPageRefused(send("GET", path));
    checkDeepPageRefused(send("GET", "/api/v1/products?page=1000000", users().self.token));
}

BOOST_AUTO_TEST_CASE(an_admin_password_change_with_a_stale_if_match_is_412_and_changes_nothing) {
    const Account& target = users().target;
    const std::string path = userPath(target.id);
    const std::string stale = etagOf(path, admin().token);
    checkSuccess(send("PATCH", path, admin().token, object({{"username", str(uniqueName("a4r"))}})),
                 200);
    checkError(send("PATCH", path, admin().token, object({{"password", str("N3wPasswordOk")}}),
                    {"If-Match: " + stale}),
               412, "PRECONDITION_FAILED");
    BOOST_CHECK_EQUAL(login(target.email, target.password).status, 200);
    BOOST_CHECK_EQUAL(login(target.email, "N3wPasswordOk").status, 401);
}

BOOST_AUTO_TEST_CASE(a_self_password_change_with_a_stale_if_match_is_412_and_changes_nothing) {
    const Account& self = users().self;
    const std::string path = userPath(self.id);
    const std::string stale = etagOf(path, self.token);
    checkSuccess(send("PATCH", path, self.token, object({{"username", str(uniqueName("a4q"))}})),
                 200);
    checkError(
        send("PATCH", path, self.token,
             object({{"currentPassword", str(self.password)}, {"password", str("N3wPasswordOk")}}),
             {"If-Match: " + stale}),
        412, "PRECONDITION_FAILED");
    BOOST_CHECK_EQUAL(login(self.email, self.password).status, 200);
    BOOST_CHECK_EQUAL(login(self.email, "N3wPasswordOk").status, 401);
}

BOOST_AUTO_TEST_CASE(a_burst_of_logins_from_one_address_is_429_from_nginx) {
    // Empty bodies: each is a cheap 400, but every one counts against the
    // per-address auth zone (AUTH_BURST 20) until nginx answers 429.
    RequestOptions from;
    from.sourceAddress = "127.0.0.41";
    const int burst = std::stoi(stack().setting("AUTH_BURST"));
    HttpResponse limited;
    for (int i = 0; i < burst + 20 && limited.status != 429; ++i) {
        HttpResponse response = send("POST", "/api/v1/auth/login", {}, "{}", {}, from);
        BOOST_REQUIRE_MESSAGE(response.status == 400 || response.status == 429, response.summary());
        if (response.status == 429) limited = response;
    }
    checkError(limited, 429, "RATE_LIMITED");
    BOOST_CHECK(limited.hasHeader("Retry-After"));
}

BOOST_AUTO_TEST_SUITE_END()
