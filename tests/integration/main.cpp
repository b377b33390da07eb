// SPDX-License-Identifier: Apache-2.0
// Integration test module: black-box tests through nginx (plain HTTP and TLS)
// against a private stack of MariaDB, restd and nginx that the global fixture
// starts once for the run and stops at the end (tests/support/stack.h).
// Suites run in file order (sorted names). Those that reload restd again and
// again or move it onto another database (y_*) run after the rest: a reload
// hands nginx's kept connections to whichever new worker reads first, and
// the metrics suite's count needs them spread over the workers. The fault
// tests (z_faults) follow, and zz_log_hygiene_test.cpp comes last.
#define BOOST_TEST_MODULE restd_integration
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "../support/stack.h"

namespace {

struct StackFixture {
    StackFixture() { restd::test::stack().start(); }
    ~StackFixture() { restd::test::stack().stop(); }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(StackFixture);
