// SPDX-License-Identifier: Apache-2.0
// Posts through nginx (docs/api.md "Resources", "Lists", "Validation rules"):
// create with the caller as author, the field rules in JSON and form bodies, lists
// with filters, sorts, literal search and cursors, the visibility of
// unpublished posts, author-or-admin writes, and GET /users/{id}/posts.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;

namespace {

const std::vector<std::string> kPostMembers = {"author", "authorId",  "body",  "createdAt",
                                               "id",     "published", "title", "updatedAt"};
const std::string kEmoji = "\xF0\x9F\x98\x80";  // U+1F600: one code point, four bytes

std::string postPath(int64_t id) { return "/api/v1/posts/" + std::to_string(id); }

std::string postBody(const std::string& title, const std::string& body = "Body text") {
    return object({{"title", str(title)}, {"body", str(body)}});
}

HttpResponse createRaw(const Account& author, const std::string& jsonBody) {
    return send("POST", "/api/v1/posts", author.token, jsonBody);
}

HttpResponse list(const std::string& query, const std::string& token) {
    return send("GET", "/api/v1/posts" + query, token);
}

std::string repeat(const std::string& unit, size_t times) {
    std::string out;
    for (size_t i = 0; i < times; ++i) out += unit;
    return out;
}

// The post as the admin sees it, serialised, for "nothing changed" checks.
std::string adminView(int64_t id) {
    HttpResponse response = send("GET", postPath(id), admin().token);
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    rapidjson::Document body = json(response.body);
    return jsonDump(*jsonAt(body, "data"));
}

std::string idList(const std::vector<int64_t>& ids) {
    std::string text;
    for (int64_t id : ids) text += (text.empty() ? "" : " ") + std::to_string(id);
    return "[" + text + "]";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(posts_create)

BOOST_AUTO_TEST_CASE(create_returns_201_with_location_and_the_caller_as_author) {
    Account author = registerAccount("pa");
    HttpResponse response = createRaw(author, postBody("First post", "Hello, world"));
    rapidjson::Document body = checkSuccess(response, 201);
    const int64_t id = intAt(body, "data.id").value_or(0);
    BOOST_CHECK_GT(id, 0);
    BOOST_CHECK(memberNames(jsonAt(body, "data")) == kPostMembers);
    BOOST_CHECK(
        (memberNames(jsonAt(body, "data.author")) == std::vector<std::string>{"id", "username"}));
    BOOST_CHECK_EQUAL(intAt(body, "data.authorId").value_or(0), author.id);
    BOOST_CHECK_EQUAL(intAt(body, "data.author.id").value_or(0), author.id);
    BOOST_CHECK_EQUAL(jsonString(body, "data.author.username"), author.username);
    BOOST_CHECK_EQUAL(jsonString(body, "data.title"), "First post");
    BOOST_CHECK_EQUAL(jsonString(body, "data.body"), "Hello, world");
    const rapidjson::Value* published = jsonAt(body, "data.published");
    BOOST_CHECK(published != nullptr && published->IsTrue());
    BOOST_CHECK(isIsoMillis(jsonString(body, "data.createdAt")));
    BOOST_CHECK(isIsoMillis(jsonString(body, "data.updatedAt")));

    const std::string location = response.header("Location").value_or("<none>");
    BOOST_CHECK_EQUAL(location, postPath(id));
    rapidjson::Document fetched = checkSuccess(send("GET", location, author.token), 200);
    BOOST_CHECK_EQUAL(jsonDump(*jsonAt(fetched, "data")), jsonDump(*jsonAt(body, "data")));
}

BOOST_AUTO_TEST_CASE(author_id_and_other_server_fields_in_the_body_are_400_unknown_field) {
    Account author = registerAccount("pu");
    Account other = registerAccount("puo");
    const std::string title = uniqueName("mass");
    std::vector<Detail> found =
        checkValidation(createRaw(author, object({{"title", str(title)},
                                                  {"body", str("x")},
                                                  {"authorId", std::to_string(other.id)},
                                                  {"id", "1"},
                                                  {"createdAt", str("2000-01-01T00:00:00.000Z")}})),
                        {{"authorId", "body"}, {"id", "body"}, {"createdAt", "body"}});
    for (const Detail& d : found) {
        BOOST_CHECK_MESSAGE(iequals(d.message, "Unknown field"), "message: " << d.message);
    }
    rapidjson::Document none = checkSuccess(list("?search=" + title, admin().token), 200);
    BOOST_CHECK_EQUAL(intAt(none, "meta.total").value_or(-1), 0);
}

BOOST_AUTO_TEST_CASE(title_is_trimmed) {
    Account author = registerAccount("pt");
    rapidjson::Document body = checkSuccess(createRaw(author, postBody(" \t Spaced title  ")), 201);
    BOOST_CHECK_EQUAL(jsonString(body, "data.title"), "Spaced title");
}

BOOST_AUTO_TEST_CASE(title_length_counts_code_points_from_1_to_200) {
    Account author = registerAccount("pl");
    for (const std::string& title : {repeat(kEmoji, 200), std::string(200, 't'), std::string("a"),
                                     "  " + std::string(200, 'u') + "  "}) {
        BOOST_TEST_CONTEXT("title of " << title.size() << " bytes") {
            rapidjson::Document body = checkSuccess(createRaw(author, postBody(title)), 201);
            std::string expected = title;
            expected.erase(0, expected.find_first_not_of(' '));
            expected.erase(expected.find_last_not_of(' ') + 1);
            BOOST_CHECK(jsonString(body, "data.title") == expected);
        }
    }
    for (const std::string& title :
         {repeat(kEmoji, 201), std::string(201, 't'), std::string(), std::string("   ")}) {
        BOOST_TEST_CONTEXT("title of " << title.size() << " bytes") {
            checkValidation(createRaw(author, postBody(title)), {{"title", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(body_length_is_1_to_50000_characters) {
    Account author = registerAccount("pb");
    rapidjson::Document big =
        checkSuccess(createRaw(author, postBody("big", std::string(50000, 'b'))), 201);
    BOOST_CHECK_EQUAL(jsonString(big, "data.body").size(), 50000u);
    checkValidation(createRaw(author, postBody("too big", std::string(50001, 'b'))),
                    {{"body", "body"}});
    checkValidation(createRaw(author, postBody("empty", "")), {{"body", "body"}});
}

BOOST_AUTO_TEST_CASE(missing_title_and_body_are_each_required) {
    Account author = registerAccount("pr");
    std::vector<Detail> found =
        checkValidation(createRaw(author, "{}"), {{"title", "body"}, {"body", "body"}});
    for (const Detail& d : found) BOOST_CHECK_EQUAL(d.message, "Field is required");
    checkValidation(createRaw(author, object({{"published", "false"}})),
                    {{"title", "body"}, {"body", "body"}});
}

BOOST_AUTO_TEST_CASE(published_in_json_must_be_a_boolean) {
    Account author = registerAccount("pj");
    rapidjson::Document draft = checkSuccess(
        createRaw(author,
                  object({{"title", str("draft")}, {"body", str("b")}, {"published", "false"}})),
        201);
    const rapidjson::Value* published = jsonAt(draft, "data.published");
    BOOST_CHECK(published != nullptr && published->IsFalse());
    for (const char* value : {"\"true\"", "\"yes\"", "1", "0", "null", "[]"}) {
        BOOST_TEST_CONTEXT("published " << value) {
            checkValidation(
                createRaw(author,
                          object({{"title", str("t")}, {"body", str("b")}, {"published", value}})),
                {{"published", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(form_published_accepts_true_false_1_0_and_rejects_yes) {
    Account author = registerAccount("pfm");
    const std::pair<const char*, bool> accepted[] = {
        {"true", true}, {"false", false}, {"1", true}, {"0", false}};
    for (bool useMultipart : {false, true}) {
        for (const auto& [value, expected] : accepted) {
            BOOST_TEST_CONTEXT((useMultipart ? "multipart" : "urlencoded")
                               << " published=" << value) {
                const std::vector<std::pair<std::string, std::string>> fields = {
                    {"title", "form post"}, {"body", "form body"}, {"published", value}};
                HttpResponse response =
                    useMultipart ? sendRaw("POST", "/api/v1/posts", author.token, multipartType(),
                                           multipart(fields))
                                 : sendRaw("POST", "/api/v1/posts", author.token,
                                           "application/x-www-form-urlencoded", urlEncoded(fields));
                rapidjson::Document body = checkSuccess(response, 201);
                const rapidjson::Value* published = jsonAt(body, "data.published");
                BOOST_CHECK(published != nullptr && published->IsBool() &&
                            published->GetBool() == expected);
                BOOST_CHECK_EQUAL(jsonString(body, "data.title"), "form post");
            }
        }
        BOOST_TEST_CONTEXT((useMultipart ? "multipart" : "urlencoded") << " published=yes") {
            const std::vector<std::pair<std::string, std::string>> fields = {
                {"title", "form post"}, {"body", "form body"}, {"published", "yes"}};
            checkValidation(useMultipart
                                ? sendRaw("POST", "/api/v1/posts", author.token, multipartType(),
                                          multipart(fields))
                                : sendRaw("POST", "/api/v1/posts", author.token,
                                          "application/x-www-form-urlencoded", urlEncoded(fields)),
                            {{"published", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(sql_metacharacters_in_title_and_body_are_stored_verbatim) {
    Account author = registerAccount("psql");
    const std::string tag = uniqueName("inj");
    const std::string titles[] = {
        tag + " '; DROP TABLE users; --",
        tag + " Robert'); DROP TABLE posts;--",
        tag + " \" OR \"1\"=\"1",
        tag + " back\\slash \\' \\\" \\\\ end\\",
        tag + " 100% _wild_ [x] ^$ `tick` /* c */ #",
        tag + " null\\0 char? and \xE2\x80\x8B zero-width",
    };
    std::vector<int64_t> ids;
    for (const std::string& title : titles) {
        BOOST_TEST_CONTEXT("title " << title) {
            const std::string text = "body of " + title + "\n-- ' \" \\";
            rapidjson::Document created =
                checkSuccess(createRaw(author, postBody(title, text)), 201);
            const int64_t id = intAt(created, "data.id").value_or(0);
            ids.push_back(id);
            rapidjson::Document fetched =
                checkSuccess(send("GET", postPath(id), author.token), 200);
            BOOST_CHECK(jsonString(fetched, "data.title") == title);
            BOOST_CHECK(jsonString(fetched, "data.body") == text);
        }
    }
    rapidjson::Document all =
        checkSuccess(list("?limit=100&sort=id&search=" + tag, author.token), 200);
    BOOST_CHECK_MESSAGE(idsAt(all) == ids, idList(idsAt(all)) << " vs " << idList(ids));
    // The tables are still there.
    checkSuccess(send("GET", "/api/v1/users?limit=1", author.token), 200);
    checkSuccess(list("?limit=1", author.token), 200);
}

// The insert itself checks the token's version (one statement instead of a
// lookup and an insert). Revoked and orphaned tokens get 401, before a
// body's 400, and nothing is written; a fresh token of the same user works.
BOOST_AUTO_TEST_CASE(create_with_a_revoked_or_orphaned_token_is_401_and_writes_nothing) {
    Account revoked = registerAccount("prv");
    Account orphan = registerAccount("pro");
    checkSuccess(send("POST", "/api/v1/auth/logout-all", revoked.token), 200);
    checkSuccess(send("DELETE", "/api/v1/users/" + std::to_string(orphan.id), admin().token), 200);
    for (const Account* caller : {&revoked, &orphan}) {
        for (const std::string& body :
             {postBody("Revoked", "Not written"), std::string(R"({"title":""})")}) {
            BOOST_TEST_CONTEXT(caller->username << " POST " << body) {
                checkError(createRaw(*caller, body), 401, "UNAUTHORIZED");
            }
        }
        auto written =
            sql("SELECT COUNT(*) FROM posts WHERE author_id = " + std::to_string(caller->id));
        BOOST_REQUIRE(written);
        BOOST_CHECK_EQUAL(std::stoll(*written), 0);
    }
    relogin(revoked);
    rapidjson::Document created = checkSuccess(createRaw(revoked, postBody("Again", "Fresh")), 201);
    BOOST_CHECK_EQUAL(intAt(created, "data.authorId").value_or(0), revoked.id);
    BOOST_CHECK_EQUAL(jsonString(created, "data.author.username"), revoked.username);
}

BOOST_AUTO_TEST_CASE(create_without_token_is_401) {
    HttpResponse response = send("POST", "/api/v1/posts", {}, postBody("anonymous"));
    checkError(response, 401, "UNAUTHORIZED");
    BOOST_CHECK(response.header("WWW-Authenticate").value_or("").starts_with("Bearer"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(posts_read)

BOOST_AUTO_TEST_CASE(missing_post_is_404_and_bad_ids_are_400_in_path) {
    Account reader = registerAccount("pr");
    checkError(send("GET", postPath(999999999), reader.token), 404, "NOT_FOUND");
    for (const char* id : {"abc", "0", "-3", "2.0"}) {
        BOOST_TEST_CONTEXT("id " << id) {
            checkValidation(send("GET", std::string("/api/v1/posts/") + id, reader.token),
                            {{"id", "path"}});
        }
    }
    checkError(send("GET", postPath(1)), 401, "UNAUTHORIZED");
    checkError(send("GET", "/api/v1/posts"), 401, "UNAUTHORIZED");
}

BOOST_AUTO_TEST_CASE(list_filters_by_author_and_reports_page_meta) {
    Account author = registerAccount("pla");
    Account reader = registerAccount("plr");
    std::vector<int64_t> ids;
    for (int i = 0; i < 3; ++i) ids.push_back(createPost(author, "by author " + std::to_string(i)));
    createPost(reader, "by reader");

    rapidjson::Document body = checkSuccess(
        list("?sort=id&limit=2&authorId=" + std::to_string(author.id), reader.token), 200);
    BOOST_CHECK((memberNames(jsonAt(body, "meta")) ==
                 std::vector<std::string>{"limit", "nextCursor", "page", "total", "totalPages"}));
    BOOST_CHECK_EQUAL(intAt(body, "meta.total").value_or(0), 3);
    BOOST_CHECK_EQUAL(intAt(body, "meta.totalPages").value_or(0), 2);
    BOOST_CHECK((idsAt(body) == std::vector<int64_t>{ids[0], ids[1]}));
    const rapidjson::Value* data = jsonAt(body, "data");
    BOOST_REQUIRE(data != nullptr && data->IsArray());
    for (const auto& post : data->GetArray()) {
        BOOST_CHECK(memberNames(&post) == kPostMembers);
        BOOST_CHECK_EQUAL(intAt(post, "authorId").value_or(0), author.id);
        BOOST_CHECK_EQUAL(jsonString(post, "author.username"), author.username);
    }
    rapidjson::Document second = checkSuccess(
        list("?sort=id&limit=2&page=2&authorId=" + std::to_string(author.id), reader.token), 200);
    BOOST_CHECK((idsAt(second) == std::vector<int64_t>{ids[2]}));
}

BOOST_AUTO_TEST_CASE(list_filters_by_published) {
    Account author = registerAccount("plp");
    const std::string tag = uniqueName("pub");
    const int64_t one = createPost(author, tag + " one", true);
    const int64_t two = createPost(author, tag + " two", true);
    const int64_t draft = createPost(author, tag + " draft", false);

    rapidjson::Document published =
        checkSuccess(list("?sort=id&published=true&search=" + tag, author.token), 200);
    BOOST_CHECK((idsAt(published) == std::vector<int64_t>{one, two}));
    rapidjson::Document drafts =
        checkSuccess(list("?sort=id&published=false&search=" + tag, author.token), 200);
    BOOST_CHECK((idsAt(drafts) == std::vector<int64_t>{draft}));
    rapidjson::Document all = checkSuccess(list("?sort=id&search=" + tag, author.token), 200);
    BOOST_CHECK((idsAt(all) == std::vector<int64_t>{one, two, draft}));
}

BOOST_AUTO_TEST_CASE(invalid_list_parameters_are_400_in_query) {
    Account reader = registerAccount("plq");
    const std::pair<std::string, std::string> cases[] = {
        {"?authorId=abc", "authorId"},
        {"?authorId=0", "authorId"},
        {"?published=yes", "published"},
        {"?sort=body", "sort"},
        {"?sort=-author", "sort"},
        {"?limit=101", "limit"},
        {"?page=0", "page"},
        {"?search=" + std::string(101, 's'), "search"},
    };
    for (const auto& [query, field] : cases) {
        BOOST_TEST_CONTEXT("GET /api/v1/posts" << query) {
            checkValidation(list(query, reader.token), {{field, "query"}});
        }
    }
}

// An offset page reads and skips every row before it: past page * limit =
// 50,000 the list is refused at once, naming `page` and the bound and
// pointing to `cursor`, whose cost does not grow with the depth.
BOOST_AUTO_TEST_CASE(offset_past_the_maximum_is_400_naming_page_and_cursor) {
    Account reader = registerAccount("pdeep");
    for (const std::string query :
         {"?page=1000000", "?page=2501", "?limit=100&page=501", "?limit=1&page=50001&search=x"}) {
        BOOST_TEST_CONTEXT("GET /api/v1/posts" << query) {
            auto found = checkValidation(list(query, reader.token), {{"page", "query"}});
            for (const Detail& d : found) {
                BOOST_TEST(d.message.find("50000") != std::string::npos);
                BOOST_TEST(d.message.find("cursor") != std::string::npos);
            }
        }
    }
    for (const std::string query : {"?page=2500", "?limit=100&page=500", "?limit=1&page=50000"}) {
        BOOST_TEST_CONTEXT("GET /api/v1/posts" << query) {
            checkSuccess(list(query, reader.token), 200);
        }
    }
    // With a cursor, `page` is ignored, however large.
    const std::string tag = uniqueName("pdeep");
    for (int i = 0; i < 2; ++i) {
        HttpResponse created = createRaw(reader, postBody(tag + " " + std::to_string(i)));
        BOOST_REQUIRE_MESSAGE(created.status == 201, created.summary());
    }
    rapidjson::Document first = checkSuccess(list("?limit=1&search=" + tag, reader.token), 200);
    const rapidjson::Value* next = jsonAt(first, "meta.nextCursor");
    BOOST_REQUIRE(next != nullptr && next->IsString());
    rapidjson::Document second = checkSuccess(
        list("?limit=1&page=1000000&search=" + tag + "&cursor=" + queryEscape(next->GetString()),
             reader.token),
        200);
    BOOST_TEST(idsAt(second).size() == 1u);
}

BOOST_AUTO_TEST_CASE(sort_by_title_ignores_case_and_id_and_created_at_follow_insertion) {
    Account author = registerAccount("pso");
    const std::string tag = uniqueName("tsort");
    const int64_t c = createPost(author, tag + " c");
    const int64_t a = createPost(author, tag + " a");
    const int64_t b = createPost(author, tag + " B");

    auto ids = [&](const std::string& sort) {
        return idsAt(checkSuccess(list("?sort=" + sort + "&search=" + tag, author.token), 200));
    };
    BOOST_CHECK((ids("title") == std::vector<int64_t>{a, b, c}));
    BOOST_CHECK((ids("-title") == std::vector<int64_t>{c, b, a}));
    BOOST_CHECK((ids("id") == std::vector<int64_t>{c, a, b}));
    BOOST_CHECK((ids("-id") == std::vector<int64_t>{b, a, c}));
    BOOST_CHECK((ids("createdAt") == std::vector<int64_t>{c, a, b}));
    BOOST_CHECK((ids("-createdAt") == std::vector<int64_t>{b, a, c}));
}

BOOST_AUTO_TEST_CASE(search_over_title_is_literal_and_case_insensitive) {
    Account author = registerAccount("pse");
    const std::string tag = uniqueName("tsrch");
    const int64_t percent = createPost(author, tag + " 100% done");
    createPost(author, tag + " 100x done");
    const int64_t underscore = createPost(author, tag + " a_b");
    createPost(author, tag + " axb");
    // The body is not searched.
    createPost(author, "unrelated title", true, tag + " in the body only");

    auto ids = [&](const std::string& search) {
        return idsAt(
            checkSuccess(list("?sort=id&search=" + queryEscape(search), author.token), 200));
    };
    BOOST_CHECK((ids(tag + " 100%") == std::vector<int64_t>{percent}));
    BOOST_CHECK((ids(tag + " a_b") == std::vector<int64_t>{underscore}));
    std::string upper = tag;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    BOOST_CHECK_EQUAL(ids(upper).size(), 4u);
}

BOOST_AUTO_TEST_CASE(cursor_walk_visits_every_post_once) {
    Account author = registerAccount("pcw");
    const std::string tag = uniqueName("pcur");
    std::vector<int64_t> created;
    for (int i = 0; i < 8; ++i)
        created.push_back(createPost(author, tag + " " + std::to_string(i)));

    std::vector<int64_t> seen;
    HttpResponse response = list("?limit=3&search=" + tag, author.token);
    for (int page = 0; page < 10; ++page) {
        rapidjson::Document body = checkSuccess(response, 200);
        for (int64_t id : idsAt(body)) seen.push_back(id);
        const rapidjson::Value* next = jsonAt(body, "meta.nextCursor");
        BOOST_REQUIRE(next != nullptr && (next->IsNull() || next->IsString()));
        if (next->IsNull()) break;
        response = list("?limit=3&search=" + tag + "&cursor=" + queryEscape(next->GetString()),
                        author.token);
    }
    // Default sort: newest first.
    BOOST_CHECK_MESSAGE(std::vector<int64_t>(created.rbegin(), created.rend()) == seen,
                        "walk " << idList(seen));
    // A cursor from the posts list is bound to its sort.
    rapidjson::Document first = checkSuccess(list("?limit=3&search=" + tag, author.token), 200);
    checkValidation(list("?limit=3&sort=title&search=" + tag +
                             "&cursor=" + queryEscape(jsonString(first, "meta.nextCursor")),
                         author.token),
                    {{"cursor", "query"}});
    // ...and to its resource: a users cursor of the same sort is refused.
    rapidjson::Document users =
        checkSuccess(send("GET", "/api/v1/users?limit=1", author.token), 200);
    checkValidation(
        list("?limit=3&cursor=" + queryEscape(jsonString(users, "meta.nextCursor")), author.token),
        {{"cursor", "query"}});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(posts_visibility)

BOOST_AUTO_TEST_CASE(unpublished_post_is_invisible_to_other_users) {
    Account author = registerAccount("pva");
    Account other = registerAccount("pvo");
    const std::string tag = uniqueName("hidden");
    const int64_t draft = createPost(author, tag + " draft", false);
    const int64_t visible = createPost(author, tag + " public", true);

    checkError(send("GET", postPath(draft), other.token), 404, "NOT_FOUND");
    checkSuccess(send("GET", postPath(visible), other.token), 200);

    rapidjson::Document search = checkSuccess(list("?search=" + tag, other.token), 200);
    BOOST_CHECK((idsAt(search) == std::vector<int64_t>{visible}));
    BOOST_CHECK_EQUAL(intAt(search, "meta.total").value_or(-1), 1);
    rapidjson::Document drafts = checkSuccess(
        list("?published=false&authorId=" + std::to_string(author.id), other.token), 200);
    BOOST_CHECK(idsAt(drafts).empty());
    BOOST_CHECK_EQUAL(intAt(drafts, "meta.total").value_or(-1), 0);
    rapidjson::Document byUser = checkSuccess(
        send("GET", "/api/v1/users/" + std::to_string(author.id) + "/posts", other.token), 200);
    BOOST_CHECK((idsAt(byUser) == std::vector<int64_t>{visible}));
}

BOOST_AUTO_TEST_CASE(unpublished_post_is_visible_to_its_author_and_admins) {
    Account author = registerAccount("pvv");
    const std::string tag = uniqueName("draft");
    const int64_t draft = createPost(author, tag + " draft", false);

    for (const Account* viewer : std::vector<const Account*>{&author, &admin()}) {
        BOOST_TEST_CONTEXT("viewer " << viewer->username) {
            rapidjson::Document body =
                checkSuccess(send("GET", postPath(draft), viewer->token), 200);
            const rapidjson::Value* published = jsonAt(body, "data.published");
            BOOST_CHECK(published != nullptr && published->IsFalse());
            rapidjson::Document search = checkSuccess(list("?search=" + tag, viewer->token), 200);
            BOOST_CHECK((idsAt(search) == std::vector<int64_t>{draft}));
            rapidjson::Document byUser = checkSuccess(
                send("GET", "/api/v1/users/" + std::to_string(author.id) + "/posts", viewer->token),
                200);
            BOOST_CHECK((idsAt(byUser) == std::vector<int64_t>{draft}));
        }
    }
}

BOOST_AUTO_TEST_CASE(another_users_unpublished_post_cannot_be_edited_or_deleted) {
    Account author = registerAccount("pve");
    Account other = registerAccount("pveo");
    const int64_t draft = createPost(author, "secret draft", false);
    const std::string before = adminView(draft);
    checkError(send("PATCH", postPath(draft), other.token, object({{"title", str("mine")}})), 404,
               "NOT_FOUND");
    checkError(send("PUT", postPath(draft), other.token, postBody("mine")), 404, "NOT_FOUND");
    checkError(send("DELETE", postPath(draft), other.token), 404, "NOT_FOUND");
    BOOST_CHECK_EQUAL(adminView(draft), before);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(posts_write)

BOOST_AUTO_TEST_CASE(author_may_patch_title_body_and_published) {
    Account author = registerAccount("pwp");
    const int64_t id = createPost(author, "original title", true, "original body");
    rapidjson::Document before = json(send("GET", postPath(id), author.token).body);

    rapidjson::Document titled = checkSuccess(
        send("PATCH", postPath(id), author.token, object({{"title", str("  new title ")}})), 200);
    BOOST_CHECK_EQUAL(jsonString(titled, "data.title"), "new title");
    BOOST_CHECK_EQUAL(jsonString(titled, "data.body"), "original body");
    BOOST_CHECK_EQUAL(intAt(titled, "data.authorId").value_or(0), author.id);
    BOOST_CHECK_EQUAL(jsonString(titled, "data.createdAt"), jsonString(before, "data.createdAt"));
    BOOST_CHECK_GE(jsonString(titled, "data.updatedAt"), jsonString(before, "data.updatedAt"));

    rapidjson::Document hidden =
        checkSuccess(send("PATCH", postPath(id), author.token,
                          object({{"body", str("new body")}, {"published", "false"}})),
                     200);
    BOOST_CHECK_EQUAL(jsonString(hidden, "data.title"), "new title");
    BOOST_CHECK_EQUAL(jsonString(hidden, "data.body"), "new body");
    const rapidjson::Value* published = jsonAt(hidden, "data.published");
    BOOST_CHECK(published != nullptr && published->IsFalse());
}

BOOST_AUTO_TEST_CASE(put_requires_title_and_body_and_resets_published_to_true) {
    Account author = registerAccount("pwr");
    const int64_t id = createPost(author, "draft", false);
    checkValidation(send("PUT", postPath(id), author.token, "{}"),
                    {{"title", "body"}, {"body", "body"}});
    checkValidation(send("PUT", postPath(id), author.token, object({{"title", str("t")}})),
                    {{"body", "body"}});
    rapidjson::Document body =
        checkSuccess(send("PUT", postPath(id), author.token, postBody("replaced", "new")), 200);
    BOOST_CHECK_EQUAL(jsonString(body, "data.title"), "replaced");
    BOOST_CHECK_EQUAL(jsonString(body, "data.body"), "new");
    const rapidjson::Value* published = jsonAt(body, "data.published");
    BOOST_CHECK(published != nullptr && published->IsTrue());
}

BOOST_AUTO_TEST_CASE(patch_with_an_empty_object_or_broken_fields_is_400_and_changes_nothing) {
    Account author = registerAccount("pwe");
    Account other = registerAccount("pweo");
    const int64_t id = createPost(author, "stable");
    const std::string before = adminView(id);
    checkError(send("PATCH", postPath(id), author.token, "{}"), 400, "VALIDATION_ERROR");
    checkValidation(send("PATCH", postPath(id), author.token,
                         object({{"title", str("ok")}, {"authorId", std::to_string(other.id)}})),
                    {{"authorId", "body"}});
    checkValidation(send("PATCH", postPath(id), author.token,
                         object({{"title", str(std::string(201, 'x'))},
                                 {"body", str("")},
                                 {"published", str("yes")}})),
                    {{"title", "body"}, {"body", "body"}, {"published", "body"}});
    checkValidation(send("PATCH", postPath(id), author.token, object({{"title", str("   ")}})),
                    {{"title", "body"}});
    BOOST_CHECK_EQUAL(adminView(id), before);
}

BOOST_AUTO_TEST_CASE(other_user_cannot_put_patch_or_delete_a_published_post) {
    Account author = registerAccount("pwo");
    Account other = registerAccount("pwoo");
    const int64_t id = createPost(author, "not yours");
    const std::string before = adminView(id);
    checkError(send("PATCH", postPath(id), other.token, object({{"title", str("stolen")}})), 403,
               "FORBIDDEN");
    checkError(send("PUT", postPath(id), other.token, postBody("stolen")), 403, "FORBIDDEN");
    checkError(send("DELETE", postPath(id), other.token), 403, "FORBIDDEN");
    BOOST_CHECK_EQUAL(adminView(id), before);
}

BOOST_AUTO_TEST_CASE(admin_may_put_patch_and_delete_any_post_without_taking_it_over) {
    Account author = registerAccount("pwa");
    const int64_t id = createPost(author, "moderated");
    rapidjson::Document patched = checkSuccess(
        send("PATCH", postPath(id), admin().token, object({{"title", str("moderated!")}})), 200);
    BOOST_CHECK_EQUAL(jsonString(patched, "data.title"), "moderated!");
    BOOST_CHECK_EQUAL(intAt(patched, "data.authorId").value_or(0), author.id);
    rapidjson::Document replaced = checkSuccess(
        send("PUT", postPath(id), admin().token, postBody("replaced", "by admin")), 200);
    BOOST_CHECK_EQUAL(intAt(replaced, "data.authorId").value_or(0), author.id);
    BOOST_CHECK_EQUAL(jsonString(replaced, "data.author.username"), author.username);
    checkSuccess(send("DELETE", postPath(id), admin().token), 200);
    checkError(send("GET", postPath(id), author.token), 404, "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(delete_returns_200_with_the_id_then_the_post_is_gone) {
    Account author = registerAccount("pwd");
    const int64_t id = createPost(author, "short-lived");
    HttpResponse response = send("DELETE", postPath(id), author.token);
    rapidjson::Document body = checkSuccess(response, 200);
    BOOST_CHECK((memberNames(&body) == std::vector<std::string>{"data", "message", "success"}));
    BOOST_CHECK_EQUAL(jsonString(body, "message"), "Post deleted");
    BOOST_CHECK((memberNames(jsonAt(body, "data")) == std::vector<std::string>{"id"}));
    BOOST_CHECK_EQUAL(intAt(body, "data.id").value_or(0), id);

    checkError(send("GET", postPath(id), author.token), 404, "NOT_FOUND");
    checkError(send("DELETE", postPath(id), author.token), 404, "NOT_FOUND");
    checkError(send("PATCH", postPath(id), author.token, object({{"title", str("x")}})), 404,
               "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(writes_without_token_are_401) {
    Account author = registerAccount("pwn");
    const int64_t id = createPost(author, "guarded");
    checkError(send("PATCH", postPath(id), {}, object({{"title", str("x")}})), 401, "UNAUTHORIZED");
    checkError(send("PUT", postPath(id), {}, postBody("x")), 401, "UNAUTHORIZED");
    checkError(send("DELETE", postPath(id)), 401, "UNAUTHORIZED");
    checkSuccess(send("GET", postPath(id), author.token), 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(posts_of_user)

BOOST_AUTO_TEST_CASE(lists_only_that_users_posts) {
    Account author = registerAccount("pou");
    Account other = registerAccount("pouo");
    const int64_t first = createPost(author, "mine 1");
    const int64_t second = createPost(author, "mine 2");
    createPost(other, "not theirs");

    const std::string path = "/api/v1/users/" + std::to_string(author.id) + "/posts";
    rapidjson::Document body = checkSuccess(send("GET", path + "?sort=id", other.token), 200);
    BOOST_CHECK((idsAt(body) == std::vector<int64_t>{first, second}));
    BOOST_CHECK_EQUAL(intAt(body, "meta.total").value_or(0), 2);

    rapidjson::Document paged = checkSuccess(send("GET", path + "?limit=1", other.token), 200);
    BOOST_CHECK((idsAt(paged) == std::vector<int64_t>{second}));  // newest first
    BOOST_CHECK_EQUAL(intAt(paged, "meta.totalPages").value_or(0), 2);
    const rapidjson::Value* next = jsonAt(paged, "meta.nextCursor");
    BOOST_REQUIRE(next != nullptr && next->IsString());
    rapidjson::Document rest = checkSuccess(
        send("GET", path + "?limit=1&cursor=" + queryEscape(next->GetString()), other.token), 200);
    BOOST_CHECK((idsAt(rest) == std::vector<int64_t>{first}));
}

BOOST_AUTO_TEST_CASE(posts_of_a_missing_user_are_404_and_bad_ids_400) {
    Account reader = registerAccount("poum");
    checkError(send("GET", "/api/v1/users/999999999/posts", reader.token), 404, "NOT_FOUND");
    checkValidation(send("GET", "/api/v1/users/abc/posts", reader.token), {{"id", "path"}});
    checkValidation(send("GET", "/api/v1/users/0/posts", reader.token), {{"id", "path"}});
    checkError(send("GET", "/api/v1/users/1/posts"), 401, "UNAUTHORIZED");
}

BOOST_AUTO_TEST_SUITE_END()
