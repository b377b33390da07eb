// SPDX-License-Identifier: Apache-2.0
// Multi-statement writes are all-or-nothing (docs/architecture.md
// "Database"): a MariaDB trigger makes a later statement of the unit fail on purpose, and
// the test checks through the API that the earlier ones were rolled back.
#include <boost/test/unit_test.hpp>
#include <string>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;

namespace {

std::string failWhenUser(int64_t userId) {
    return "FOR EACH ROW BEGIN IF NEW.user_id = " + std::to_string(userId) +
           " THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'forced failure'; END IF; END";
}

HttpResponse refresh(const std::string& refreshToken) {
    return send("POST", "/api/v1/auth/refresh", {}, object({{"refreshToken", str(refreshToken)}}));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(transactions)

BOOST_AUTO_TEST_CASE(logout_all_failing_at_its_second_statement_revokes_nothing) {
    // logout-all: bump the token version, then revoke the refresh tokens.
    Account account = registerAccount("tx");
    {
        Trigger fail("test_tx_revoke",
                     "BEFORE UPDATE ON refresh_tokens " + failWhenUser(account.id));
        HttpResponse failed = send("POST", "/api/v1/auth/logout-all", account.token);
        checkError(failed, 500, "INTERNAL_ERROR");
        BOOST_CHECK(failed.body.find("forced failure") == std::string::npos);
    }
    // The version bump was rolled back: the access token still works...
    checkSuccess(send("GET", "/api/v1/auth/me", account.token), 200);
    // ...and so does the refresh token.
    HttpResponse rotated = refresh(account.refreshToken);
    checkSuccess(rotated, 200);

    checkSuccess(send("POST", "/api/v1/auth/logout-all", account.token), 200);
    checkError(send("GET", "/api/v1/auth/me", account.token), 401, "UNAUTHORIZED");
}

BOOST_AUTO_TEST_CASE(refresh_failing_to_store_the_new_token_leaves_the_old_one_unspent) {
    // refresh: mark the presented token spent, then insert its successor.
    Account account = registerAccount("tx");
    {
        Trigger fail("test_tx_issue",
                     "BEFORE INSERT ON refresh_tokens " + failWhenUser(account.id));
        checkError(refresh(account.refreshToken), 500, "INTERNAL_ERROR");
    }
    // Had the first statement stuck, this would be reuse detection (401).
    HttpResponse retried = refresh(account.refreshToken);
    checkSuccess(retried, 200);
    auto spent =
        sql("SELECT COUNT(*) FROM refresh_tokens WHERE user_id = " + std::to_string(account.id) +
            " AND spent_at IS NOT NULL");
    BOOST_REQUIRE(spent);
    BOOST_CHECK_EQUAL(std::stoll(*spent), 1);
}

BOOST_AUTO_TEST_SUITE_END()
