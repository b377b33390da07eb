// SPDX-License-Identifier: Apache-2.0
// Phase "replicas" of make test-cluster: two restd hosts read from a GTID
// replica and write to the primary, each database in its own namespace.
// Reads are served by the replica (its hosts' own metrics say so), a write
// reaches the replica and its writer reads it at once, a killed replica
// costs no failed read, and a killed restd host costs only the POSTs in
// flight on it.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "../support/http_client.h"
#include "../support/stack.h"
#include "world.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace restd::test::cluster;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(replica_reads)

BOOST_AUTO_TEST_CASE(every_host_answers_its_own_scrape) {
    for (const std::string& host : appHosts()) {
        BOOST_TEST_CONTEXT(host) {
            auto e = hostMetrics(host);
            BOOST_REQUIRE(e.has_value());
            BOOST_CHECK_GT(e->valueOr0("restd_workers"), 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(reads_are_served_by_the_replica_and_writes_reach_it) {
    Account user = registerAccount("cl");
    // Once the replica serves reads at all (the hosts may have met it while
    // it was still starting, and left it out for DB_READ_RETRY_MS)...
    const double first = summed("restd_db_pool_checkouts_total", {{"pool", "replica"}});
    BOOST_REQUIRE(waitUntil(
        [&] {
            send("GET", "/api/v1/posts?limit=1", user.token);
            return summed("restd_db_pool_checkouts_total", {{"pool", "replica"}}) > first;
        },
        15s, 200ms));
    // ...it serves every read, each right after its caller's write.
    const double before = summed("restd_db_pool_checkouts_total", {{"pool", "replica"}});
    BOOST_CHECK_EQUAL(writeThenRead(user, 20), 20);
    const double served = summed("restd_db_pool_checkouts_total", {{"pool", "replica"}}) - before;
    BOOST_TEST_MESSAGE("reads served by the replica: " << served << " of 20 (both hosts)");
    BOOST_CHECK_GE(served, 20);

    // The last write, on the replica once it has applied the primary's position.
    const int64_t id = createPost(user, uniqueName("cl-reach"));
    std::optional<std::string> position = databases().nodeSql(1, "SELECT @@gtid_binlog_pos");
    BOOST_REQUIRE(position);
    std::string pos = *position;
    while (!pos.empty() && (pos.back() == '\n' || pos.back() == ' ')) pos.pop_back();
    std::optional<std::string> waited =
        databases().nodeSql(2, "SELECT MASTER_GTID_WAIT('" + pos + "', 10)");
    BOOST_REQUIRE(waited);
    BOOST_CHECK_EQUAL(waited->substr(0, 1), "0");
    std::optional<std::string> count =
        databases().nodeSql(2, "SELECT COUNT(*) FROM posts WHERE id = " + std::to_string(id));
    BOOST_REQUIRE(count);
    BOOST_CHECK_EQUAL(count->substr(0, 1), "1");
}

BOOST_AUTO_TEST_CASE(a_killed_replica_costs_no_failed_read) {
    Account user = registerAccount("cl");
    const int64_t id = createPost(user, uniqueName("cl-kill"));
    const double failedBefore =
        summed("restd_db_replica_passed_over_total", {{"reason", "failed"}});
    Load load({{.path = "/api/v1/posts/" + std::to_string(id), .headers = {bearer(user.token)}},
               {.path = "/api/v1/posts?limit=5", .headers = {bearer(user.token)}}},
              loadOptions(4, 20s, uniqueName("clr")));
    load.start();
    std::this_thread::sleep_for(1s);
    BOOST_REQUIRE_EQUAL(databases().run({"kill", "2"}), 0);
    std::this_thread::sleep_for(2s);
    LoadResult result = load.stop();
    report("reads while the replica was SIGKILLed", result);
    BOOST_CHECK_GT(result.sent, 0);
    BOOST_CHECK_EQUAL(result.failed, 0);
    BOOST_CHECK_GE(
        summed("restd_db_replica_passed_over_total", {{"reason", "failed"}}) - failedBefore, 1);
}

// Last of the phase: it leaves one restd host dead.
BOOST_AUTO_TEST_CASE(a_killed_app_host_costs_only_the_posts_in_flight_on_it) {
    Account user = registerAccount("cl");
    const std::string prefix = uniqueName("clh");
    const std::vector<std::string> hosts = appHosts();
    BOOST_REQUIRE_GE(hosts.size(), 2u);
    Load load(postsMix(user), loadOptions(6, 30s, prefix));
    load.start();
    std::this_thread::sleep_for(1500ms);
    killAppHost(hosts[0]);
    std::this_thread::sleep_for(3s);
    LoadResult during = load.stop();
    report(hosts[0] + " SIGKILLed under load", during);
    // nginx passes a failed GET to the other host; a POST that reached the
    // dead one is answered 502 and never sent twice.
    BOOST_CHECK_EQUAL(during.failedOtherThan({"POST 502"}), 0);
    BOOST_TEST_MESSAGE("  POSTs in flight on " << hosts[0]
                                               << " that failed: " << during.answered("POST 502"));
    checkAcknowledgedRows(databases(), 1, during, prefix);

    // Everything after goes to the other host.
    BOOST_CHECK(!hostMetrics(hosts[0]).has_value());
    const double before = hostMetrics(hosts[1])->valueOr0(
        "restd_http_requests_total",
        {{"route", "/api/v1/posts"}, {"method", "POST"}, {"status", "201"}});
    Load after(postsMix(user), loadOptions(4, 2s, uniqueName("cla")));
    after.start();
    std::this_thread::sleep_for(2s);
    LoadResult afterResult = after.stop();
    report("after the host died", afterResult);
    BOOST_CHECK_EQUAL(afterResult.failed, 0);
    const double served = hostMetrics(hosts[1])->valueOr0(
                              "restd_http_requests_total",
                              {{"route", "/api/v1/posts"}, {"method", "POST"}, {"status", "201"}}) -
                          before;
    BOOST_CHECK_EQUAL(served, afterResult.answered("POST 201"));
}

BOOST_AUTO_TEST_SUITE_END()
