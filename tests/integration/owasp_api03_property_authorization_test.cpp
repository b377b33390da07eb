// SPDX-License-Identifier: Apache-2.0
// OWASP API3:2023 Broken Object Property Level Authorization, for restd.
//
// Both halves of the item, for every resource:
// - mass assignment: a body may carry only the fields the contract lists for
//   that route; `id`, `authorId`, `role` (unless the caller is an admin),
//   `passwordHash`, `tokenVersion`, `createdAt`, `updatedAt` are refused
//   (400 unknown field, or 403 for `role`) and nothing is stored;
// - excessive data exposure: no response carries a password hash (every
//   response of this suite passes api::send's check) or a refresh token
//   outside the auth results, another user's email is never shown, and a
//   search by email finds other users only for admins (else a search would
//   be an oracle for a property the caller may not read).
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
    Account user = registerAccount("a3u");
    Account other = registerAccount("a3o");
};

People& people() {
    static People p;
    return p;
}

const std::vector<std::string> kUserMembers = {"createdAt", "email",     "id",
                                               "role",      "updatedAt", "username"};

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api03_property_authorization)

BOOST_AUTO_TEST_CASE(register_refuses_role_and_internal_fields_and_creates_no_account) {
    for (const auto& [field, value] :
         std::vector<std::pair<std::string, std::string>>{{"role", str("admin")},
                                                          {"id", "1"},
                                                          {"passwordHash", str("$2b$04$x")},
                                                          {"tokenVersion", "7"},
                                                          {"createdAt", str("2000-01-01")}}) {
        const std::string name = uniqueName("a3r");
        std::string body = object({{"email", str(name + "@example.com")},
                                   {"username", str(name)},
                                   {"password", str(kPassword)}});
        body.pop_back();
        body += "," + str(field) + ":" + value + "}";
        BOOST_TEST_CONTEXT(field) {
            checkValidation(send("POST", "/api/v1/auth/register", {}, body), {{field, "body"}});
            BOOST_CHECK_EQUAL(login(name + "@example.com", std::string(kPassword)).status, 401);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_user_cannot_set_its_own_role_or_internal_fields) {
    const Account& user = people().user;
    const std::string path = userPath(user.id);
    checkError(send("PATCH", path, user.token, object({{"role", str("admin")}})), 403, "FORBIDDEN");
    checkError(send("PUT", path, user.token,
                    object({{"email", str(user.email)},
                            {"username", str(user.username)},
                            {"role", str("admin")}})),
               403, "FORBIDDEN");
    for (const std::string field : {"id", "tokenVersion", "passwordHash", "createdAt"}) {
        BOOST_TEST_CONTEXT(field) {
            checkValidation(send("PATCH", path, user.token, object({{field, "1"}})),
                            {{field, "body"}});
        }
    }
    rapidjson::Document me = checkSuccess(send("GET", "/api/v1/auth/me", user.token), 200);
    BOOST_CHECK_EQUAL(jsonString(me, "data.role"), "user");
    BOOST_CHECK_EQUAL(intAt(me, "data.id").value_or(0), user.id);
    // Still a plain user where it matters.
    checkError(send("POST", "/api/v1/products", user.token, productBody("Not allowed")), 403,
               "FORBIDDEN");
}

BOOST_AUTO_TEST_CASE(a_post_cannot_be_given_to_another_author_or_backdated) {
    const People& p = people();
    const int64_t id = createPost(p.user, "Owned by user");
    const std::string other = std::to_string(p.other.id);
    for (const std::string field : {"authorId", "id", "createdAt", "updatedAt", "author"}) {
        BOOST_TEST_CONTEXT(field) {
            checkValidation(send("PATCH", postPath(id), p.user.token, object({{field, other}})),
                            {{field, "body"}});
            checkValidation(send("POST", "/api/v1/posts", p.user.token,
                                 object({{"title", str("t")}, {"body", str("b")}, {field, other}})),
                            {{field, "body"}});
        }
    }
    rapidjson::Document post = checkSuccess(send("GET", postPath(id), p.user.token), 200);
    BOOST_CHECK_EQUAL(intAt(post, "data.authorId").value_or(0), p.user.id);
}

BOOST_AUTO_TEST_CASE(admins_may_set_a_role_but_never_internal_fields) {
    Account target = createUserNoLogin("user", "a3a");
    const std::string path = userPath(target.id);
    checkValidation(send("PATCH", path, admin().token, object({{"passwordHash", str("$2b$04$x")}})),
                    {{"passwordHash", "body"}});
    checkValidation(send("PATCH", path, admin().token, object({{"tokenVersion", "9"}})),
                    {{"tokenVersion", "body"}});
    rapidjson::Document changed =
        checkSuccess(send("PATCH", path, admin().token, object({{"role", str("admin")}})), 200);
    BOOST_CHECK_EQUAL(jsonString(changed, "data.role"), "admin");
}

BOOST_AUTO_TEST_CASE(user_representations_show_exactly_the_documented_members) {
    const People& p = people();
    rapidjson::Document self = checkSuccess(send("GET", userPath(p.user.id), p.user.token), 200);
    BOOST_CHECK(memberNames(jsonAt(self, "data")) == kUserMembers);

    std::vector<std::string> withoutEmail = kUserMembers;
    withoutEmail.erase(withoutEmail.begin() + 1);  // "email"
    rapidjson::Document seen = checkSuccess(send("GET", userPath(p.other.id), p.user.token), 200);
    BOOST_CHECK(memberNames(jsonAt(seen, "data")) == withoutEmail);

    HttpResponse list = send("GET", "/api/v1/users?limit=100", p.user.token);
    rapidjson::Document listDoc = checkSuccess(list, 200);
    const rapidjson::Value* items = jsonAt(listDoc, "data");
    BOOST_REQUIRE(items != nullptr && items->IsArray());
    for (const auto& item : items->GetArray()) {
        bool isSelf =
            item.HasMember("id") && item["id"].IsInt64() && item["id"].GetInt64() == p.user.id;
        BOOST_CHECK(memberNames(&item) == (isSelf ? kUserMembers : withoutEmail));
    }
}

BOOST_AUTO_TEST_CASE(no_response_outside_login_carries_a_refresh_token) {
    Account account = registerAccount("a3t");
    for (const std::string& path : {std::string("/api/v1/auth/me"), userPath(account.id),
                                    std::string("/api/v1/users?limit=100")}) {
        HttpResponse response = send("GET", path, account.token);
        checkSuccess(response, 200);
        BOOST_TEST_CONTEXT(path) {
            BOOST_CHECK(response.body.find(account.refreshToken) == std::string::npos);
            BOOST_CHECK(response.body.find("refreshToken") == std::string::npos);
            BOOST_CHECK(response.body.find("tokenVersion") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(searching_users_by_email_finds_others_only_for_admins) {
    // An email whose local part is not the username: only the email can match.
    const std::string username = uniqueName("a3e");
    const std::string secretPart = uniqueName("hidden");
    HttpResponse created = send("POST", "/api/v1/users", admin().token,
                                object({{"email", str(secretPart + "@example.com")},
                                        {"username", str(username)},
                                        {"password", str(kPassword)}}));
    rapidjson::Document createdDoc = checkSuccess(created, 201);
    const int64_t id = intAt(createdDoc, "data.id").value_or(0);

    rapidjson::Document asUser =
        checkSuccess(send("GET", "/api/v1/users?search=" + secretPart, people().user.token), 200);
    BOOST_CHECK_MESSAGE(idsAt(asUser).empty(), "a user's search matched another's email");
    rapidjson::Document asAdmin =
        checkSuccess(send("GET", "/api/v1/users?search=" + secretPart, admin().token), 200);
    BOOST_CHECK(idsAt(asAdmin) == std::vector<int64_t>{id});
}

BOOST_AUTO_TEST_SUITE_END()
