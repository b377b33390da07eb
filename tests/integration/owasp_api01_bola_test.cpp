// SPDX-License-Identifier: Apache-2.0
// OWASP API1:2023 Broken Object Level Authorization, for restd.
//
// Every object id in a path is checked against the caller, not only the
// caller's role: a user can read other users (without their email) and
// published posts, but cannot change or delete another user's account or
// post, whatever id it guesses; an unpublished post does not exist for anyone
// but its author and admins (404, absent from every list and search, so an
// id cannot even be confirmed); and an Idempotency-Key of one user never
// replays another user's stored response. The route x role matrix
// (owasp_route_role_matrix_test.cpp) checks the status of every route for
// every kind of caller; this suite checks what the refused requests leave
// behind and what the allowed ones show.
#include <algorithm>
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

struct People {
    Account alice = registerAccount("bola");
    Account mallory = registerAccount("bolm");
};

People& people() {
    static People p;
    return p;
}

bool contains(const std::vector<int64_t>& ids, int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api01_bola)

BOOST_AUTO_TEST_CASE(another_users_post_cannot_be_replaced_patched_or_deleted_by_id) {
    const People& p = people();
    const int64_t id = createPost(p.alice, "Alice's own title");
    const std::string path = postPath(id);
    const std::string tag = etagOf(path, p.mallory.token);

    checkError(send("PUT", path, p.mallory.token,
                    object({{"title", str("Mallory was here")}, {"body", str("x")}})),
               403, "FORBIDDEN");
    // With a current If-Match too: a valid precondition grants nothing.
    checkError(send("PATCH", path, p.mallory.token, object({{"title", str("Mallory was here")}}),
                    {"If-Match: " + tag}),
               403, "FORBIDDEN");
    checkError(send("DELETE", path, p.mallory.token), 403, "FORBIDDEN");

    BOOST_CHECK_EQUAL(postTitle(id), "Alice's own title");
    rapidjson::Document body = checkSuccess(send("GET", path, p.alice.token), 200);
    BOOST_CHECK_EQUAL(intAt(body, "data.authorId").value_or(0), p.alice.id);
}

BOOST_AUTO_TEST_CASE(another_users_account_cannot_be_changed_or_deleted_by_id) {
    const People& p = people();
    const std::string path = userPath(p.alice.id);
    const std::string taken = uniqueName("bolx");

    checkError(send("PUT", path, p.mallory.token,
                    object({{"email", str(taken + "@example.com")}, {"username", str(taken)}})),
               403, "FORBIDDEN");
    checkError(
        send("PATCH", path, p.mallory.token, object({{"email", str(taken + "@example.com")}})), 403,
        "FORBIDDEN");
    // The password of another account is the most valuable property of all.
    checkError(send("PATCH", path, p.mallory.token, object({{"password", str("Hijack3dPass")}})),
               403, "FORBIDDEN");
    checkError(send("DELETE", path, p.mallory.token), 403, "FORBIDDEN");

    rapidjson::Document body = checkSuccess(send("GET", "/api/v1/auth/me", p.alice.token), 200);
    BOOST_CHECK_EQUAL(jsonString(body, "data.email"), p.alice.email);
    BOOST_CHECK_EQUAL(jsonString(body, "data.username"), p.alice.username);
    BOOST_CHECK_EQUAL(login(p.alice.email, p.alice.password).status, 200);
    BOOST_CHECK_EQUAL(login(p.alice.email, "Hijack3dPass").status, 401);
}

BOOST_AUTO_TEST_CASE(an_unpublished_post_is_404_and_unlisted_for_everyone_but_author_and_admin) {
    const People& p = people();
    const std::string title = uniqueName("boldraft");
    const int64_t id = createPost(p.alice, title, false);
    const std::string path = postPath(id);

    // Not found for another user, whatever the method: no oracle for the id.
    checkError(send("GET", path, p.mallory.token), 404, "NOT_FOUND");
    BOOST_CHECK_EQUAL(send("HEAD", path, p.mallory.token).status, 404);
    BOOST_CHECK_EQUAL(send("PATCH", path, p.mallory.token, object({{"title", str("x")}})).status,
                      404);
    BOOST_CHECK_EQUAL(send("DELETE", path, p.mallory.token).status, 404);
    const std::string missing = postPath(id + 1000000);
    BOOST_CHECK_EQUAL(send("GET", missing, p.mallory.token).status, 404);

    const std::vector<std::string> lists = {
        "/api/v1/posts?search=" + title, "/api/v1/posts?authorId=" + std::to_string(p.alice.id),
        "/api/v1/posts?published=false", userPath(p.alice.id) + "/posts?limit=100"};
    for (const std::string& list : lists) {
        BOOST_TEST_CONTEXT(list) {
            rapidjson::Document asMallory = checkSuccess(send("GET", list, p.mallory.token), 200);
            BOOST_CHECK_MESSAGE(!contains(idsAt(asMallory), id), "another user sees the draft");
        }
    }
    rapidjson::Document asAlice =
        checkSuccess(send("GET", "/api/v1/posts?search=" + title, p.alice.token), 200);
    BOOST_CHECK(contains(idsAt(asAlice), id));
    rapidjson::Document asAdmin =
        checkSuccess(send("GET", "/api/v1/posts?search=" + title, admin().token), 200);
    BOOST_CHECK(contains(idsAt(asAdmin), id));
    checkSuccess(send("GET", path, p.alice.token), 200);
    BOOST_CHECK_EQUAL(postTitle(id), title);
}

BOOST_AUTO_TEST_CASE(another_users_email_is_never_shown_by_id_in_lists_or_in_post_authors) {
    const People& p = people();
    rapidjson::Document byId =
        checkSuccess(send("GET", userPath(p.alice.id), p.mallory.token), 200);
    BOOST_CHECK_EQUAL(jsonString(byId, "data.username"), p.alice.username);
    BOOST_CHECK_MESSAGE(jsonAt(byId, "data.email") == nullptr, "email shown to another user");

    HttpResponse list =
        send("GET", "/api/v1/users?limit=100&search=" + p.alice.username, p.mallory.token);
    checkSuccess(list, 200);
    BOOST_CHECK_MESSAGE(list.body.find(p.alice.email) == std::string::npos,
                        "the list shows another user's email: " << list.summary());

    createPost(p.alice, "A post with an author");
    HttpResponse posts = send(
        "GET", "/api/v1/posts?limit=100&authorId=" + std::to_string(p.alice.id), p.mallory.token);
    checkSuccess(posts, 200);
    BOOST_CHECK_MESSAGE(posts.body.find(p.alice.email) == std::string::npos,
                        "a post shows its author's email: " << posts.summary());

    // Self and admins do see it: the rule is about who asks.
    rapidjson::Document asAdmin =
        checkSuccess(send("GET", userPath(p.alice.id), admin().token), 200);
    BOOST_CHECK_EQUAL(jsonString(asAdmin, "data.email"), p.alice.email);
}

BOOST_AUTO_TEST_CASE(an_idempotency_key_never_replays_another_users_response) {
    const People& p = people();
    const std::string key = "Idempotency-Key: " + uniqueName("bolkey");
    const std::string body =
        object({{"title", str("Same request, two users")}, {"body", str("B")}});

    HttpResponse first = send("POST", "/api/v1/posts", p.alice.token, body, {key});
    rapidjson::Document aliceDoc = checkSuccess(first, 201);
    HttpResponse second = send("POST", "/api/v1/posts", p.mallory.token, body, {key});
    rapidjson::Document malloryDoc = checkSuccess(second, 201);

    BOOST_CHECK(!second.hasHeader("Idempotent-Replayed"));
    BOOST_CHECK_NE(intAt(aliceDoc, "data.id").value_or(0),
                   intAt(malloryDoc, "data.id").value_or(0));
    BOOST_CHECK_EQUAL(intAt(malloryDoc, "data.authorId").value_or(0), p.mallory.id);
}

BOOST_AUTO_TEST_SUITE_END()
