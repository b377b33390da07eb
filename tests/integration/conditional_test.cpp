// SPDX-License-Identifier: Apache-2.0
// Conditional requests and cache headers through nginx (docs/api.md "Caching"):
// strong ETags on GETs, If-None-Match -> 304, If-Match on PUT/PATCH/DELETE
// -> 412 when stale (checked atomically with the write: two clients racing
// with the same tag cannot both win), and Cache-Control per route.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace std::chrono_literals;

namespace {

std::string postPath(int64_t id) { return "/api/v1/posts/" + std::to_string(id); }
std::string userPath(int64_t id) { return "/api/v1/users/" + std::to_string(id); }

// The ETag of a 200 GET; requires it to be a quoted strong tag.
std::string etagOf(const std::string& path, const std::string& token) {
    HttpResponse response = send("GET", path, token);
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    auto tag = response.header("ETag");
    BOOST_REQUIRE_MESSAGE(tag, "no ETag on GET " << path);
    BOOST_REQUIRE_MESSAGE(tag->size() > 2 && tag->front() == '"' && tag->back() == '"',
                          "not a strong entity tag: " << *tag);
    return *tag;
}

std::string titleOf(int64_t postId, const std::string& token) {
    HttpResponse response = send("GET", postPath(postId), token);
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    rapidjson::Document body = json(response.body);
    const rapidjson::Value* title = jsonAt(body, "data.title");
    BOOST_REQUIRE(title && title->IsString());
    return title->GetString();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(etags)

BOOST_AUTO_TEST_CASE(get_has_a_strong_etag_that_is_stable_and_changes_with_the_data) {
    Account author = registerAccount("etag");
    int64_t id = createPost(author, "ETag stable");
    std::string first = etagOf(postPath(id), author.token);
    BOOST_CHECK_EQUAL(etagOf(postPath(id), author.token), first);

    checkSuccess(send("PATCH", postPath(id), author.token, object({{"title", str("ETag new")}})),
                 200);
    BOOST_CHECK_NE(etagOf(postPath(id), author.token), first);
}

BOOST_AUTO_TEST_CASE(if_none_match_with_the_current_tag_is_304_without_body) {
    Account author = registerAccount("inm");
    int64_t id = createPost(author, "Not modified");
    std::string tag = etagOf(postPath(id), author.token);

    for (const std::string& header : {tag, "\"other\", " + tag, "W/" + tag, std::string("*")}) {
        BOOST_TEST_CONTEXT("If-None-Match: " << header) {
            HttpResponse response =
                send("GET", postPath(id), author.token, {}, {"If-None-Match: " + header});
            BOOST_CHECK_EQUAL(response.status, 304);
            BOOST_CHECK(response.body.empty());
            BOOST_CHECK(response.header("ETag") == tag);
            BOOST_CHECK(response.header("Cache-Control") == "private, no-cache");
        }
    }
    HttpResponse head = send("HEAD", postPath(id), author.token, {}, {"If-None-Match: " + tag});
    BOOST_CHECK_EQUAL(head.status, 304);
}

BOOST_AUTO_TEST_CASE(head_announces_the_length_of_the_get_without_a_body) {
    Account author = registerAccount("head");
    int64_t id = createPost(author, "Heads up");
    HttpResponse get = send("GET", postPath(id), author.token);
    checkSuccess(get, 200);
    HttpResponse head = send("HEAD", postPath(id), author.token);
    BOOST_CHECK_EQUAL(head.status, 200);
    BOOST_CHECK_EQUAL(head.body, "");
    BOOST_CHECK(head.header("Content-Length") == std::to_string(get.body.size()));
    BOOST_CHECK(head.header("ETag") == get.header("ETag"));
}

BOOST_AUTO_TEST_CASE(if_none_match_with_a_stale_tag_gets_the_full_body) {
    Account author = registerAccount("inm");
    int64_t id = createPost(author, "Modified since");
    std::string old = etagOf(postPath(id), author.token);
    checkSuccess(send("PATCH", postPath(id), author.token, object({{"body", str("Changed")}})),
                 200);

    HttpResponse response = send("GET", postPath(id), author.token, {}, {"If-None-Match: " + old});
    checkSuccess(response, 200);
    BOOST_CHECK(response.header("ETag") && *response.header("ETag") != old);
}

BOOST_AUTO_TEST_CASE(lists_have_etags_and_answer_if_none_match) {
    Account reader = registerAccount("inm");
    std::string path = "/api/v1/users?limit=3&sort=id";
    std::string tag = etagOf(path, reader.token);
    HttpResponse response = send("GET", path, reader.token, {}, {"If-None-Match: " + tag});
    BOOST_CHECK_EQUAL(response.status, 304);
    BOOST_CHECK(response.body.empty());
}

BOOST_AUTO_TEST_CASE(the_same_user_seen_by_self_and_by_another_has_different_tags) {
    // Self sees the email, others do not: different bodies, different tags.
    Account self = registerAccount("view");
    Account other = registerAccount("view");
    BOOST_CHECK_NE(etagOf(userPath(self.id), self.token), etagOf(userPath(self.id), other.token));
}

BOOST_AUTO_TEST_CASE(authenticated_reads_are_private_no_cache_and_writes_no_store) {
    Account author = registerAccount("cc");
    int64_t id = createPost(author, "Cache headers");
    for (const std::string& path : {postPath(id), std::string("/api/v1/posts"), userPath(author.id),
                                    std::string("/api/v1/auth/me")}) {
        BOOST_TEST_CONTEXT("GET " << path) {
            HttpResponse response = send("GET", path, author.token);
            checkSuccess(response, 200);
            BOOST_CHECK(response.header("Cache-Control") == "private, no-cache");
        }
    }
    HttpResponse patched =
        send("PATCH", postPath(id), author.token, object({{"title", str("Cache headers 2")}}));
    checkSuccess(patched, 200);
    BOOST_CHECK(patched.header("Cache-Control") == "no-store");
    BOOST_CHECK(!patched.hasHeader("ETag"));
    HttpResponse missing = send("GET", postPath(id + 1000000), author.token);
    checkError(missing, 404, "NOT_FOUND");
    BOOST_CHECK(missing.header("Cache-Control") == "no-store");
    BOOST_CHECK(!missing.hasHeader("ETag"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(if_match)

BOOST_AUTO_TEST_CASE(stale_if_match_is_412_on_put_patch_and_delete_and_changes_nothing) {
    Account author = registerAccount("im");
    int64_t id = createPost(author, "Original");
    std::string stale = etagOf(postPath(id), author.token);
    checkSuccess(send("PATCH", postPath(id), author.token, object({{"title", str("Second")}})),
                 200);
    std::string current = etagOf(postPath(id), author.token);

    std::vector<std::pair<std::string, std::string>> writes = {
        {"PUT", object({{"title", str("Put")}, {"body", str("B")}})},
        {"PATCH", object({{"title", str("Patch")}})},
        {"DELETE", ""},
    };
    for (const auto& [method, body] : writes) {
        BOOST_TEST_CONTEXT(method) {
            HttpResponse response =
                send(method, postPath(id), author.token, body, {"If-Match: " + stale});
            checkError(response, 412, "PRECONDITION_FAILED");
        }
    }
    BOOST_CHECK_EQUAL(titleOf(id, author.token), "Second");
    BOOST_CHECK_EQUAL(etagOf(postPath(id), author.token), current);
}

BOOST_AUTO_TEST_CASE(current_if_match_and_star_let_the_write_through) {
    Account author = registerAccount("im");
    int64_t id = createPost(author, "Match me");
    std::string tag = etagOf(postPath(id), author.token);
    checkSuccess(send("PATCH", postPath(id), author.token, object({{"title", str("Matched")}}),
                      {"If-Match: \"nope\", " + tag}),
                 200);
    checkSuccess(send("PATCH", postPath(id), author.token, object({{"title", str("Starred")}}),
                      {"If-Match: *"}),
                 200);
    BOOST_CHECK_EQUAL(titleOf(id, author.token), "Starred");

    tag = etagOf(postPath(id), author.token);
    checkSuccess(send("DELETE", postPath(id), author.token, {}, {"If-Match: " + tag}), 200);
    checkError(send("GET", postPath(id), author.token), 404, "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(a_weak_tag_never_satisfies_if_match) {
    Account author = registerAccount("im");
    int64_t id = createPost(author, "Weak");
    std::string tag = etagOf(postPath(id), author.token);
    checkError(send("PATCH", postPath(id), author.token, object({{"title", str("No")}}),
                    {"If-Match: W/" + tag}),
               412, "PRECONDITION_FAILED");
}

BOOST_AUTO_TEST_CASE(missing_resource_and_forbidden_writes_win_over_if_match) {
    // RFC 9110 13.2.1: preconditions only apply where the request would succeed.
    Account author = registerAccount("im");
    Account stranger = registerAccount("im");
    int64_t id = createPost(author, "Owned");
    checkError(send("PATCH", postPath(id), stranger.token, object({{"title", str("X")}}),
                    {"If-Match: \"stale\""}),
               403, "FORBIDDEN");
    checkError(send("PATCH", postPath(id + 1000000), author.token, object({{"title", str("X")}}),
                    {"If-Match: \"stale\""}),
               404, "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(users_honour_if_match_with_the_tag_the_caller_sees) {
    Account self = registerAccount("imu");
    std::string tag = etagOf(userPath(self.id), self.token);
    std::string newName = uniqueName("imu_");
    checkSuccess(send("PATCH", userPath(self.id), self.token, object({{"username", str(newName)}}),
                      {"If-Match: " + tag}),
                 200);
    checkError(send("PATCH", userPath(self.id), self.token,
                    object({{"username", str(uniqueName("imv_"))}}), {"If-Match: " + tag}),
               412, "PRECONDITION_FAILED");

    std::string adminTag = etagOf(userPath(self.id), admin().token);
    checkError(send("DELETE", userPath(self.id), admin().token, {}, {"If-Match: " + tag}), 412,
               "PRECONDITION_FAILED");
    checkSuccess(send("DELETE", userPath(self.id), admin().token, {}, {"If-Match: " + adminTag}),
                 200);
}

BOOST_AUTO_TEST_CASE(two_clients_racing_with_the_same_tag_cannot_both_win) {
    Account author = registerAccount("race");
    for (int round = 0; round < 5; ++round) {
        BOOST_TEST_CONTEXT("round " << round) {
            int64_t id = createPost(author, "Race " + std::to_string(round));
            std::string tag = etagOf(postPath(id), author.token);
            HttpResponse results[2];
            const std::string titles[2] = {"Winner A", "Winner B"};
            std::vector<std::thread> clients;
            for (int i = 0; i < 2; ++i) {
                clients.emplace_back([&, i] {
                    results[i] = send("PATCH", postPath(id), author.token,
                                      object({{"title", str(titles[i])}}), {"If-Match: " + tag});
                });
            }
            for (auto& t : clients) t.join();

            int wins = 0;
            std::string winner;
            for (int i = 0; i < 2; ++i) {
                if (results[i].status == 200) {
                    ++wins;
                    winner = titles[i];
                } else {
                    checkError(results[i], 412, "PRECONDITION_FAILED");
                }
            }
            BOOST_REQUIRE_EQUAL(wins, 1);
            BOOST_CHECK_EQUAL(titleOf(id, author.token), winner);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// nginx's micro-cache of anonymous product reads (nginx/restd.conf).
BOOST_AUTO_TEST_SUITE(micro_cache)

namespace {

// A product and a list URI only this test case reads.
std::string freshProductsUri() {
    std::string name = uniqueName("Cached ");
    std::string sku = "MC-" + uniqueName("");
    for (char& c : sku) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    checkSuccess(send("POST", "/api/v1/products", admin().token,
                      object({{"sku", str(sku)}, {"name", str(name)}, {"priceCents", "100"}})),
                 201);
    return "/api/v1/products?search=" + queryEscape(name);
}

}  // namespace

BOOST_AUTO_TEST_CASE(anonymous_product_reads_are_public_and_the_second_is_a_hit) {
    std::string uri = freshProductsUri();
    HttpResponse first = send("GET", uri);
    HttpResponse second = send("GET", uri);
    checkSuccess(first, 200);
    checkSuccess(second, 200);
    BOOST_CHECK(first.header("X-Cache-Status") == "MISS");
    BOOST_CHECK(second.header("X-Cache-Status") == "HIT");
    BOOST_CHECK_EQUAL(second.body, first.body);
    BOOST_CHECK(second.header("ETag") == first.header("ETag"));
    BOOST_CHECK(second.header("Cache-Control") == "public, max-age=30");
    // A hit still gets its own request id and the security headers.
    BOOST_CHECK(second.header("X-Request-ID") != first.header("X-Request-ID"));
    BOOST_CHECK(second.header("X-Content-Type-Options") == "nosniff");
    BOOST_CHECK(second.header("Content-Security-Policy").has_value());

    HttpResponse notModified =
        send("GET", uri, {}, {}, {"If-None-Match: " + *first.header("ETag")});
    BOOST_CHECK_EQUAL(notModified.status, 304);
    BOOST_CHECK(notModified.body.empty());
}

BOOST_AUTO_TEST_CASE(requests_with_authorization_bypass_the_cache_and_are_not_stored) {
    std::string uri = freshProductsUri();
    HttpResponse authed = send("GET", uri, admin().token);
    checkSuccess(authed, 200);
    BOOST_CHECK(authed.header("X-Cache-Status") == "BYPASS");
    BOOST_CHECK(authed.header("Cache-Control") == "public, max-age=30");
    BOOST_CHECK(send("GET", uri).header("X-Cache-Status") == "MISS");
    BOOST_CHECK(send("GET", uri, admin().token).header("X-Cache-Status") == "BYPASS");
}

BOOST_AUTO_TEST_CASE(a_cached_head_never_answers_a_get) {
    std::string uri = freshProductsUri();
    BOOST_CHECK_EQUAL(send("HEAD", uri).status, 200);
    HttpResponse get = send("GET", uri);
    checkSuccess(get, 200);
    BOOST_CHECK(!get.body.empty());
}

BOOST_AUTO_TEST_CASE(each_origin_gets_its_own_cors_headers_from_the_cache) {
    std::string uri = freshProductsUri();
    const std::string a = "http://localhost:3000";
    const std::string b = "http://127.0.0.1:5173";
    send("GET", uri, {}, {}, {"Origin: " + a});
    HttpResponse fromA = send("GET", uri, {}, {}, {"Origin: " + a});
    HttpResponse fromB = send("GET", uri, {}, {}, {"Origin: " + b});
    BOOST_CHECK(fromA.header("X-Cache-Status") == "HIT");
    BOOST_CHECK(fromA.header("Access-Control-Allow-Origin") == a);
    BOOST_CHECK(fromB.header("Access-Control-Allow-Origin") == b);
    HttpResponse none = send("GET", uri);
    BOOST_CHECK(!none.hasHeader("Access-Control-Allow-Origin"));
}

// Entries live 5 s (whole seconds): a change is served stale until then, and afterwards the
// refreshed entry (a new file; nginx keeps hits' files open) is what hits get.
BOOST_AUTO_TEST_CASE(an_expired_entry_is_refreshed_and_hits_then_serve_the_new_body) {
    std::string uri = freshProductsUri();
    rapidjson::Document first = checkSuccess(send("GET", uri), 200);
    const int64_t id = intAt(first, "data.0.id").value_or(0);
    BOOST_REQUIRE_GT(id, 0);
    BOOST_CHECK_EQUAL(intAt(first, "data.0.priceCents").value_or(0), 100);
    BOOST_CHECK(send("GET", uri).header("X-Cache-Status") == "HIT");

    checkSuccess(send("PATCH", "/api/v1/products/" + std::to_string(id), admin().token,
                      object({{"priceCents", "250"}})),
                 200);
    HttpResponse stale = send("GET", uri);
    BOOST_CHECK(stale.header("X-Cache-Status") == "HIT");
    BOOST_CHECK_EQUAL(intAt(json(stale.body), "data.0.priceCents").value_or(0), 100);

    // nginx counts whole seconds: an entry of 5 s expires 5 to 6 s after it was stored.
    std::this_thread::sleep_for(6500ms);
    HttpResponse refreshed = send("GET", uri);
    BOOST_CHECK(refreshed.header("X-Cache-Status") != "HIT");
    BOOST_CHECK_EQUAL(intAt(json(refreshed.body), "data.0.priceCents").value_or(0), 250);
    for (int i = 0; i < 3; ++i) {
        HttpResponse hit = send("GET", uri);
        BOOST_CHECK(hit.header("X-Cache-Status") == "HIT");
        BOOST_CHECK_EQUAL(hit.body, refreshed.body);
    }
}

BOOST_AUTO_TEST_CASE(errors_are_not_cached) {
    std::string uri = "/api/v1/products/" + std::to_string(900000000 + (nowSeconds() % 1000000));
    checkError(send("GET", uri), 404, "NOT_FOUND");
    HttpResponse again = send("GET", uri);
    checkError(again, 404, "NOT_FOUND");
    BOOST_CHECK(again.header("X-Cache-Status") != "HIT");
}

BOOST_AUTO_TEST_SUITE_END()
