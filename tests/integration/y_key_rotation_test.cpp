// SPDX-License-Identifier: Apache-2.0
// Rotating the signing key through the real stack (README "Rotating the
// signing key"): the three steps, each applied to the running restd with
// SIGHUP as an operator applies them host by host. Key A is the stack's
// JWT_SECRET, key B a fresh one. A token that "an already switched host"
// issued under B is signed here, with B's kid, as restd signs it.
//
// (1) B added as a previous key: B's tokens are accepted, A still signs.
// (2) switch (JWT_SECRET=B, JWT_PREVIOUS_SECRETS=A): what A signed before
//     (tokens, with or without kid, and list cursors) still works; new
//     tokens and cursors name B.
// (3) A dropped: A's tokens are 401, its cursors 400; B's work.
// And a load of requests with tokens of both keys across the reloads of
// steps 1 to 2 gets no 401.
#include <rapidjson/document.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/restd_control.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace std::chrono_literals;

namespace {

std::string lowerHex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

// The kid restd derives from a key: the first 8 bytes of
// HMAC-SHA256(key, "restd key id") in lowercase hex.
std::string kidOf(std::string_view key) {
    return lowerHex(hmac(Hmac::Sha256, key, "restd key id").substr(0, 8));
}

// The kid in a token's header; empty when it has none.
std::string kidIn(const std::string& token) {
    auto header = base64UrlDecode(std::string_view(token).substr(0, token.find('.')));
    if (!header) return {};
    rapidjson::Document d = json(*header);
    if (!d.IsObject() || !d.HasMember("kid") || !d["kid"].IsString()) return {};
    return d["kid"].GetString();
}

// A token for `account` as restd issues it under `key`: with the key's kid,
// or without one (as restd issued tokens before they carried one).
std::string tokenUnder(const Account& account, const std::string& key, bool withKid = true) {
    const rapidjson::Document payload = tokenPayload(account.token);
    const int64_t ver = intAt(payload, "ver").value_or(-1);
    const int64_t now = nowSeconds();
    const std::string header = withKid
                                   ? R"({"alg":"HS256","typ":"JWT","kid":")" + kidOf(key) + R"("})"
                                   : std::string(kJwtHeader);
    return signJwt(header, claims(account.id, account.role, ver, now, now + 600), key);
}

long meStatus(const std::string& token) { return send("GET", "/api/v1/auth/me", token).status; }

// A fresh key: 64 hex digits, safe in the env file unquoted.
std::string newKey() {
    return lowerHex(hmac(Hmac::Sha256, uniqueName("key"), std::to_string(nowSeconds())));
}

// Two posts under a tag of their own, listed one per page: the first page's
// nextCursor.
struct TaggedList {
    std::string query;  // "?limit=1&search=<tag>"
    std::string cursor;
};

TaggedList twoPostList(const Account& author) {
    const std::string tag = uniqueName("krot");
    createPost(author, tag + " one");
    createPost(author, tag + " two");
    TaggedList list{"?limit=1&search=" + tag, {}};
    rapidjson::Document first =
        checkSuccess(send("GET", "/api/v1/posts" + list.query, author.token), 200);
    list.cursor = jsonString(first, "meta.nextCursor");
    return list;
}

// The status of the page after `cursor`; 200 must hold one post.
long nextPageStatus(const Account& reader, const TaggedList& list, const std::string& cursor) {
    HttpResponse page =
        send("GET", "/api/v1/posts" + list.query + "&cursor=" + queryEscape(cursor), reader.token);
    if (page.status == 200) BOOST_TEST(idsAt(json(page.body)).size() == 1u);
    return page.status;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(key_rotation)

BOOST_AUTO_TEST_CASE(
    rotating_in_three_steps_keeps_what_either_key_signed_until_the_old_is_dropped) {
    const std::string keyA = jwtSecret();
    const std::string keyB = newKey();
    const Account user = registerAccount("krot");
    const TaggedList list = twoPostList(user);
    const std::string tokenA = user.token;
    const std::string cursorA = list.cursor;
    const std::string kidlessA = tokenUnder(user, keyA, false);
    const std::string tokenB = tokenUnder(user, keyB);

    // restd names its key in what it signs.
    BOOST_TEST(kidIn(tokenA) == kidOf(keyA));
    BOOST_TEST(cursorA.starts_with(kidOf(keyA) + "."), cursorA);
    // B is no key of this host yet.
    BOOST_TEST(meStatus(tokenB) == 401);
    BOOST_TEST(meStatus(kidlessA) == 200);

    EnvFile file;
    // (1) B everywhere, as a previous key: a host that switched already may
    // have issued tokenB.
    file.set({{"JWT_PREVIOUS_SECRETS", keyB}});
    reloadRestd(false, true);
    BOOST_TEST(meStatus(tokenB) == 200);
    BOOST_TEST(meStatus(tokenA) == 200);
    BOOST_TEST(meStatus(kidlessA) == 200);
    BOOST_TEST(nextPageStatus(user, list, cursorA) == 200);
    Account again = user;
    relogin(again);
    BOOST_TEST(kidIn(again.token) == kidOf(keyA), "A still signs");

    // (2) Switch: B signs, A only verifies.
    file.set({{"JWT_SECRET", keyB}, {"JWT_PREVIOUS_SECRETS", keyA}});
    reloadRestd(false, true);
    BOOST_TEST(meStatus(tokenA) == 200);
    BOOST_TEST(meStatus(kidlessA) == 200);
    BOOST_TEST(meStatus(tokenB) == 200);
    BOOST_TEST(nextPageStatus(user, list, cursorA) == 200);
    relogin(again);
    BOOST_TEST(kidIn(again.token) == kidOf(keyB), "B signs");
    BOOST_TEST(meStatus(again.token) == 200);
    rapidjson::Document first =
        checkSuccess(send("GET", "/api/v1/posts" + list.query, again.token), 200);
    const std::string cursorB = jsonString(first, "meta.nextCursor");
    BOOST_TEST(cursorB.starts_with(kidOf(keyB) + "."), cursorB);

    // (3) A dropped, after the token lifetime.
    file.set({{"JWT_SECRET", keyB}});
    reloadRestd(false, true);
    checkError(send("GET", "/api/v1/auth/me", tokenA), 401, "UNAUTHORIZED");
    BOOST_TEST(meStatus(kidlessA) == 401);
    BOOST_TEST(meStatus(tokenB) == 200);
    BOOST_TEST(meStatus(again.token) == 200);
    BOOST_TEST(nextPageStatus(again, list, cursorA) == 400);
    BOOST_TEST(nextPageStatus(again, list, cursorB) == 200);
}

// Clients keep sending tokens of both keys while the hosts' keys change
// under them: a worker started before a reload and one started after it
// both accept both, so not one request is refused.
BOOST_AUTO_TEST_CASE(requests_with_tokens_of_both_keys_across_the_reloads_get_no_401) {
    const std::string keyA = jwtSecret();
    const std::string keyB = newKey();
    const Account user = registerAccount("kload");
    const std::string tokenA = user.token;
    const std::string tokenB = tokenUnder(user, keyB);
    const std::string url = stack().url("/api/v1/auth/me");

    EnvFile file;
    file.set({{"JWT_PREVIOUS_SECRETS", keyB}});  // step 1 on this host
    reloadRestd(false, true);

    std::atomic<bool> stop{false};
    std::atomic<long> sent{0}, ok{0}, unauthorized{0}, other{0};
    // Its own source addresses, so that nginx's per-address limit never answers.
    std::thread client([&] {
        for (unsigned i = 0; !stop.load(); ++i) {
            const std::string& token = i % 2 == 0 ? tokenA : tokenB;
            RequestOptions options;
            options.sourceAddress = "127.0.3." + std::to_string(1 + i % 250);
            HttpResponse r = request("GET", url, {"Authorization: Bearer " + token}, {}, options);
            ++sent;
            if (r.status == 200)
                ++ok;
            else if (r.status == 401)
                ++unauthorized;
            else
                ++other;
        }
    });
    auto someMore = [&] {
        const long before = sent.load();
        return waitUntil([&] { return sent.load() >= before + 20; }, 30s, 10ms);
    };
    bool running = someMore();
    // (2) Switch, then reload once more with the same keys: each reload
    // replaces every worker while requests are in flight.
    file.set({{"JWT_SECRET", keyB}, {"JWT_PREVIOUS_SECRETS", keyA}});
    reloadRestd(false, true);
    running = running && someMore();
    reloadRestd(false, true);
    running = running && someMore();
    stop = true;
    client.join();

    BOOST_TEST(running, "the client stopped sending");
    BOOST_TEST_MESSAGE("requests: " << sent.load() << ", 200: " << ok.load() << ", 401: "
                                    << unauthorized.load() << ", other: " << other.load());
    BOOST_TEST(sent.load() >= 60);
    BOOST_TEST(unauthorized.load() == 0);
    BOOST_TEST(other.load() == 0);
    BOOST_TEST(ok.load() == sent.load());
}

// A systemd credential: JWT_SECRET_FILE names a file holding the current key
// (its newline dropped), read again on SIGHUP; the variable and JWT_SECRET
// together are refused and the running keys stay.
BOOST_AUTO_TEST_CASE(the_current_key_comes_from_a_file_read_again_on_sighup) {
    const std::string keyA = jwtSecret();
    const std::string keyB = newKey();
    const Account user = registerAccount("kfile");
    const std::filesystem::path path = stack().stackDir() / "jwt_secret";
    struct Remove {
        std::filesystem::path path;
        ~Remove() { std::filesystem::remove(path); }
    } remove{path};
    std::ofstream(path, std::ios::trunc) << keyA << "\n";

    EnvFile file;
    file.set({{"JWT_SECRET", ""}, {"JWT_SECRET_FILE", path.string()}});
    reloadRestd(false, true);
    Account again = user;
    relogin(again);
    BOOST_TEST(kidIn(again.token) == kidOf(keyA));
    BOOST_TEST(meStatus(user.token) == 200);

    std::ofstream(path, std::ios::trunc) << keyB << "\n";
    file.set(
        {{"JWT_SECRET", ""}, {"JWT_SECRET_FILE", path.string()}, {"JWT_PREVIOUS_SECRETS", keyA}});
    reloadRestd(false, true);
    relogin(again);
    BOOST_TEST(kidIn(again.token) == kidOf(keyB));
    BOOST_TEST(meStatus(user.token) == 200);

    // Both set: the reload fails naming the variables, never a key; B still signs.
    file.set({{"JWT_SECRET", keyA}, {"JWT_SECRET_FILE", path.string()}});
    std::string log = reloadRestd(true);
    BOOST_TEST(!linesWith(log, {"JWT_SECRET and JWT_SECRET_FILE are both set"}).empty(), log);
    BOOST_TEST(log.find(keyA) == std::string::npos);
    BOOST_TEST(log.find(keyB) == std::string::npos);
    relogin(again);
    BOOST_TEST(kidIn(again.token) == kidOf(keyB));
}

// DB_PASSWORD_FILE through the stack: after a reload every worker logs in
// with the file's password (its newline dropped), and requests that write
// rows are served; with DB_PASSWORD as well the reload fails naming both,
// never the password, and the running workers serve on.
BOOST_AUTO_TEST_CASE(the_database_password_comes_from_a_file_read_on_sighup) {
    const std::string password = stack().env("DB_PASSWORD");
    const std::filesystem::path path = stack().stackDir() / "db_password";
    struct Remove {
        std::filesystem::path path;
        ~Remove() { std::filesystem::remove(path); }
    } remove{path};
    std::ofstream(path, std::ios::trunc) << password << "\n";

    EnvFile file;
    file.set({{"DB_PASSWORD", ""}, {"DB_PASSWORD_FILE", path.string()}});
    std::string log = reloadRestd(false, true);
    BOOST_TEST(!linesWith(log, {R"("msg":"reloading")", "DB_PASSWORD_FILE"}).empty(), log);
    Account account = registerAccount("dbfile");
    BOOST_TEST(meStatus(account.token) == 200);

    file.set({{"DB_PASSWORD", password}, {"DB_PASSWORD_FILE", path.string()}});
    log = reloadRestd(true);
    BOOST_TEST(!linesWith(log, {"DB_PASSWORD and DB_PASSWORD_FILE are both set"}).empty(), log);
    BOOST_TEST(log.find(password) == std::string::npos);
    BOOST_TEST(meStatus(registerAccount("dbfile").token) == 200);
}

BOOST_AUTO_TEST_SUITE_END()
