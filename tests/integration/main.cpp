// SPDX-License-Identifier: Apache-2.0
// Integration test module: black-box tests through nginx (plain HTTP and TLS)
// against a private stack of MariaDB, restd and nginx that the global fixture
// starts once for the run and stops at the end (tests/support/stack.h).
// Suites run in file order (sorted names); zz_log_hygiene_test.cpp comes last.
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
