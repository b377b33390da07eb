// SPDX-License-Identifier: Apache-2.0
// Cluster test module (make test-cluster): black-box tests through nginx
// against restd on two hosts and MariaDB on several, each host a network
// namespace of this machine. tests/cluster/run builds that world, runs this
// binary inside nginx's namespace once per database topology (a suite each),
// and takes it down; this binary only attaches to it (tests/support/stack.h).
#define BOOST_TEST_MODULE restd_cluster
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "../support/stack.h"

namespace {

struct AttachFixture {
    AttachFixture() { restd::test::stack().attach(); }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(AttachFixture);
