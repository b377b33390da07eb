// SPDX-License-Identifier: Apache-2.0
// Users through nginx (docs/api.md "Resources", "Lists", "Validation rules"):
// the list with its query rules, literal search and keyset cursors (also while rows
// are inserted), who sees `email`, admin-only create and delete, PUT/PATCH
// with their field rules, token revocation by a password change, and
// self-or-admin authorisation.
#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
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
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kOwnView = {"createdAt", "email",     "id",
                                           "role",      "updatedAt", "username"};
const std::vector<std::string> kOthersView = {"createdAt", "id", "role", "updatedAt", "username"};

std::string userPath(int64_t id) { return "/api/v1/users/" + std::to_string(id); }

std::string userBody(const std::string& username, const std::string& email,
                     const std::string& role = "user") {
    return object({{"email", str(email)},
                   {"username", str(username)},
                   {"password", str(kPassword)},
                   {"role", str(role)}});
}

// Admin POST /api/v1/users without a login of the new user; requires 201.
int64_t adminCreate(const std::string& username, const std::string& email = {}) {
    HttpResponse response =
        send("POST", "/api/v1/users", admin().token,
             userBody(username, email.empty() ? username + "@example.com" : email));
    BOOST_REQUIRE_MESSAGE(response.status == 201,
                          "create " << username << ": " << response.summary());
    int64_t id = intAt(json(response.body), "data.id").value_or(0);
    BOOST_REQUIRE_GT(id, 0);
    return id;
}

HttpResponse list(const std::string& query, const std::string& token) {
    return send("GET", "/api/v1/users" + query, token);
}

// GET as admin; requires 200 and returns the body.
rapidjson::Document adminGet(int64_t id) {
    HttpResponse response = send("GET", userPath(id), admin().token);
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    return json(response.body);
}

// The user as the admin sees it, serialised, for "nothing changed" checks.
std::string adminView(int64_t id) {
    rapidjson::Document body = adminGet(id);
    const rapidjson::Value* data = jsonAt(body, "data");
    return data != nullptr ? jsonDump(*data) : "<no data>";
}

struct Walk {
    std::vector<int64_t> ids;
    int pages = 0;
    bool complete = false;  // reached nextCursor null within the page bound
};

// Follows meta.nextCursor from the first page of query (which must already
// hold limit, sort, search as wanted), at most maxPages pages. Checks each
// cursor page: 200, no total/totalPages, limit as asked. beforeNextPage runs
// before every page after the first.
Walk walkCursor(const std::string& query, const std::string& token, int maxPages,
                const std::function<void()>& beforeNextPage = {}) {
    Walk walk;
    HttpResponse response = list(query, token);
    rapidjson::Document body = checkSuccess(response, 200);
    for (;;) {
        ++walk.pages;
        std::vector<int64_t> ids = idsAt(body);
        walk.ids.insert(walk.ids.end(), ids.begin(), ids.end());
        const rapidjson::Value* next = jsonAt(body, "meta.nextCursor");
        BOOST_REQUIRE_MESSAGE(
            next != nullptr && (next->IsNull() || next->IsString()),
            "meta.nextCursor is missing or neither string nor null: " << response.summary());
        if (next->IsNull()) {
            walk.complete = true;
            return walk;
        }
        if (walk.pages >= maxPages) return walk;
        const std::string cursor = next->GetString();
        if (beforeNextPage) beforeNextPage();
        response = list(query + "&cursor=" + queryEscape(cursor), token);
        body = checkSuccess(response, 200);
        const rapidjson::Value* meta = jsonAt(body, "meta");
        BOOST_CHECK_MESSAGE(meta != nullptr && meta->IsObject() && !meta->HasMember("total") &&
                                !meta->HasMember("totalPages"),
                            "a cursor page reports totals: " << response.summary());
    }
}

bool unique(std::vector<int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
}

std::string idList(const std::vector<int64_t>& ids) {
    std::string text;
    for (int64_t id : ids) text += (text.empty() ? "" : " ") + std::to_string(id);
    return "[" + text + "]";
}

std::vector<std::string> usernamesAt(const rapidjson::Value& body) {
    std::vector<std::string> names;
    const rapidjson::Value* data = jsonAt(body, "data");
    if (data == nullptr || !data->IsArray()) return names;
    for (const auto& item : data->GetArray()) names.push_back(jsonString(item, "username"));
    return names;
}

// The object with this id in data[], or nullptr.
const rapidjson::Value* findById(const rapidjson::Value& body, int64_t id) {
    const rapidjson::Value* data = jsonAt(body, "data");
    if (data == nullptr || !data->IsArray()) return nullptr;
    for (const auto& item : data->GetArray()) {
        if (item.IsObject() && item.HasMember("id") && item["id"].IsInt64() &&
            item["id"].GetInt64() == id) {
            return &item;
        }
    }
    return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(users_list)

BOOST_AUTO_TEST_CASE(list_reports_page_limit_total_total_pages_and_next_cursor) {
    Account viewer = registerAccount("lv");
    const std::string tag = uniqueName("pm");
    for (int i = 0; i < 6; ++i) adminCreate(tag + "x" + std::to_string(i));

    HttpResponse first = list("?limit=5&search=" + tag, viewer.token);
    rapidjson::Document body = checkSuccess(first, 200);
    BOOST_CHECK_EQUAL(first.header("Cache-Control").value_or("<none>"), "private, no-cache");
    BOOST_CHECK((memberNames(jsonAt(body, "meta")) ==
                 std::vector<std::string>{"limit", "nextCursor", "page", "total", "totalPages"}));
    BOOST_CHECK_EQUAL(intAt(body, "meta.page").value_or(0), 1);
    BOOST_CHECK_EQUAL(intAt(body, "meta.limit").value_or(0), 5);
    BOOST_CHECK_EQUAL(intAt(body, "meta.total").value_or(0), 6);
    BOOST_CHECK_EQUAL(intAt(body, "meta.totalPages").value_or(0), 2);
    BOOST_CHECK_EQUAL(idsAt(body).size(), 5u);
    const rapidjson::Value* next = jsonAt(body, "meta.nextCursor");
    BOOST_CHECK(next != nullptr && next->IsString() && next->GetStringLength() > 0);

    rapidjson::Document second =
        checkSuccess(list("?limit=5&page=2&search=" + tag, viewer.token), 200);
    BOOST_CHECK_EQUAL(intAt(second, "meta.page").value_or(0), 2);
    BOOST_CHECK_EQUAL(idsAt(second).size(), 1u);
    const rapidjson::Value* last = jsonAt(second, "meta.nextCursor");
    BOOST_CHECK(last != nullptr && last->IsNull());

    std::vector<int64_t> all = idsAt(body);
    for (int64_t id : idsAt(second)) all.push_back(id);
    BOOST_CHECK_MESSAGE(unique(all), "pages 1 and 2 overlap: " << idList(all));

    rapidjson::Document beyond =
        checkSuccess(list("?limit=5&page=3&search=" + tag, viewer.token), 200);
    BOOST_CHECK(idsAt(beyond).empty());
}

BOOST_AUTO_TEST_CASE(defaults_are_page_1_limit_20_newest_first) {
    Account viewer = registerAccount("ld");
    rapidjson::Document body = checkSuccess(list("", viewer.token), 200);
    BOOST_CHECK_EQUAL(intAt(body, "meta.page").value_or(0), 1);
    BOOST_CHECK_EQUAL(intAt(body, "meta.limit").value_or(0), 20);
    const rapidjson::Value* data = jsonAt(body, "data");
    BOOST_REQUIRE(data != nullptr && data->IsArray() && data->Size() >= 1);
    BOOST_CHECK_LE(data->Size(), 20u);
    // The newest user (the viewer, just registered) comes first, then createdAt never rises.
    BOOST_CHECK_EQUAL(intAt(body, "data.0.id").value_or(0), viewer.id);
    for (rapidjson::SizeType i = 1; i < data->Size(); ++i) {
        std::string before = jsonString((*data)[i - 1], "createdAt");
        std::string after = jsonString((*data)[i], "createdAt");
        BOOST_CHECK_MESSAGE(before >= after, "createdAt rises: " << before << " then " << after);
    }
}

BOOST_AUTO_TEST_CASE(out_of_range_list_parameters_are_400_in_query) {
    Account viewer = registerAccount("lq");
    const std::string longSearch(101, 'a');
    const std::pair<std::string, std::string> cases[] = {
        {"?limit=0", "limit"},
        {"?limit=101", "limit"},
        {"?limit=abc", "limit"},
        {"?limit=-5", "limit"},
        {"?page=0", "page"},
        {"?page=-1", "page"},
        {"?page=1.5", "page"},
        {"?sort=email", "sort"},
        {"?sort=-passwordHash", "sort"},
        {"?sort=created_at", "sort"},
        {"?sort=--createdAt", "sort"},
        {"?sort=", "sort"},
        {"?search=" + longSearch, "search"},
    };
    for (const auto& [query, field] : cases) {
        BOOST_TEST_CONTEXT("GET /api/v1/users" << query) {
            checkValidation(list(query, viewer.token), {{field, "query"}});
        }
    }
    // Several broken parameters: one detail each.
    checkValidation(list("?limit=101&page=0&sort=bad", viewer.token),
                    {{"limit", "query"}, {"page", "query"}, {"sort", "query"}});
}

BOOST_AUTO_TEST_CASE(limit_100_and_a_100_character_search_are_accepted) {
    Account viewer = registerAccount("lok");
    rapidjson::Document body = checkSuccess(list("?limit=100", viewer.token), 200);
    BOOST_CHECK_EQUAL(intAt(body, "meta.limit").value_or(0), 100);
    rapidjson::Document search =
        checkSuccess(list("?search=" + std::string(100, 'q'), viewer.token), 200);
    BOOST_CHECK_EQUAL(intAt(search, "meta.total").value_or(-1), 0);
    // 100 characters, not bytes: 100 two-byte letters are fine.
    std::string accents;
    for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";
    checkSuccess(list("?search=" + queryEscape(accents), viewer.token), 200);
}

BOOST_AUTO_TEST_CASE(sort_by_username_ignores_case_in_both_directions) {
    Account viewer = registerAccount("ls");
    const std::string tag = uniqueName("srt");
    const std::string a = tag + "a", b = tag + "B", c = tag + "c";
    for (const std::string& name : {c, a, b}) adminCreate(name, uniqueEmail("srt"));

    rapidjson::Document up = checkSuccess(list("?sort=username&search=" + tag, viewer.token), 200);
    BOOST_CHECK((usernamesAt(up) == std::vector<std::string>{a, b, c}));
    rapidjson::Document down =
        checkSuccess(list("?sort=-username&search=" + tag, viewer.token), 200);
    BOOST_CHECK((usernamesAt(down) == std::vector<std::string>{c, b, a}));
}

BOOST_AUTO_TEST_CASE(sort_by_id_and_created_at_order_both_ways) {
    Account viewer = registerAccount("lid");
    const std::string tag = uniqueName("sid");
    std::vector<int64_t> created;
    for (int i = 0; i < 4; ++i) created.push_back(adminCreate(tag + "x" + std::to_string(i)));
    std::vector<int64_t> descending(created.rbegin(), created.rend());

    for (const char* sort : {"id", "createdAt"}) {
        BOOST_TEST_CONTEXT("sort " << sort) {
            rapidjson::Document up = checkSuccess(
                list(std::string("?sort=") + sort + "&search=" + tag, viewer.token), 200);
            BOOST_CHECK_MESSAGE(idsAt(up) == created, idList(idsAt(up)));
            rapidjson::Document down = checkSuccess(
                list(std::string("?sort=-") + sort + "&search=" + tag, viewer.token), 200);
            BOOST_CHECK_MESSAGE(idsAt(down) == descending, idList(idsAt(down)));
        }
    }
    rapidjson::Document byDefault = checkSuccess(list("?search=" + tag, viewer.token), 200);
    BOOST_CHECK_MESSAGE(idsAt(byDefault) == descending, idList(idsAt(byDefault)));
}

BOOST_AUTO_TEST_CASE(search_treats_percent_underscore_and_backslash_literally) {
    Account viewer = registerAccount("lit");
    const std::string tag = uniqueName("lit");
    const int64_t under1 = adminCreate(tag + "_a");
    const int64_t under2 = adminCreate(tag + "_b");
    adminCreate(tag + "xa");
    adminCreate(tag + "xb");

    rapidjson::Document withUnderscore =
        checkSuccess(list("?sort=id&search=" + tag + "_", viewer.token), 200);
    BOOST_CHECK_MESSAGE((idsAt(withUnderscore) == std::vector<int64_t>{under1, under2}),
                        "search " << tag << "_ found " << idList(idsAt(withUnderscore)));

    rapidjson::Document all = checkSuccess(list("?search=" + tag, viewer.token), 200);
    BOOST_CHECK_EQUAL(intAt(all, "meta.total").value_or(0), 4);

    // "_" alone: only usernames that hold an underscore, so not every user.
    rapidjson::Document everyone = checkSuccess(list("?limit=100", viewer.token), 200);
    rapidjson::Document underscore = checkSuccess(list("?limit=100&search=_", viewer.token), 200);
    BOOST_CHECK_LT(intAt(underscore, "meta.total").value_or(0),
                   intAt(everyone, "meta.total").value_or(0));
    for (const std::string& name : usernamesAt(underscore)) {
        BOOST_CHECK_MESSAGE(name.find('_') != std::string::npos, "search _ found " << name);
    }

    // No username holds '%', '\\' or '!' (the usual LIKE escape characters).
    for (const char* pattern : {"%25", "%5C", "!", "_%25_", "%25%25"}) {
        BOOST_TEST_CONTEXT("search=" << pattern) {
            rapidjson::Document none =
                checkSuccess(list(std::string("?search=") + pattern, viewer.token), 200);
            BOOST_CHECK_EQUAL(intAt(none, "meta.total").value_or(-1), 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(search_is_a_case_insensitive_substring_of_the_username) {
    Account viewer = registerAccount("lci");
    const std::string tag = uniqueName("ci");
    const int64_t id = adminCreate("Pre" + tag + "Post");
    std::string upper = tag;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    rapidjson::Document body = checkSuccess(list("?search=" + upper, viewer.token), 200);
    BOOST_CHECK((idsAt(body) == std::vector<int64_t>{id}));
}

BOOST_AUTO_TEST_CASE(search_matches_email_for_admins_only) {
    Account viewer = registerAccount("lem");
    const std::string emailTag = uniqueName("mailonly");
    const int64_t id = adminCreate(uniqueName("name"), emailTag + "@example.com");

    rapidjson::Document asUser = checkSuccess(list("?search=" + emailTag, viewer.token), 200);
    BOOST_CHECK_EQUAL(intAt(asUser, "meta.total").value_or(-1), 0);
    rapidjson::Document asAdmin = checkSuccess(list("?search=" + emailTag, admin().token), 200);
    BOOST_CHECK((idsAt(asAdmin) == std::vector<int64_t>{id}));
}

BOOST_AUTO_TEST_CASE(email_is_shown_only_to_self_and_admins_in_list_and_detail) {
    Account self = registerAccount("vself");
    Account other = registerAccount("vother");

    rapidjson::Document ownList = checkSuccess(list("?search=" + self.username, self.token), 200);
    BOOST_CHECK(memberNames(findById(ownList, self.id)) == kOwnView);
    BOOST_CHECK_EQUAL(jsonString(*findById(ownList, self.id), "email"), self.email);
    rapidjson::Document otherList =
        checkSuccess(list("?search=" + other.username, self.token), 200);
    BOOST_CHECK(memberNames(findById(otherList, other.id)) == kOthersView);

    rapidjson::Document ownDetail = checkSuccess(send("GET", userPath(self.id), self.token), 200);
    BOOST_CHECK(memberNames(jsonAt(ownDetail, "data")) == kOwnView);
    rapidjson::Document otherDetail =
        checkSuccess(send("GET", userPath(other.id), self.token), 200);
    BOOST_CHECK(memberNames(jsonAt(otherDetail, "data")) == kOthersView);
    BOOST_CHECK_EQUAL(jsonString(otherDetail, "data.username"), other.username);

    rapidjson::Document adminDetail = adminGet(other.id);
    BOOST_CHECK(memberNames(jsonAt(adminDetail, "data")) == kOwnView);
    BOOST_CHECK_EQUAL(jsonString(adminDetail, "data.email"), other.email);
    rapidjson::Document adminList =
        checkSuccess(list("?search=" + other.username, admin().token), 200);
    BOOST_CHECK(memberNames(findById(adminList, other.id)) == kOwnView);
}

BOOST_AUTO_TEST_CASE(get_user_returns_the_representation_and_404_when_missing) {
    Account viewer = registerAccount("get");
    HttpResponse response = send("GET", userPath(viewer.id), viewer.token);
    rapidjson::Document body = checkSuccess(response, 200);
    BOOST_CHECK_EQUAL(intAt(body, "data.id").value_or(0), viewer.id);
    BOOST_CHECK_EQUAL(jsonString(body, "data.username"), viewer.username);
    BOOST_CHECK_EQUAL(jsonString(body, "data.role"), "user");
    BOOST_CHECK(isIsoMillis(jsonString(body, "data.createdAt")));
    BOOST_CHECK(isIsoMillis(jsonString(body, "data.updatedAt")));
    BOOST_CHECK_EQUAL(response.header("Cache-Control").value_or("<none>"), "private, no-cache");
    // Trailing slash is the same resource.
    checkSuccess(send("GET", userPath(viewer.id) + "/", viewer.token), 200);

    checkError(send("GET", userPath(999999999), viewer.token), 404, "NOT_FOUND");
}

// GET /users/{id} reads the caller's row together with the user asked for
// (one round trip); the token check must hold as on every other route, and
// come before the 404 or 400 of the path.
BOOST_AUTO_TEST_CASE(get_user_refuses_revoked_and_orphaned_tokens_before_404_or_400) {
    Account revoked = registerAccount("rvk");
    Account orphan = registerAccount("rvo");
    checkSuccess(send("GET", userPath(orphan.id), revoked.token), 200);
    checkSuccess(send("POST", "/api/v1/auth/logout-all", revoked.token), 200);
    checkSuccess(send("DELETE", userPath(orphan.id), admin().token), 200);
    for (const Account* caller : {&revoked, &orphan}) {
        for (const std::string& path :
             {userPath(revoked.id), userPath(orphan.id), userPath(admin().id), userPath(999999999),
              std::string("/api/v1/users/abc")}) {
            BOOST_TEST_CONTEXT(caller->username << " GET " << path) {
                checkError(send("GET", path, caller->token), 401, "UNAUTHORIZED");
            }
        }
    }
    relogin(revoked);  // a fresh token of the same user works again
    checkSuccess(send("GET", userPath(revoked.id), revoked.token), 200);
}

// The list reads the caller's row in the same statement as the page (a join
// that yields no rows when the caller is gone, and none for an empty page).
// Revoked and orphaned tokens get 401 on full and empty pages, before the
// 400 of a bad query or a forged cursor; a valid token still gets its 400.
BOOST_AUTO_TEST_CASE(list_refuses_revoked_and_orphaned_tokens_before_400_on_any_page) {
    Account revoked = registerAccount("lrv");
    Account orphan = registerAccount("lro");
    Account fine = registerAccount("lrf");
    rapidjson::Document first = checkSuccess(list("?limit=1", fine.token), 200);
    const std::string cursor = jsonString(first, "meta.nextCursor");
    BOOST_REQUIRE(!cursor.empty());
    checkSuccess(send("POST", "/api/v1/auth/logout-all", revoked.token), 200);
    checkSuccess(send("DELETE", userPath(orphan.id), admin().token), 200);
    const std::vector<std::string> queries = {
        "",         "?limit=5&page=2", "?cursor=" + cursor,      "?search=" + uniqueName("nomatch"),
        "?limit=0", "?sort=password",  "?cursor=" + cursor + "x"};
    for (const Account* caller : {&revoked, &orphan}) {
        for (const std::string& query : queries) {
            BOOST_TEST_CONTEXT(caller->username << " GET /api/v1/users" << query) {
                checkError(list(query, caller->token), 401, "UNAUTHORIZED");
            }
        }
    }
    checkValidation(list("?limit=0", fine.token), {{"limit", "query"}});
    checkValidation(list("?cursor=" + cursor + "x", fine.token), {{"cursor", "query"}});
    rapidjson::Document empty =
        checkSuccess(list("?search=" + uniqueName("nomatch"), fine.token), 200);
    BOOST_CHECK_EQUAL(intAt(empty, "meta.total").value_or(-1), 0);
    BOOST_CHECK(idsAt(empty).empty());
}

// The token's role decides what an admin's search covers; the caller's row
// has the last word, so a role changed since the token was issued (which
// does not revoke it) is honoured at once, both ways.
BOOST_AUTO_TEST_CASE(list_search_follows_the_callers_current_role_not_the_tokens) {
    Account riser = registerAccount("lrs");
    const std::string emailTag = uniqueName("roleonly");
    const int64_t target = adminCreate(uniqueName("name"), emailTag + "@example.com");
    rapidjson::Document before = checkSuccess(list("?search=" + emailTag, riser.token), 200);
    BOOST_CHECK(idsAt(before).empty());

    checkSuccess(send("PATCH", userPath(riser.id), admin().token, object({{"role", str("admin")}})),
                 200);
    rapidjson::Document promoted = checkSuccess(list("?search=" + emailTag, riser.token), 200);
    BOOST_CHECK((idsAt(promoted) == std::vector<int64_t>{target}));
    BOOST_CHECK_EQUAL(jsonString(promoted, "data.0.email"), emailTag + "@example.com");

    relogin(riser);  // a token that says admin
    checkSuccess(send("PATCH", userPath(riser.id), admin().token, object({{"role", str("user")}})),
                 200);
    rapidjson::Document demoted = checkSuccess(list("?search=" + emailTag, riser.token), 200);
    BOOST_CHECK(idsAt(demoted).empty());
}

BOOST_AUTO_TEST_CASE(non_positive_or_non_numeric_ids_are_400_in_path) {
    Account viewer = registerAccount("pid");
    for (const char* id : {"abc", "0", "-1", "1.5", "1e3", "0x10", "%201"}) {
        BOOST_TEST_CONTEXT("id " << id) {
            checkValidation(send("GET", std::string("/api/v1/users/") + id, viewer.token),
                            {{"id", "path"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(list_and_detail_without_token_are_401) {
    for (const char* path : {"/api/v1/users", "/api/v1/users/1"}) {
        BOOST_TEST_CONTEXT(path) {
            HttpResponse response = send("GET", path);
            checkError(response, 401, "UNAUTHORIZED");
            BOOST_CHECK(response.header("WWW-Authenticate").value_or("").starts_with("Bearer"));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(users_cursor)

BOOST_AUTO_TEST_CASE(cursor_walk_visits_every_user_once_in_page_order_for_every_sort) {
    Account viewer = registerAccount("cw");
    const std::string tag = uniqueName("cw");
    for (int i = 0; i < 12; ++i) {
        // Mixed case, so that username order differs from id order.
        adminCreate(tag + (i % 2 == 0 ? "A" : "b") + std::to_string(20 - i));
    }
    for (const char* sort : {"createdAt", "-createdAt", "username", "-username", "id", "-id"}) {
        BOOST_TEST_CONTEXT("sort " << sort) {
            const std::string query = std::string("?sort=") + sort + "&search=" + tag;
            rapidjson::Document reference =
                checkSuccess(list(query + "&limit=100", viewer.token), 200);
            std::vector<int64_t> expected = idsAt(reference);
            BOOST_REQUIRE_EQUAL(expected.size(), 12u);

            Walk walk = walkCursor(query + "&limit=5", viewer.token, 10);
            BOOST_CHECK(walk.complete);
            BOOST_CHECK_EQUAL(walk.pages, 3);
            BOOST_CHECK_MESSAGE(walk.ids == expected,
                                "walk " << idList(walk.ids) << " vs pages " << idList(expected));
        }
    }
}

BOOST_AUTO_TEST_CASE(tampered_cursor_is_400_naming_cursor) {
    Account viewer = registerAccount("ct");
    rapidjson::Document body = checkSuccess(list("?limit=1", viewer.token), 200);
    const std::string cursor = jsonString(body, "meta.nextCursor");
    BOOST_REQUIRE_MESSAGE(cursor.size() > 4 && cursor != "<missing>", "no cursor: " << cursor);
    checkSuccess(list("?limit=1&cursor=" + queryEscape(cursor), viewer.token), 200);

    for (size_t at : {size_t{0}, cursor.size() / 2, cursor.size() - 2}) {
        std::string tampered = cursor;
        tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
        BOOST_TEST_CONTEXT("character " << at << " changed: " << tampered) {
            checkValidation(list("?limit=1&cursor=" + queryEscape(tampered), viewer.token),
                            {{"cursor", "query"}});
        }
    }
    for (const std::string& garbage : {std::string("abc"), std::string("."), cursor + "x"}) {
        BOOST_TEST_CONTEXT("cursor " << garbage) {
            checkValidation(list("?limit=1&cursor=" + queryEscape(garbage), viewer.token),
                            {{"cursor", "query"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(cursor_of_another_sort_is_400_naming_cursor) {
    Account viewer = registerAccount("cs");
    rapidjson::Document body = checkSuccess(list("?limit=1&sort=createdAt", viewer.token), 200);
    const std::string cursor = jsonString(body, "meta.nextCursor");
    BOOST_REQUIRE(cursor != "<missing>");
    for (const char* sort : {"-createdAt", "username", "id"}) {
        BOOST_TEST_CONTEXT("cursor of sort=createdAt with sort=" << sort) {
            checkValidation(
                list(std::string("?limit=1&sort=") + sort + "&cursor=" + queryEscape(cursor),
                     viewer.token),
                {{"cursor", "query"}});
        }
    }
}

namespace {

// Inserts users named tag + "ins" + n from its own thread, one after another,
// until stopped or max are done. Uses request() directly: Boost.Test checks
// are not thread-safe; the results are checked after join().
class Inserter {
  public:
    Inserter(std::string tag, std::string token, int max)
        : tag_(std::move(tag)), token_(std::move(token)), max_(max) {}
    ~Inserter() { join(); }

    void start() {
        thread_ = std::thread([this] {
            for (int n = 0; n < max_ && !stop_; ++n) {
                const std::string name = tag_ + "ins" + std::to_string(n);
                HttpResponse response = request("POST", stack().url("/api/v1/users"),
                                                {"Content-Type: application/json", bearer(token_)},
                                                userBody(name, name + "@example.com"));
                if (response.status == 201) {
                    ++inserted_;
                } else {
                    ++failed_;
                }
            }
            done_ = true;
        });
    }
    void join() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    int inserted() const { return inserted_; }
    int failed() const { return failed_; }
    bool done() const { return done_; }

  private:
    std::string tag_;
    std::string token_;
    int max_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> done_{false};
    std::atomic<int> inserted_{0};
    std::atomic<int> failed_{0};
};

// 30 users, then a cursor walk (limit 7) over them while a thread inserts more.
// Between pages the walk waits until at least one more insert has landed, so
// inserts and pages really interleave. insertsSortFirst: the sort puts new
// rows before the cursor (newest first), so the walk must see none of them.
void walkWhileInserting(const std::string& sort, bool insertsSortFirst) {
    Account viewer = registerAccount("ci");
    const std::string tag = uniqueName("cc");
    std::set<int64_t> before;
    for (int i = 0; i < 30; ++i) before.insert(adminCreate(tag + "pre" + std::to_string(i)));

    Inserter inserter(tag, admin().token, 40);
    bool started = false;
    int seenInserted = 0;
    Walk walk = walkCursor("?limit=7&sort=" + sort + "&search=" + tag, viewer.token, 30, [&] {
        if (!started) {
            inserter.start();
            started = true;
        }
        waitUntil([&] { return inserter.done() || inserter.inserted() > seenInserted; }, 10s, 5ms);
        seenInserted = inserter.inserted();
    });
    inserter.join();
    BOOST_TEST_MESSAGE("sort " << sort << ": " << walk.pages << " pages, " << walk.ids.size()
                               << " ids, " << inserter.inserted() << " users inserted meanwhile");

    BOOST_CHECK_EQUAL(inserter.failed(), 0);
    BOOST_CHECK_GT(inserter.inserted(), 0);
    BOOST_CHECK(walk.complete);
    BOOST_CHECK_MESSAGE(unique(walk.ids), "the walk saw an id twice: " << idList(walk.ids));
    for (int64_t id : before) {
        BOOST_CHECK_MESSAGE(std::count(walk.ids.begin(), walk.ids.end(), id) == 1,
                            "user " << id << " (there before the walk) was seen "
                                    << std::count(walk.ids.begin(), walk.ids.end(), id)
                                    << " times: " << idList(walk.ids));
    }
    if (insertsSortFirst) {
        // Newest first: rows inserted after page 1 sort before the cursor and
        // never show up, so the walk is exactly the rows that were there.
        BOOST_CHECK_EQUAL(walk.ids.size(), before.size());
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(newest_first_cursor_walk_sees_every_existing_user_once_during_inserts) {
    walkWhileInserting("-createdAt", true);
}

BOOST_AUTO_TEST_CASE(oldest_first_cursor_walk_sees_every_existing_user_once_during_inserts) {
    walkWhileInserting("createdAt", false);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(users_write)

BOOST_AUTO_TEST_CASE(admin_creates_a_user_with_201_location_and_default_role) {
    const std::string name = uniqueName("mk");
    HttpResponse response = send("POST", "/api/v1/users", admin().token,
                                 object({{"email", str("  " + name + "@EXAMPLE.com ")},
                                         {"username", str(name)},
                                         {"password", str(kPassword)}}));
    rapidjson::Document body = checkSuccess(response, 201);
    const int64_t id = intAt(body, "data.id").value_or(0);
    BOOST_CHECK_GT(id, 0);
    BOOST_CHECK(memberNames(jsonAt(body, "data")) == kOwnView);
    BOOST_CHECK_EQUAL(jsonString(body, "data.email"), name + "@example.com");
    BOOST_CHECK_EQUAL(jsonString(body, "data.username"), name);
    BOOST_CHECK_EQUAL(jsonString(body, "data.role"), "user");
    const std::string location = response.header("Location").value_or("<none>");
    BOOST_CHECK_EQUAL(location, userPath(id));

    rapidjson::Document fetched = checkSuccess(send("GET", location, admin().token), 200);
    BOOST_CHECK_EQUAL(jsonDump(*jsonAt(fetched, "data")), jsonDump(*jsonAt(body, "data")));
    checkSuccess(login(name + "@example.com", std::string(kPassword)), 200);
}

BOOST_AUTO_TEST_CASE(admin_may_create_an_admin_who_then_has_admin_rights) {
    Account second = createAccount("admin", "adm");
    BOOST_CHECK_EQUAL(second.role, "admin");
    BOOST_CHECK_EQUAL(jsonString(tokenPayload(second.token), "role"), "admin");
    const std::string name = uniqueName("byadm");
    checkSuccess(send("POST", "/api/v1/users", second.token, userBody(name, name + "@example.com")),
                 201);
}

BOOST_AUTO_TEST_CASE(create_lists_every_broken_rule_including_role) {
    checkValidation(send("POST", "/api/v1/users", admin().token,
                         object({{"email", str("nope")},
                                 {"username", str("a")},
                                 {"password", str("x")},
                                 {"role", str("root")}})),
                    {{"email", "body"},
                     {"username", "body"},
                     {"password", "body"},
                     {"password", "body"},
                     {"password", "body"},
                     {"role", "body"}});
    checkValidation(send("POST", "/api/v1/users", admin().token, "{}"),
                    {{"email", "body"}, {"username", "body"}, {"password", "body"}});
}

BOOST_AUTO_TEST_CASE(create_rejects_unknown_fields) {
    const std::string name = uniqueName("unk");
    checkValidation(send("POST", "/api/v1/users", admin().token,
                         object({{"email", str(name + "@example.com")},
                                 {"username", str(name)},
                                 {"password", str(kPassword)},
                                 {"id", "424242"},
                                 {"passwordHash", str("x")},
                                 {"createdAt", str("2020-01-01T00:00:00.000Z")}})),
                    {{"id", "body"}, {"passwordHash", "body"}, {"createdAt", "body"}});
    rapidjson::Document none = checkSuccess(list("?search=" + name, admin().token), 200);
    BOOST_CHECK_EQUAL(intAt(none, "meta.total").value_or(-1), 0);
}

BOOST_AUTO_TEST_CASE(create_with_a_taken_email_or_username_is_409_naming_it) {
    const std::string name = uniqueName("taken");
    adminCreate(name);
    rapidjson::Document email = checkError(send("POST", "/api/v1/users", admin().token,
                                                userBody(uniqueName("t2"), name + "@example.com")),
                                           409, "CONFLICT");
    BOOST_REQUIRE(!details(email).empty());
    BOOST_CHECK_EQUAL(details(email)[0].field, "email");
    std::string upper = name;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    rapidjson::Document username =
        checkError(send("POST", "/api/v1/users", admin().token, userBody(upper, uniqueEmail("t3"))),
                   409, "CONFLICT");
    BOOST_REQUIRE(!details(username).empty());
    BOOST_CHECK_EQUAL(details(username)[0].field, "username");
}

BOOST_AUTO_TEST_CASE(put_requires_email_and_username) {
    Account account = registerAccount("put");
    checkValidation(send("PUT", userPath(account.id), account.token, "{}"),
                    {{"email", "body"}, {"username", "body"}});
    checkValidation(
        send("PUT", userPath(account.id), account.token, object({{"email", str(account.email)}})),
        {{"username", "body"}});
    checkValidation(send("PUT", userPath(account.id), account.token,
                         object({{"username", str(account.username)}})),
                    {{"email", "body"}});
}

BOOST_AUTO_TEST_CASE(put_replaces_email_and_username_and_keeps_an_omitted_password) {
    Account account = registerAccount("rep");
    const std::string name = uniqueName("rep2");
    HttpResponse response =
        send("PUT", userPath(account.id), account.token,
             object({{"email", str(" " + name + "@Example.COM")}, {"username", str(name)}}));
    rapidjson::Document body = checkSuccess(response, 200);
    BOOST_CHECK_EQUAL(intAt(body, "data.id").value_or(0), account.id);
    BOOST_CHECK_EQUAL(jsonString(body, "data.email"), name + "@example.com");
    BOOST_CHECK_EQUAL(jsonString(body, "data.username"), name);
    BOOST_CHECK_EQUAL(jsonString(body, "data.role"), "user");
    // No new password: the old one still logs in and the token stays valid.
    checkSuccess(send("GET", "/api/v1/auth/me", account.token), 200);
    checkSuccess(login(name + "@example.com", account.password), 200);
    checkError(login(account.email, account.password), 401, "INVALID_CREDENTIALS");
}

BOOST_AUTO_TEST_CASE(patch_with_an_empty_object_is_400) {
    Account account = registerAccount("pe");
    checkError(send("PATCH", userPath(account.id), account.token, "{}"), 400, "VALIDATION_ERROR");
}

BOOST_AUTO_TEST_CASE(patch_changes_only_the_given_field) {
    Account account = registerAccount("pf");
    rapidjson::Document before = adminGet(account.id);
    const std::string name = uniqueName("pf2");
    rapidjson::Document body = checkSuccess(
        send("PATCH", userPath(account.id), account.token, object({{"username", str(name)}})), 200);
    BOOST_CHECK_EQUAL(jsonString(body, "data.username"), name);
    BOOST_CHECK_EQUAL(jsonString(body, "data.email"), account.email);
    BOOST_CHECK_EQUAL(jsonString(body, "data.createdAt"), jsonString(before, "data.createdAt"));
    BOOST_CHECK_GE(jsonString(body, "data.updatedAt"), jsonString(before, "data.updatedAt"));
    rapidjson::Document after = adminGet(account.id);
    BOOST_CHECK_EQUAL(jsonString(after, "data.username"), name);
    checkSuccess(send("GET", "/api/v1/auth/me", account.token), 200);
}

BOOST_AUTO_TEST_CASE(patch_and_put_reject_unknown_fields_and_change_nothing) {
    Account account = registerAccount("pu");
    const std::string before = adminView(account.id);
    const std::string name = uniqueName("pu2");
    checkValidation(send("PATCH", userPath(account.id), account.token,
                         object({{"username", str(name)},
                                 {"id", "1"},
                                 {"passwordHash", str("$2b$04$abcdefghijklmnopqrstuv")},
                                 {"createdAt", str("2000-01-01T00:00:00.000Z")}})),
                    {{"id", "body"}, {"passwordHash", "body"}, {"createdAt", "body"}});
    checkValidation(send("PUT", userPath(account.id), admin().token,
                         object({{"email", str(account.email)},
                                 {"username", str(name)},
                                 {"updatedAt", str("2000-01-01T00:00:00.000Z")}})),
                    {{"updatedAt", "body"}});
    BOOST_CHECK_EQUAL(adminView(account.id), before);
}

BOOST_AUTO_TEST_CASE(password_change_by_patch_revokes_old_tokens_and_the_new_password_logs_in) {
    Account account = registerAccount("pwc");
    Account otherSession = account;
    relogin(otherSession);
    const std::string newPassword = "N3wPassword";
    checkSuccess(
        send("PATCH", userPath(account.id), account.token,
             object({{"password", str(newPassword)}, {"currentPassword", str(account.password)}})),
        200);
    checkError(send("GET", "/api/v1/auth/me", account.token), 401, "UNAUTHORIZED");
    checkError(send("GET", "/api/v1/auth/me", otherSession.token), 401, "UNAUTHORIZED");
    checkError(login(account.email, account.password), 401, "INVALID_CREDENTIALS");
    account.password = newPassword;
    relogin(account);
    checkSuccess(send("GET", "/api/v1/auth/me", account.token), 200);
}

BOOST_AUTO_TEST_CASE(password_change_by_admin_put_revokes_the_users_tokens) {
    Account account = registerAccount("pwa");
    const std::string newPassword = "Adm1nChosen";
    checkSuccess(send("PUT", userPath(account.id), admin().token,
                      object({{"email", str(account.email)},
                              {"username", str(account.username)},
                              {"password", str(newPassword)}})),
                 200);
    checkError(send("GET", "/api/v1/auth/me", account.token), 401, "UNAUTHORIZED");
    checkSuccess(login(account.email, newPassword), 200);
    // The admin's own token is untouched.
    checkSuccess(send("GET", "/api/v1/auth/me", admin().token), 200);
}

BOOST_AUTO_TEST_CASE(weak_new_password_is_400_and_changes_nothing) {
    Account account = registerAccount("pww");
    checkValidation(
        send("PATCH", userPath(account.id), account.token, object({{"password", str("weakpass")}})),
        {{"password", "body"}, {"password", "body"}});
    checkSuccess(send("GET", "/api/v1/auth/me", account.token), 200);
    checkSuccess(login(account.email, account.password), 200);
}

BOOST_AUTO_TEST_CASE(patch_to_a_taken_username_or_email_is_409_naming_it) {
    Account account = registerAccount("pt");
    Account other = registerAccount("pto");
    std::string upper = other.username;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    rapidjson::Document username = checkError(
        send("PATCH", userPath(account.id), account.token, object({{"username", str(upper)}})), 409,
        "CONFLICT");
    BOOST_REQUIRE(!details(username).empty());
    BOOST_CHECK_EQUAL(details(username)[0].field, "username");
    rapidjson::Document email = checkError(
        send("PATCH", userPath(account.id), account.token, object({{"email", str(other.email)}})),
        409, "CONFLICT");
    BOOST_REQUIRE(!details(email).empty());
    BOOST_CHECK_EQUAL(details(email)[0].field, "email");
    BOOST_CHECK_EQUAL(jsonString(adminGet(account.id), "data.username"), account.username);
}

BOOST_AUTO_TEST_CASE(updating_a_missing_user_is_404) {
    const std::string name = uniqueName("miss");
    checkError(send("PATCH", userPath(999999999), admin().token, object({{"username", str(name)}})),
               404, "NOT_FOUND");
    checkError(send("PUT", userPath(999999999), admin().token,
                    object({{"email", str(name + "@example.com")}, {"username", str(name)}})),
               404, "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(email_with_sql_metacharacters_is_stored_and_returned_verbatim) {
    const std::string name = uniqueName("sq");
    const std::string email = name + ".o'neil+x=1'--@example.com";
    const int64_t id = adminCreate(name, email);
    BOOST_CHECK_EQUAL(jsonString(adminGet(id), "data.email"), email);
    checkSuccess(login(email, std::string(kPassword)), 200);
    // Still one row with that name, and the table answers as before.
    rapidjson::Document found = checkSuccess(list("?search=" + name, admin().token), 200);
    BOOST_CHECK((idsAt(found) == std::vector<int64_t>{id}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(users_delete)

BOOST_AUTO_TEST_CASE(delete_returns_200_with_the_id_then_the_user_is_gone) {
    const int64_t id = adminCreate(uniqueName("del"));
    HttpResponse response = send("DELETE", userPath(id), admin().token);
    rapidjson::Document body = checkSuccess(response, 200);
    BOOST_CHECK((memberNames(&body) == std::vector<std::string>{"data", "message", "success"}));
    BOOST_CHECK_EQUAL(jsonString(body, "message"), "User deleted");
    BOOST_CHECK((memberNames(jsonAt(body, "data")) == std::vector<std::string>{"id"}));
    BOOST_CHECK_EQUAL(intAt(body, "data.id").value_or(0), id);

    checkError(send("GET", userPath(id), admin().token), 404, "NOT_FOUND");
    checkError(send("DELETE", userPath(id), admin().token), 404, "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(deleting_a_user_removes_their_posts_and_tokens) {
    Account account = registerAccount("delp");
    const int64_t published = createPost(account, "to be deleted", true);
    const int64_t draft = createPost(account, "draft to be deleted", false);
    checkSuccess(send("DELETE", userPath(account.id), admin().token), 200);

    for (int64_t post : {published, draft}) {
        checkError(send("GET", "/api/v1/posts/" + std::to_string(post), admin().token), 404,
                   "NOT_FOUND");
    }
    checkError(send("GET", userPath(account.id) + "/posts", admin().token), 404, "NOT_FOUND");
    checkError(send("GET", "/api/v1/auth/me", account.token), 401, "UNAUTHORIZED");
    checkError(send("POST", "/api/v1/auth/refresh", {},
                    object({{"refreshToken", str(account.refreshToken)}})),
               401, "UNAUTHORIZED");
    checkError(login(account.email, account.password), 401, "INVALID_CREDENTIALS");

    std::optional<std::string> rows = sql(
        "SELECT (SELECT COUNT(*) FROM posts WHERE author_id = " + std::to_string(account.id) +
        ") + (SELECT COUNT(*) FROM refresh_tokens WHERE user_id = " + std::to_string(account.id) +
        ")");
    BOOST_REQUIRE_MESSAGE(rows.has_value(), "the mariadb client failed");
    BOOST_CHECK_EQUAL(rows->substr(0, rows->find('\n')), "0");
}

BOOST_AUTO_TEST_CASE(a_deleted_email_and_username_can_be_used_again) {
    const std::string name = uniqueName("again");
    const int64_t id = adminCreate(name);
    checkSuccess(send("DELETE", userPath(id), admin().token), 200);
    const int64_t second = adminCreate(name);
    BOOST_CHECK_NE(second, id);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(users_authz)

BOOST_AUTO_TEST_CASE(write_routes_without_token_are_401) {
    Account target = registerAccount("anon");
    const std::string body = object({{"username", str(uniqueName("anon"))}});
    for (const char* method : {"PUT", "PATCH", "DELETE"}) {
        BOOST_TEST_CONTEXT(method) {
            checkError(
                send(method, userPath(target.id), {}, std::string(method) == "DELETE" ? "" : body),
                401, "UNAUTHORIZED");
        }
    }
    checkError(send("POST", "/api/v1/users", {}, userBody(uniqueName("anon"), uniqueEmail("anon"))),
               401, "UNAUTHORIZED");
    checkSuccess(send("GET", userPath(target.id), target.token), 200);
}

BOOST_AUTO_TEST_CASE(normal_user_cannot_create_users) {
    Account account = registerAccount("nc");
    const std::string name = uniqueName("ncx");
    checkError(send("POST", "/api/v1/users", account.token, userBody(name, name + "@example.com")),
               403, "FORBIDDEN");
    rapidjson::Document none = checkSuccess(list("?search=" + name, admin().token), 200);
    BOOST_CHECK_EQUAL(intAt(none, "meta.total").value_or(-1), 0);
}

BOOST_AUTO_TEST_CASE(normal_user_cannot_delete_anyone_not_even_self) {
    Account account = registerAccount("nd");
    Account other = registerAccount("ndo");
    checkError(send("DELETE", userPath(other.id), account.token), 403, "FORBIDDEN");
    checkError(send("DELETE", userPath(account.id), account.token), 403, "FORBIDDEN");
    adminGet(other.id);
    adminGet(account.id);
}

BOOST_AUTO_TEST_CASE(user_cannot_put_or_patch_another_user) {
    Account attacker = registerAccount("bola");
    Account victim = registerAccount("victim");
    const std::string before = adminView(victim.id);
    const std::string name = uniqueName("pwn");

    checkError(send("PATCH", userPath(victim.id), attacker.token,
                    object({{"email", str(name + "@example.com")}})),
               403, "FORBIDDEN");
    checkError(send("PATCH", userPath(victim.id), attacker.token,
                    object({{"password", str("Hijack3dPw")}})),
               403, "FORBIDDEN");
    checkError(send("PUT", userPath(victim.id), attacker.token,
                    object({{"email", str(name + "@example.com")},
                            {"username", str(name)},
                            {"password", str("Hijack3dPw")}})),
               403, "FORBIDDEN");

    BOOST_CHECK_EQUAL(adminView(victim.id), before);
    checkSuccess(send("GET", "/api/v1/auth/me", victim.token), 200);
    checkSuccess(login(victim.email, victim.password), 200);
}

BOOST_AUTO_TEST_CASE(non_admin_sending_role_is_403_even_on_self) {
    Account account = registerAccount("role");
    const std::string before = adminView(account.id);
    const std::string name = uniqueName("role2");
    for (const char* role : {"admin", "user"}) {
        BOOST_TEST_CONTEXT("role " << role) {
            checkError(send("PATCH", userPath(account.id), account.token,
                            object({{"username", str(name)}, {"role", str(role)}})),
                       403, "FORBIDDEN");
            checkError(send("PUT", userPath(account.id), account.token,
                            object({{"email", str(account.email)},
                                    {"username", str(name)},
                                    {"role", str(role)}})),
                       403, "FORBIDDEN");
        }
    }
    BOOST_CHECK_EQUAL(adminView(account.id), before);
    checkError(send("POST", "/api/v1/users", account.token, userBody(name, name + "@example.com")),
               403, "FORBIDDEN");
}

BOOST_AUTO_TEST_CASE(user_may_update_self) {
    Account account = registerAccount("self");
    const std::string name = uniqueName("self2");
    rapidjson::Document body = checkSuccess(
        send("PATCH", userPath(account.id), account.token, object({{"username", str(name)}})), 200);
    BOOST_CHECK(memberNames(jsonAt(body, "data")) == kOwnView);
    BOOST_CHECK_EQUAL(jsonString(body, "data.username"), name);
}

BOOST_AUTO_TEST_CASE(admin_may_change_another_users_role_and_fields) {
    Account account = registerAccount("promo");
    const std::string name = uniqueName("promo2");
    rapidjson::Document body =
        checkSuccess(send("PATCH", userPath(account.id), admin().token,
                          object({{"role", str("admin")}, {"username", str(name)}})),
                     200);
    BOOST_CHECK_EQUAL(jsonString(body, "data.role"), "admin");
    BOOST_CHECK_EQUAL(jsonString(body, "data.username"), name);
    BOOST_CHECK_EQUAL(jsonString(body, "data.email"), account.email);

    relogin(account);
    BOOST_CHECK_EQUAL(jsonString(tokenPayload(account.token), "role"), "admin");
    const std::string created = uniqueName("bypromo");
    checkSuccess(
        send("POST", "/api/v1/users", account.token, userBody(created, created + "@example.com")),
        201);

    checkValidation(
        send("PATCH", userPath(account.id), admin().token, object({{"role", str("owner")}})),
        {{"role", "body"}});
}

BOOST_AUTO_TEST_SUITE_END()
