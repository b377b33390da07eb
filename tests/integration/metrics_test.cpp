// SPDX-License-Identifier: Apache-2.0
// GET /metrics through nginx: the whole exposition read by a strict parser
// (tests/support/prometheus_text.h), counters that add up over every worker
// and survive a worker's death, the pool gauges of a killed worker leaving
// with it, and nginx refusing the page to other client addresses.
#include <signal.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/prometheus_text.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace std::chrono_literals;
namespace prom = restd::test::prometheus;

namespace {

constexpr std::string_view kTextFormat = "text/plain; version=0.0.4; charset=utf-8";

// GET /metrics, required to be 200 and to parse without a single error.
prom::Exposition scrape() {
    HttpResponse response = get(stack().url("/metrics"));
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    BOOST_CHECK_EQUAL(response.header("Content-Type").value_or("<none>"), kTextFormat);
    prom::Exposition e = prom::parse(response.body);
    std::ostringstream errors;
    for (const std::string& error : e.errors) errors << "\n  " << error;
    BOOST_REQUIRE_MESSAGE(e.errors.empty(),
                          "/metrics is not valid exposition text:" << errors.str());
    return e;
}

double requestsTotal(const prom::Exposition& e, const std::string& route, const std::string& method,
                     const std::string& status) {
    return e.valueOr0("restd_http_requests_total",
                      {{"route", route}, {"method", method}, {"status", status}});
}

double durationCount(const prom::Exposition& e, const std::string& route) {
    return e.valueOr0("restd_http_request_duration_seconds_count", {{"route", route}});
}

double poolConnections(const prom::Exposition& e) {
    return e.valueOr0("restd_db_pool_connections", {{"state", "in_use"}}) +
           e.valueOr0("restd_db_pool_connections", {{"state", "idle"}});
}

double crashes(const prom::Exposition& e) {
    return e.valueOr0("restd_worker_restarts_total", {{"reason", "crash"}});
}

// The pid of the worker that logged the access line of each request id with
// this prefix ("pid":N in "msg":"request" lines).
std::set<long> servingPids(const std::string& requestIdPrefix) {
    std::set<long> pids;
    std::ifstream log(stack().env("RESTD_LOG"));
    std::string line;
    while (std::getline(log, line)) {
        if (line.find("\"msg\":\"request\"") == std::string::npos ||
            line.find("\"requestId\":\"" + requestIdPrefix) == std::string::npos) {
            continue;
        }
        size_t at = line.find("\"pid\":");
        if (at != std::string::npos) pids.insert(std::stol(line.substr(at + 6)));
    }
    return pids;
}

// The worker that served the request with this id (polled: the log line is
// written just after the response); 0 when none is found.
long servingPid(const std::string& requestId) {
    std::set<long> pids;
    waitUntil(
        [&] {
            pids = servingPids(requestId);
            return !pids.empty();
        },
        2s, 50ms);
    return pids.empty() ? 0 : *pids.begin();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(metrics_is_strict_prometheus_text_with_every_family) {
    HttpResponse response = get(stack().url("/metrics"));
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    BOOST_CHECK_EQUAL(response.header("Cache-Control").value_or("<none>"), "no-store");
    checkSecurityHeaders(response, false);

    prom::Exposition e = scrape();
    const auto& families = prom::kRestdFamilies;
    for (const auto& [name, type] : families) {
        const prom::Family* f = e.family(name);
        BOOST_CHECK_MESSAGE(f && f->type == type && !f->help.empty(),
                            name << " is missing, not a " << type << " or without HELP");
    }
    BOOST_CHECK(e.value("restd_db_pool_connections", {{"state", "in_use"}}).has_value());
    BOOST_CHECK(e.value("restd_db_pool_connections", {{"state", "idle"}}).has_value());
    BOOST_CHECK_EQUAL(e.valueOr0("restd_workers"), stack().workers());
    // The master and its workers: well above one process's few MB and fds.
    BOOST_CHECK_GT(e.valueOr0("process_resident_memory_bytes"), 1e6);
    BOOST_CHECK_GT(e.valueOr0("process_open_fds"), 3 * (1 + stack().workers()));
    BOOST_CHECK_GT(e.valueOr0("process_cpu_seconds_total"), 0);
    double start = e.valueOr0("process_start_time_seconds");
    double now = static_cast<double>(api::nowSeconds());
    BOOST_CHECK_MESSAGE(start > now - 3600 && start <= now + 1,
                        "process_start_time_seconds " << start << " is not within the last hour");
}

BOOST_AUTO_TEST_CASE(requests_raise_their_series_by_exactly_their_number_summed_over_workers) {
    prom::Exposition before = scrape();
    const std::string prefix = api::uniqueName("metrics-count-");
    constexpr int kThreads = 8;
    constexpr int kPerRound = 10;  // per thread
    constexpr int kMaxRounds = 5;
    int sent = 0;
    int failed = 0;
    // Rounds of parallel requests until both workers have served some (nginx
    // keeps its upstream connections, so one worker could get them all).
    for (int round = 0; round < kMaxRounds; ++round) {
        std::vector<std::thread> threads;
        std::vector<int> failures(kThreads, 0);
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t, round] {
                for (int i = 0; i < kPerRound; ++i) {
                    std::string id = prefix + "-" + std::to_string(round) + "-" +
                                     std::to_string(t) + "-" + std::to_string(i);
                    HttpResponse r = get(stack().url("/health"), {"X-Request-ID: " + id});
                    if (r.status != 200) ++failures[t];
                }
            });
        }
        for (auto& thread : threads) thread.join();
        sent += kThreads * kPerRound;
        for (int f : failures) failed += f;
        if (servingPids(prefix).size() >= 2) break;
    }
    BOOST_REQUIRE_EQUAL(failed, 0);
    std::set<long> pids = servingPids(prefix);
    BOOST_TEST_MESSAGE(sent << " GET /health served by " << pids.size() << " workers");
    BOOST_CHECK_MESSAGE(pids.size() >= 2,
                        "every one of " << sent << " requests went to one worker; the sum over "
                                        << "workers was not exercised");

    checkError(get(stack().url("/metrics-test-nothing-here")), 404, "NOT_FOUND");
    checkError(request("POST", stack().url("/health"), {"Content-Type: application/json"}, "{}"),
               405, "METHOD_NOT_ALLOWED");
    BOOST_CHECK_EQUAL(request("HEAD", stack().url("/health")).status, 200);

    prom::Exposition after = scrape();
    BOOST_CHECK_EQUAL(requestsTotal(after, "/health", "GET", "200") -
                          requestsTotal(before, "/health", "GET", "200"),
                      sent);
    BOOST_CHECK_EQUAL(requestsTotal(after, "/health", "HEAD", "200") -
                          requestsTotal(before, "/health", "HEAD", "200"),
                      1);
    BOOST_CHECK_EQUAL(requestsTotal(after, "unmatched", "GET", "404") -
                          requestsTotal(before, "unmatched", "GET", "404"),
                      1);
    BOOST_CHECK_EQUAL(requestsTotal(after, "unmatched", "POST", "405") -
                          requestsTotal(before, "unmatched", "POST", "405"),
                      1);
    // The histogram saw the same requests (GET and HEAD; the parser already
    // checked cumulative buckets and +Inf == _count).
    BOOST_CHECK_EQUAL(durationCount(after, "/health") - durationCount(before, "/health"), sent + 1);
    BOOST_CHECK_GT(
        after.valueOr0("restd_http_request_duration_seconds_sum", {{"route", "/health"}}),
        before.valueOr0("restd_http_request_duration_seconds_sum", {{"route", "/health"}}));
}

BOOST_AUTO_TEST_CASE(a_killed_worker_is_counted_keeps_its_counts_and_takes_its_pool_gauges) {
    Stack& s = stack();
    const size_t workers = static_cast<size_t>(s.workers());
    BOOST_REQUIRE(waitUntil([&] { return s.workerPids().size() == workers; }, 10s));

    // The victim: a worker known to hold a pooled connection (it served /ready).
    const std::string rid = api::uniqueName("metrics-ready-");
    HttpResponse ready = get(s.url("/ready"), {"X-Request-ID: " + rid});
    BOOST_REQUIRE_MESSAGE(ready.status == 200, ready.summary());
    const pid_t victim = static_cast<pid_t>(servingPid(rid));
    BOOST_REQUIRE_MESSAGE(victim > 0, "no access-log line for request " << rid);

    prom::Exposition before = scrape();
    const double readyBefore = requestsTotal(before, "/ready", "GET", "200");
    const double poolBefore = poolConnections(before);
    BOOST_REQUIRE_GE(poolBefore, 1);
    BOOST_REQUIRE_EQUAL(kill(victim, SIGKILL), 0);
    s.noteWorkerKilled();

    // Until the master has reaped and replaced it (no database traffic
    // meanwhile, so the pool total only changes by the victim's share).
    prom::Exposition after;
    bool settled = waitUntil(
        [&] {
            std::vector<pid_t> pids = s.workerPids();
            if (pids.size() != workers || std::find(pids.begin(), pids.end(), victim) != pids.end())
                return false;
            after = scrape();
            return crashes(after) == crashes(before) + 1 &&
                   after.valueOr0("restd_workers") == static_cast<double>(workers) &&
                   poolConnections(after) <= poolBefore - 1;
        },
        10s, 100ms);
    BOOST_CHECK_MESSAGE(settled, "10 s after killing worker "
                                     << victim << ": crashes " << crashes(before) << " -> "
                                     << crashes(after) << ", workers "
                                     << after.valueOr0("restd_workers") << ", pool connections "
                                     << poolBefore << " -> " << poolConnections(after));
    BOOST_CHECK_EQUAL(after.valueOr0("restd_worker_restarts_total", {{"reason", "recycle"}}),
                      before.valueOr0("restd_worker_restarts_total", {{"reason", "recycle"}}));
    // What the dead worker counted is still there.
    BOOST_CHECK_EQUAL(requestsTotal(after, "/ready", "GET", "200"), readyBefore);
}

// nginx allows /metrics from 127.0.0.1 and ::1 only. Any other client address
// (here 127.0.0.2, which reaches the stack's 127.0.0.1 listener) gets nginx's
// 403 envelope, and restd never sees the request.
BOOST_AUTO_TEST_CASE(metrics_is_refused_to_client_addresses_other_than_127_0_0_1) {
    RequestOptions elsewhere;
    elsewhere.sourceAddress = "127.0.0.2";
    double servedBefore = requestsTotal(scrape(), "/metrics", "GET", "200");
    for (std::string_view path : {"/metrics", "/metrics/", "/metrics?x=1"}) {
        BOOST_TEST_CONTEXT(path) {
            checkError(request("GET", stack().url(path), {}, {}, elsewhere), 403, "FORBIDDEN");
        }
    }
    // Only the scrape before this one was counted since.
    BOOST_CHECK_EQUAL(requestsTotal(scrape(), "/metrics", "GET", "200"), servedBefore + 1);
}

// With several restd hosts /metrics lands on any of them; /hosts/NAME/...
// reaches one host (nginx's upstream restd_host_NAME; the stack's single restd
// is "local") as the path restd routes, and only from loopback, as /metrics.
BOOST_AUTO_TEST_CASE(each_host_answers_scrapes_and_health_checks_on_its_own_path) {
    const double before = requestsTotal(scrape(), "/metrics", "GET", "200");
    HttpResponse hostMetrics = get(stack().url("/hosts/local/metrics"));
    BOOST_REQUIRE_MESSAGE(hostMetrics.status == 200, hostMetrics.summary());
    BOOST_CHECK_EQUAL(hostMetrics.header("Content-Type").value_or("<none>"), kTextFormat);
    prom::Exposition e = prom::parse(hostMetrics.body);
    BOOST_CHECK(e.errors.empty());
    // restd counted it under its own route: it saw /metrics.
    BOOST_CHECK_EQUAL(requestsTotal(e, "/metrics", "GET", "200"), before + 1);

    for (const char* path : {"/hosts/local/ready", "/hosts/local/ready/"}) {
        HttpResponse ready = get(stack().url(path));
        BOOST_CHECK_MESSAGE(
            ready.status == 200 && ready.body.find(R"("status":"ready")") != std::string::npos,
            path << ": " << ready.summary());
    }
    HttpResponse health = get(stack().url("/hosts/local/health"));
    BOOST_CHECK_MESSAGE(
        health.status == 200 && health.body.find(R"("status":"healthy")") != std::string::npos,
        health.summary());

    RequestOptions elsewhere;
    elsewhere.sourceAddress = "127.0.0.2";
    for (std::string_view path :
         {"/hosts/local/metrics", "/hosts/local/ready", "/hosts/local/health/"}) {
        BOOST_TEST_CONTEXT(path) {
            checkError(request("GET", stack().url(path), {}, {}, elsewhere), 403, "FORBIDDEN");
        }
    }
    // Paths that are not a host's: restd's own 404, through the shared upstream.
    checkError(get(stack().url("/hosts/local/users")), 404, "NOT_FOUND");
    // The scrape and the host scrape since `before`; the refused ones never
    // reached restd.
    BOOST_CHECK_EQUAL(requestsTotal(scrape(), "/metrics", "GET", "200"), before + 2);
}

BOOST_AUTO_TEST_SUITE_END()
