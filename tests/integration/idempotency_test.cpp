// SPDX-License-Identifier: Apache-2.0
// Idempotent retries through nginx (docs/api.md "Idempotent retries"): a POST
// with Idempotency-Key runs once per (caller, key); a retry with the same
// request gets the stored response with Idempotent-Replayed: true, another
// request with the key 422, a retry while the first runs 409. Records are in
// MariaDB, so the lost-response test below finds exactly one post.
//
// Slow and failing requests are made with MariaDB triggers on rows only the
// test's own account touches; a guard drops them again.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace std::chrono_literals;

namespace {

std::string postBody(const std::string& title) {
    return object({{"title", str(title)}, {"body", str("Body")}});
}

HttpResponse postWithKey(const Account& account, const std::string& key, const std::string& body) {
    return send("POST", "/api/v1/posts", account.token, body, {"Idempotency-Key: " + key});
}

int64_t countPosts(int64_t authorId, const std::string& title) {
    auto out = sql("SELECT COUNT(*) FROM posts WHERE author_id = " + std::to_string(authorId) +
                   " AND title = '" + title + "'");
    BOOST_REQUIRE(out);
    return std::stoll(*out);
}

int64_t dataId(const HttpResponse& response) {
    rapidjson::Document body = json(response.body);
    auto id = intAt(body, "data.id");
    BOOST_REQUIRE_MESSAGE(id, "no data.id in " << response.summary());
    return *id;
}

// Sends the request over a raw connection to nginx and closes it without
// reading the answer: the response is lost on the way back.
void sendAndHangUp(const std::string& rawRequest) {
    std::string base = stack().env("BASE_URL");  // http://127.0.0.1:PORT
    size_t colon = base.rfind(':');
    int port = std::stoi(base.substr(colon + 1));
    std::string host = base.substr(7, colon - 7);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    BOOST_REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    BOOST_REQUIRE(inet_pton(AF_INET, host.c_str(), &addr.sin_addr) == 1);
    BOOST_REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    size_t sent = 0;
    while (sent < rawRequest.size()) {
        ssize_t n = write(fd, rawRequest.data() + sent, rawRequest.size() - sent);
        BOOST_REQUIRE(n > 0);
        sent += static_cast<size_t>(n);
    }
    // Long enough for restd to answer; the answer is never read.
    std::this_thread::sleep_for(300ms);
    close(fd);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(idempotency)

BOOST_AUTO_TEST_CASE(a_retry_gets_the_stored_response_and_nothing_runs_twice) {
    Account author = registerAccount("idem");
    std::string key = uniqueName("key-");
    std::string title = uniqueName("Idem once ");
    HttpResponse first = postWithKey(author, key, postBody(title));
    checkSuccess(first, 201);
    BOOST_CHECK(!first.hasHeader("Idempotent-Replayed"));

    HttpResponse retry = postWithKey(author, key, postBody(title));
    checkSuccess(retry, 201);
    BOOST_CHECK(retry.header("Idempotent-Replayed") == "true");
    BOOST_CHECK_EQUAL(retry.body, first.body);
    BOOST_CHECK(retry.header("Location") == first.header("Location"));
    BOOST_CHECK_EQUAL(countPosts(author.id, title), 1);
}

// A stored response belongs to the caller's live session: a retry with a
// revoked token gets 401, not the replay; the same user's fresh token does.
BOOST_AUTO_TEST_CASE(a_revoked_token_gets_401_not_the_stored_response) {
    Account author = registerAccount("idem");
    std::string key = uniqueName("key-");
    std::string title = uniqueName("Idem revoked ");
    const std::string oldToken = author.token;
    HttpResponse first = postWithKey(author, key, postBody(title));
    checkSuccess(first, 201);
    checkSuccess(send("POST", "/api/v1/auth/logout-all", author.token), 200);
    checkError(postWithKey(author, key, postBody(title)), 401, "UNAUTHORIZED");
    relogin(author);
    BOOST_REQUIRE(author.token != oldToken);
    HttpResponse retry = postWithKey(author, key, postBody(title));
    checkSuccess(retry, 201);
    BOOST_CHECK(retry.header("Idempotent-Replayed") == "true");
    BOOST_CHECK_EQUAL(retry.body, first.body);
    BOOST_CHECK_EQUAL(countPosts(author.id, title), 1);
}

BOOST_AUTO_TEST_CASE(the_same_key_with_another_body_is_422_and_creates_nothing) {
    Account author = registerAccount("idem");
    std::string key = uniqueName("key-");
    std::string title = uniqueName("Idem a ");
    checkSuccess(postWithKey(author, key, postBody(title)), 201);
    std::string other = uniqueName("Idem b ");
    checkError(postWithKey(author, key, postBody(other)), 422, "IDEMPOTENCY_KEY_MISMATCH");
    BOOST_CHECK_EQUAL(countPosts(author.id, other), 0);
}

BOOST_AUTO_TEST_CASE(keys_belong_to_their_caller) {
    Account a = registerAccount("idem");
    Account b = registerAccount("idem");
    std::string key = uniqueName("shared-");
    std::string title = uniqueName("Idem shared ");
    checkSuccess(postWithKey(a, key, postBody(title)), 201);
    HttpResponse other = postWithKey(b, key, postBody(title));
    checkSuccess(other, 201);
    BOOST_CHECK(!other.hasHeader("Idempotent-Replayed"));
    BOOST_CHECK_EQUAL(countPosts(b.id, title), 1);
}

BOOST_AUTO_TEST_CASE(without_a_key_every_post_runs) {
    Account author = registerAccount("idem");
    std::string title = uniqueName("Idem none ");
    checkSuccess(send("POST", "/api/v1/posts", author.token, postBody(title)), 201);
    checkSuccess(send("POST", "/api/v1/posts", author.token, postBody(title)), 201);
    BOOST_CHECK_EQUAL(countPosts(author.id, title), 2);
}

BOOST_AUTO_TEST_CASE(a_key_that_is_not_1_to_255_printable_ascii_is_a_header_validation_error) {
    Account author = registerAccount("idem");
    std::string title = uniqueName("Idem badkey ");
    for (const std::string& key : {std::string(256, 'k'), std::string("caf\xC3\xA9")}) {
        BOOST_TEST_CONTEXT("key of " << key.size() << " bytes") {
            HttpResponse response = postWithKey(author, key, postBody(title));
            checkValidation(response, {{"Idempotency-Key", "header"}});
        }
    }
    BOOST_CHECK_EQUAL(countPosts(author.id, title), 0);
    std::string longest = uniqueName("k");
    longest += std::string(255 - longest.size(), 'k');
    checkSuccess(postWithKey(author, longest, postBody(title)), 201);
    BOOST_CHECK_EQUAL(countPosts(author.id, title), 1);
}

BOOST_AUTO_TEST_CASE(a_lost_response_is_replayed_to_the_retry_and_one_post_exists) {
    Account author = registerAccount("idem");
    std::string key = uniqueName("lost-");
    std::string title = uniqueName("Idem lost ");
    std::string body = postBody(title);
    sendAndHangUp(
        "POST /api/v1/posts HTTP/1.1\r\nHost: localhost\r\n"
        "Authorization: Bearer " +
        author.token + "\r\nIdempotency-Key: " + key +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body);

    HttpResponse retry;
    for (int attempt = 0; attempt < 50; ++attempt) {
        retry = postWithKey(author, key, body);
        if (retry.status != 409) break;
        std::this_thread::sleep_for(100ms);
    }
    checkSuccess(retry, 201);
    BOOST_CHECK(retry.header("Idempotent-Replayed") == "true");
    BOOST_CHECK_EQUAL(countPosts(author.id, title), 1);
    auto stored = sql("SELECT id FROM posts WHERE author_id = " + std::to_string(author.id) +
                      " AND title = '" + title + "'");
    BOOST_REQUIRE(stored);
    BOOST_CHECK_EQUAL(dataId(retry), std::stoll(*stored));
}

BOOST_AUTO_TEST_CASE(a_retry_while_the_first_runs_is_409_in_progress_then_replayed) {
    Account author = registerAccount("idem");
    Trigger slow("test_idem_slow", "BEFORE INSERT ON posts FOR EACH ROW BEGIN IF NEW.author_id = " +
                                       std::to_string(author.id) +
                                       " THEN DO SLEEP(2); END IF; END");
    std::string key = uniqueName("slow-");
    std::string title = uniqueName("Idem slow ");
    HttpResponse first;
    std::thread firstClient([&] { first = postWithKey(author, key, postBody(title)); });
    std::this_thread::sleep_for(700ms);
    HttpResponse during = postWithKey(author, key, postBody(title));
    firstClient.join();
    slow.drop();

    checkError(during, 409, "IDEMPOTENCY_IN_PROGRESS");
    BOOST_CHECK(during.header("Retry-After") == "1");
    checkSuccess(first, 201);
    HttpResponse after = postWithKey(author, key, postBody(title));
    checkSuccess(after, 201);
    BOOST_CHECK(after.header("Idempotent-Replayed") == "true");
    BOOST_CHECK_EQUAL(countPosts(author.id, title), 1);
}

BOOST_AUTO_TEST_CASE(client_errors_are_replayed_but_server_errors_let_the_retry_run) {
    // 409 CONFLICT is a final answer: stored and replayed.
    Account existing = registerAccount("idem");
    std::string key = uniqueName("conflict-");
    std::string userBody = object({{"email", str(existing.email)},
                                   {"username", str(uniqueName("idem_"))},
                                   {"password", str("Password123")}});
    HttpResponse conflict =
        send("POST", "/api/v1/users", admin().token, userBody, {"Idempotency-Key: " + key});
    checkError(conflict, 409, "CONFLICT");
    HttpResponse replay =
        send("POST", "/api/v1/users", admin().token, userBody, {"Idempotency-Key: " + key});
    checkError(replay, 409, "CONFLICT");
    BOOST_CHECK(replay.header("Idempotent-Replayed") == "true");

    // A 500 is not: after the fault is gone the same key runs the request.
    Account author = registerAccount("idem");
    std::string failKey = uniqueName("fail-");
    std::string title = uniqueName("Idem fail ");
    {
        Trigger fail("test_idem_fail",
                     "BEFORE INSERT ON posts FOR EACH ROW BEGIN IF NEW.author_id = " +
                         std::to_string(author.id) +
                         " THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'forced failure'; "
                         "END IF; END");
        HttpResponse failed = postWithKey(author, failKey, postBody(title));
        checkError(failed, 500, "INTERNAL_ERROR");
        BOOST_CHECK(failed.body.find("forced failure") == std::string::npos);
    }
    HttpResponse rerun = postWithKey(author, failKey, postBody(title));
    checkSuccess(rerun, 201);
    BOOST_CHECK(!rerun.hasHeader("Idempotent-Replayed"));
    BOOST_CHECK_EQUAL(countPosts(author.id, title), 1);
}

BOOST_AUTO_TEST_CASE(an_expired_record_is_removed_and_the_key_runs_again) {
    Account author = registerAccount("idem");
    std::string key = uniqueName("old-");
    std::string caller = "user:" + std::to_string(author.id);
    BOOST_REQUIRE(
        sql("INSERT INTO idempotency_keys (caller, idem_key, fingerprint, status, body, "
            "created_at, expires_at) VALUES ('" +
            caller + "', '" + key + "', REPEAT('0', 64), 201, '{}', " +
            "NOW(3) - INTERVAL 2 DAY, NOW(3) - INTERVAL 1 DAY), ('" + caller + "', '" + key +
            "-other', REPEAT('0', 64), 201, '{}', " +
            "NOW(3) - INTERVAL 2 DAY, NOW(3) - INTERVAL 1 DAY)"));
    std::string title = uniqueName("Idem expired ");
    HttpResponse response = postWithKey(author, key, postBody(title));
    checkSuccess(response, 201);
    BOOST_CHECK(!response.hasHeader("Idempotent-Replayed"));
    // The caller's other expired record went in the same claim.
    auto left = sql("SELECT COUNT(*) FROM idempotency_keys WHERE caller = '" + caller +
                    "' AND expires_at < NOW(3)");
    BOOST_REQUIRE(left);
    BOOST_CHECK_EQUAL(std::stoll(*left), 0);
}

BOOST_AUTO_TEST_CASE(token_routes_ignore_the_key_and_store_no_credentials) {
    Account account = registerAccount("idem");
    std::string key = uniqueName("login-");
    std::string body = object({{"email", str(account.email)}, {"password", str(account.password)}});
    RequestOptions from{.sourceAddress = nextPoolAddress()};
    HttpResponse first =
        send("POST", "/api/v1/auth/login", {}, body, {"Idempotency-Key: " + key}, from);
    HttpResponse second =
        send("POST", "/api/v1/auth/login", {}, body, {"Idempotency-Key: " + key}, from);
    checkSuccess(first, 200);
    checkSuccess(second, 200);
    BOOST_CHECK(!second.hasHeader("Idempotent-Replayed"));
    BOOST_CHECK_NE(first.body, second.body);
    auto stored = sql("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = '" + key + "'");
    BOOST_REQUIRE(stored);
    BOOST_CHECK_EQUAL(std::stoll(*stored), 0);
}

BOOST_AUTO_TEST_CASE(anonymous_logout_ignores_the_key_and_stores_nothing) {
    // Public routes keep no record: each new key from an anonymous client
    // would otherwise be a row kept for 24 hours.
    std::string prefix = uniqueName("anon-");
    std::string body = object({{"refreshToken", str(std::string(64, 'a'))}});
    for (int i = 0; i < 20; ++i) {
        HttpResponse response = send("POST", "/api/v1/auth/logout", {}, body,
                                     {"Idempotency-Key: " + prefix + "-" + std::to_string(i)});
        checkSuccess(response, 200);
    }
    // The same key twice: the second runs again, nothing is replayed.
    HttpResponse again =
        send("POST", "/api/v1/auth/logout", {}, body, {"Idempotency-Key: " + prefix + "-0"});
    checkSuccess(again, 200);
    BOOST_CHECK(!again.hasHeader("Idempotent-Replayed"));
    auto stored =
        sql("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key LIKE '" + prefix + "%'");
    BOOST_REQUIRE(stored);
    BOOST_CHECK_EQUAL(std::stoll(*stored), 0);
    // Nor is any record of a client address left by anyone.
    auto byAddress = sql("SELECT COUNT(*) FROM idempotency_keys WHERE caller LIKE 'addr:%'");
    BOOST_REQUIRE(byAddress);
    BOOST_CHECK_EQUAL(std::stoll(*byAddress), 0);
}

BOOST_AUTO_TEST_CASE(a_keyed_post_is_recorded_under_its_user) {
    Account author = registerAccount("idem");
    std::string key = uniqueName("mine-");
    checkSuccess(postWithKey(author, key, postBody(uniqueName("Idem user "))), 201);
    auto caller = sql("SELECT caller FROM idempotency_keys WHERE idem_key = '" + key + "'");
    BOOST_REQUIRE(caller);
    BOOST_CHECK_EQUAL(*caller, "user:" + std::to_string(author.id) + "\n");
}

BOOST_AUTO_TEST_SUITE_END()
