// SPDX-License-Identifier: Apache-2.0
// Phase "galera" of make test-cluster: two restd hosts on a 3-node Galera
// cluster (DB_HOSTS), each node in its own namespace. The node both hosts
// write to is SIGKILLed under load: only requests in flight on it fail,
// writes go on once Galera has decided the node is gone, and every write
// answered 2xx is a row exactly once on the nodes that lived.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "../support/stack.h"
#include "world.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace restd::test::cluster;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(galera_node_down)

BOOST_AUTO_TEST_CASE(a_killed_node_loses_no_acknowledged_write) {
    Account user = registerAccount("cg");
    const std::string prefix = uniqueName("clg");
    Load load(postsMix(user), loadOptions(6, 40s, prefix));
    load.start();
    std::this_thread::sleep_for(1500ms);
    BOOST_REQUIRE_EQUAL(databases().run({"kill", "1"}), 0);
    std::this_thread::sleep_for(4s);
    LoadResult during = load.stop();
    report("Galera node 1 SIGKILLed under load", during);
    double longest = 0;
    for (double ms : during.answeredMs) longest = std::max(longest, ms);
    BOOST_TEST_MESSAGE("  longest answer " << longest
                                           << " ms (writes wait until Galera drops the node)");
    BOOST_CHECK_EQUAL(during.failedOtherThan({"POST 503", "GET 503"}), 0);
    BOOST_CHECK_EQUAL(during.bare503, 0);
    checkAcknowledgedRows(databases(), 2, during, prefix);
    BOOST_CHECK(rowsOn(databases(), 3, prefix) == rowsOn(databases(), 2, prefix));

    Load after(postsMix(user), loadOptions(4, 2s, uniqueName("cga")));
    after.start();
    std::this_thread::sleep_for(2s);
    LoadResult afterResult = after.stop();
    report("after the node died", afterResult);
    BOOST_CHECK_GT(afterResult.answered("POST 201"), 0);
    BOOST_CHECK_EQUAL(afterResult.failed, 0);
}

BOOST_AUTO_TEST_SUITE_END()
