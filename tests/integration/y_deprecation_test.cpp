// SPDX-License-Identifier: Apache-2.0
// A deprecated route's responses through nginx (docs/api.md, "Versions,
// deprecation and Link"): Deprecation, Sunset and Link on success and on
// error, readable by a browser app on an allowed origin. No product route is
// deprecated, so the stack runs restd-test, whose GET /__test/deprecated is
// (tests/test_routes/deprecated.cpp), for this suite only. Named y_ to run
// after the metrics suite, like the other suites that restart restd.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace std::chrono_literals;

namespace {

constexpr const char* kOrigin = "http://localhost:3000";  // in the stack's CLIENT_URL

struct OnRestdTest {
    OnRestdTest() {
        const std::filesystem::path testBin = stack().restdTestBin();
        BOOST_REQUIRE_MESSAGE(std::filesystem::exists(testBin),
                              testBin << " is missing: build it (make " << testBin.string() << ")");
        BOOST_REQUIRE_EQUAL(stack().restartRestd(testBin), 0);
        BOOST_REQUIRE(waitUntil([] { return get(stack().url("/health")).status == 200; }, 10s));
    }
    ~OnRestdTest() {
        if (stack().restartRestd(stack().restdBin()) != 0) BOOST_ERROR("bin/restd is not back");
    }
};

void checkDeprecationHeaders(const HttpResponse& r) {
    BOOST_CHECK_EQUAL(r.header("Deprecation").value_or("(none)"), "@1767225600");
    BOOST_CHECK_EQUAL(r.header("Sunset").value_or("(none)"), "Fri, 01 Jan 2027 00:00:00 GMT");
    BOOST_CHECK_EQUAL(r.header("Link").value_or("(none)"),
                      "</health>; rel=\"successor-version\", </docs/>; rel=\"deprecation\"");
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(deprecation, OnRestdTest)

BOOST_AUTO_TEST_CASE(a_deprecated_route_says_so_on_success_and_on_error_and_others_do_not) {
    HttpResponse ok =
        request("GET", stack().url("/__test/deprecated"), {"Origin: " + std::string(kOrigin)});
    checkStatus(ok, 200);
    checkDeprecationHeaders(ok);
    for (const char* name : {"Deprecation", "Sunset", "Link"}) {
        BOOST_CHECK_MESSAGE(ok.headerHasToken("Access-Control-Expose-Headers", name),
                            "a browser app cannot read " << name << ": " << ok.summary());
    }

    HttpResponse failed = get(stack().url("/__test/deprecated?fail=1"));
    checkError(failed, 404, "NOT_FOUND");
    checkDeprecationHeaders(failed);

    HttpResponse health = get(stack().url("/health"));
    checkStatus(health, 200);
    for (const char* name : {"Deprecation", "Sunset", "Link"}) {
        BOOST_CHECK_MESSAGE(!health.hasHeader(name), "/health carries " << name);
    }
}

BOOST_AUTO_TEST_SUITE_END()
