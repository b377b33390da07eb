// SPDX-License-Identifier: Apache-2.0
// Several database servers under the real stack: restd reloaded onto a
// private primary with a GTID replica (scripts/db-cluster), so that reads of
// the routes that allow it go to the replica (db/read_pool.h). Shown through
// nginx: reads land on the replica (per-pool metrics) and always see the
// caller's own writes; a replica that stops applying is passed over with no
// stale answer; a killed replica costs no failed read and is used again once
// back; DB_HOSTS skips a server that cannot be reached. The stack's own
// MariaDB comes back for the suites after this one.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/db_cluster.h"
#include "../support/http_client.h"
#include "../support/load.h"
#include "../support/prometheus_text.h"
#include "../support/restd_control.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace std::chrono_literals;
namespace prom = restd::test::prometheus;

namespace {

constexpr std::string_view kMaxLagMs = "300";
constexpr std::string_view kRetryMs = "500";

double metric(const std::string& name, const prom::Labels& labels) {
    HttpResponse response = get(stack().url("/metrics"));
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    return prom::parse(response.body).valueOr0(name, labels);
}
double replicaCheckouts() { return metric("restd_db_pool_checkouts_total", {{"pool", "replica"}}); }
double passedOver(const std::string& reason) {
    return metric("restd_db_replica_passed_over_total", {{"reason", reason}});
}

// restd on the primary, reading from the replica.
RestdOnCluster::Settings onReplica(const DbCluster& cluster) {
    const std::string primary = cluster.env("DB_PRIMARY");
    return {{"DB_SOCKET", ""},
            {"DB_HOST", primary.substr(0, primary.rfind(':'))},
            {"DB_PORT", primary.substr(primary.rfind(':') + 1)},
            {"DB_USER", cluster.env("DB_USER")},
            {"DB_PASSWORD", cluster.env("DB_PASSWORD")},
            {"DB_READ_HOSTS", cluster.env("DB_READ_HOSTS")},
            {"DB_READ_MAX_LAG_MS", std::string(kMaxLagMs)},
            {"DB_READ_RETRY_MS", std::string(kRetryMs)}};
}

// Whether the replica serves one of the lists sent meanwhile within `timeout`.
bool replicaServesWithin(const Account& user, std::chrono::seconds timeout) {
    const double before = replicaCheckouts();
    return waitUntil(
        [&] {
            send("GET", "/api/v1/posts?limit=1", user.token);
            return replicaCheckouts() > before;
        },
        timeout, 200ms);
}

// A user of the cluster's database (the stack's seeded accounts are not there).
Account clusterUser() { return registerAccount("rp"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(read_replicas,
                      *boost::unit_test::fixture<RestdOnCluster>(RestdOnCluster::Spec{"replicas", 2,
                                                                                      &onReplica}))

BOOST_AUTO_TEST_CASE(reads_go_to_the_replica_and_see_the_callers_own_writes) {
    Account user = clusterUser();
    const double before = replicaCheckouts();
    BOOST_CHECK_EQUAL(writeThenRead(user, 30), 30);
    // A list too: the caller's row rides on the primary, the page comes from the replica.
    HttpResponse list = send("GET", "/api/v1/posts?limit=5", user.token);
    BOOST_CHECK_EQUAL(list.status, 200);
    BOOST_CHECK_GE(replicaCheckouts() - before, 31);
    BOOST_CHECK_EQUAL(passedOver("failed"), 0);
}

BOOST_AUTO_TEST_CASE(a_replica_that_stops_applying_is_passed_over_with_no_stale_answer) {
    Account user = clusterUser();
    BOOST_REQUIRE(RestdOnCluster::cluster().nodeSql(2, "STOP SLAVE SQL_THREAD"));
    const double lagging = passedOver("lagging");
    // The replica lacks every post written now: a read served by it would be 404.
    const int found = writeThenRead(user, 10);
    BOOST_REQUIRE(RestdOnCluster::cluster().nodeSql(2, "START SLAVE SQL_THREAD"));
    BOOST_CHECK_EQUAL(found, 10);
    BOOST_CHECK_GE(passedOver("lagging") - lagging, 1);
    // Once it has applied again, it serves reads after DB_READ_RETRY_MS.
    BOOST_CHECK_MESSAGE(replicaServesWithin(user, 15s),
                        "the replica served no read within 15 s of catching up");
}

BOOST_AUTO_TEST_CASE(a_killed_replica_costs_no_failed_read_and_is_used_again_once_back) {
    Account user = clusterUser();
    const int64_t id = createPost(user, uniqueName("rp-kill"));
    Load load({{.path = "/api/v1/posts/" + std::to_string(id), .headers = {bearer(user.token)}},
               {.path = "/api/v1/posts?limit=5", .headers = {bearer(user.token)}}},
              {.threads = 4, .maxDuration = 20s, .pause = 5ms, .requestTimeoutSeconds = 30});
    const double failed = passedOver("failed");
    load.start();
    std::this_thread::sleep_for(500ms);
    BOOST_REQUIRE_EQUAL(RestdOnCluster::cluster().run({"kill", "2"}), 0);
    std::this_thread::sleep_for(1500ms);
    LoadResult result = load.stop();
    BOOST_TEST_MESSAGE("reads while the replica was killed: " << result.summary());
    BOOST_CHECK_GT(result.sent, 0);
    BOOST_CHECK_EQUAL(result.failed, 0);
    BOOST_CHECK_GE(passedOver("failed") - failed, 1);

    BOOST_REQUIRE_EQUAL(RestdOnCluster::cluster().run({"start-node", "2"}), 0);
    BOOST_CHECK_MESSAGE(replicaServesWithin(user, 20s),
                        "the restarted replica served no read within 20 s");
}

BOOST_AUTO_TEST_CASE(db_hosts_skips_a_server_that_cannot_be_reached) {
    // A port nothing listens on, then the primary: every new connection
    // fails on the first and goes on to the second.
    EnvFile file;
    file.set({{"DB_HOSTS", "127.0.0.1:1," + RestdOnCluster::cluster().env("DB_PRIMARY")}});
    const size_t offset = restdLog().size();
    reloadRestd(false, true);
    Account user = clusterUser();
    BOOST_CHECK_EQUAL(writeThenRead(user, 3), 3);
    const std::string log = logSince(offset);
    BOOST_CHECK(!linesWith(log, {"db server switched", "127.0.0.1:1",
                                 RestdOnCluster::cluster().env("DB_PRIMARY")})
                     .empty());
}

BOOST_AUTO_TEST_SUITE_END()
