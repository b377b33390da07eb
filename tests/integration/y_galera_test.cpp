// SPDX-License-Identifier: Apache-2.0
// A write load through the real stack on a private 3-node Galera cluster
// (scripts/db-cluster start galera), restd reloaded onto it with DB_HOSTS
// listing the nodes. The node restd writes to is SIGKILLed mid-load: only
// requests in flight on it may fail (503, never repeated), writes go on on
// the next node, and every write answered 2xx is a row exactly once.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/db_cluster.h"
#include "../support/http_client.h"
#include "../support/load.h"
#include "../support/restd_control.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace std::chrono_literals;

namespace {

RestdOnCluster::Settings onGalera(const DbCluster& cluster) {
    return {{"DB_SOCKET", ""},
            {"DB_HOSTS", cluster.env("DB_HOSTS")},
            {"DB_USER", cluster.env("DB_USER")},
            {"DB_PASSWORD", cluster.env("DB_PASSWORD")}};
}

Load::Options galeraLoad(std::chrono::milliseconds maxDuration, const std::string& prefix) {
    return {.threads = 4,
            .maxDuration = maxDuration,
            .pause = 5ms,
            .requestTimeoutSeconds = 35,
            .markerPrefix = prefix};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(galera_failover,
                      *boost::unit_test::fixture<RestdOnCluster>(RestdOnCluster::Spec{"galera", 3,
                                                                                      &onGalera}))

// Galera certifies a transaction at commit against the writes other nodes
// committed meanwhile; a local transaction that loses is aborted with error
// 1213, which withTransaction retries like a deadlock. Provoked: restd's
// update of a post waits 1 s inside its transaction (a trigger on node 1),
// while the test updates the same row on node 2.
BOOST_AUTO_TEST_CASE(a_certification_conflict_is_retried_and_the_update_succeeds) {
    DbCluster& cluster = RestdOnCluster::cluster();
    Account user = registerAccount("gc");
    const int64_t id = createPost(user, uniqueName("gc-post"));
    const std::string title = uniqueName("gc-mine");
    auto bfAborts = [&] {
        std::optional<std::string> out =
            cluster.nodeSql(1,
                            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                            "WHERE VARIABLE_NAME = 'WSREP_LOCAL_BF_ABORTS'");
        BOOST_REQUIRE(out);
        return std::stol(*out);
    };
    const long before = bfAborts();
    // One statement, no semicolon: the client's -e would split a BEGIN ... END.
    BOOST_REQUIRE(cluster.nodeSql(1,
                                  "CREATE TRIGGER test_gc_slow BEFORE UPDATE ON posts FOR EACH "
                                  "ROW SET @test_gc_slept = IF(NEW.title = '" +
                                      title + "', SLEEP(1), 0)"));
    HttpResponse put;
    std::thread writer([&] {
        put = request("PUT", stack().url("/api/v1/posts/" + std::to_string(id)),
                      {bearer(user.token), "Content-Type: application/json"},
                      object({{"title", str(title)}, {"body", str("restd's")}}));
    });
    std::this_thread::sleep_for(400ms);
    const bool otherNode =
        cluster.nodeSql(2, "UPDATE posts SET body = 'node 2''s' WHERE id = " + std::to_string(id))
            .has_value();
    writer.join();
    cluster.nodeSql(1, "DROP TRIGGER IF EXISTS test_gc_slow");
    BOOST_REQUIRE(otherNode);
    BOOST_CHECK_MESSAGE(put.status == 200, put.summary());
    BOOST_CHECK_GE(bfAborts() - before, 1);  // the conflict did happen
    std::optional<std::string> row =
        cluster.nodeSql(3, "SELECT title, body FROM posts WHERE id = " + std::to_string(id));
    BOOST_REQUIRE(row);
    BOOST_CHECK_EQUAL(*row, title + "\trestd's\n");
}

BOOST_AUTO_TEST_CASE(a_killed_node_costs_only_its_requests_in_flight_and_no_acknowledged_write) {
    DbCluster& cluster = RestdOnCluster::cluster();
    const size_t offset = restdLog().size();
    Account user = registerAccount("gl");
    const std::string prefix = uniqueName("gl");

    Load load(postsMix(user), galeraLoad(30s, prefix));
    load.start();
    std::this_thread::sleep_for(1500ms);
    const long sentBeforeKill = load.sent();
    BOOST_REQUIRE_EQUAL(cluster.run({"kill", "1"}), 0);
    std::this_thread::sleep_for(3s);
    LoadResult during = load.stop();
    BOOST_TEST_MESSAGE("node 1 SIGKILLed after " << sentBeforeKill
                                                 << " requests: " << during.summary());
    BOOST_TEST_MESSAGE("  " << during.figures());
    double longest = 0;
    for (double ms : during.answeredMs) longest = std::max(longest, ms);
    BOOST_TEST_MESSAGE("  longest answer " << longest
                                           << " ms (writes wait while Galera "
                                              "decides the node is gone)");
    for (const std::string& example : during.examples) BOOST_TEST_MESSAGE("  failed: " << example);
    // A request in flight on the dead node's connection is answered 503 (a
    // write is never repeated: it may have committed); nothing else fails.
    BOOST_CHECK_EQUAL(during.failedOtherThan({"POST 503", "GET 503"}), 0);
    BOOST_CHECK_LE(during.failed, 2 * 4 * 2);  // at most the in-flight requests, per worker
    BOOST_CHECK_EQUAL(during.bare503, 0);
    BOOST_CHECK(!linesWith(logSince(offset), {"db server switched"}).empty());

    // After the switch: every request of a second load succeeds.
    Load after(postsMix(user), galeraLoad(2s, uniqueName("gla")));
    after.start();
    std::this_thread::sleep_for(2s);
    LoadResult afterResult = after.stop();
    BOOST_TEST_MESSAGE("after the switch: " << afterResult.summary());
    BOOST_CHECK_GT(afterResult.answered("POST 201"), 0);
    BOOST_CHECK_EQUAL(afterResult.failed, 0);

    // Every acknowledged write is a row once, on the nodes that lived.
    checkAcknowledgedRows(cluster, 2, during, prefix);
    BOOST_CHECK(rowsOn(cluster, 3, prefix) == rowsOn(cluster, 2, prefix));
}

BOOST_AUTO_TEST_SUITE_END()
