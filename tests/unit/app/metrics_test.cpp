// SPDX-License-Identifier: Apache-2.0
// The metrics region and its text rendering, on regions the tests fill
// directly; the output is read back with the strict parser the integration
// test uses (tests/support/prometheus_text.h).
#include "app/metrics.h"

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <sstream>
#include <string>

#include "../../support/prometheus_text.h"
#include "common/version.h"

using namespace restd;
using namespace std::chrono_literals;
using app::metrics::ProcessStats;
using app::metrics::Region;
using app::metrics::Restart;
using http::Method;
namespace prom = restd::test::prometheus;

namespace {

std::string errorsOf(const prom::Exposition& e) {
    std::ostringstream out;
    for (const std::string& error : e.errors) out << "\n  " << error;
    return out.str();
}

// Renders and parses; fails the test on any format error.
prom::Exposition scrape(const Region& region, const ProcessStats& process = {}) {
    std::string text = region.render(process);
    prom::Exposition e = prom::parse(text);
    BOOST_TEST(e.errors.empty(), "format errors:" << errorsOf(e) << "\nin:\n" << text);
    return e;
}

double requests(const prom::Exposition& e, const std::string& route, const std::string& method,
                const std::string& status) {
    return e.valueOr0("restd_http_requests_total",
                      {{"route", route}, {"method", method}, {"status", status}});
}

double bucket(const prom::Exposition& e, const std::string& route, const std::string& le) {
    return e.value("restd_http_request_duration_seconds_bucket", {{"route", route}, {"le", le}})
        .value_or(-1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(app_metrics)

BOOST_AUTO_TEST_CASE(every_family_has_help_and_type_even_before_any_request) {
    Region region({"/a"});
    std::string text = region.render({});
    prom::Exposition e = scrape(region);
    const auto& expected = prom::kRestdFamilies;
    BOOST_TEST(e.families.size() == std::size(expected));
    for (const auto& [name, type] : expected) {
        BOOST_TEST_CONTEXT(name) {
            const prom::Family* f = e.family(name);
            BOOST_REQUIRE(f != nullptr);
            BOOST_TEST(f->type == type);
            BOOST_TEST(!f->help.empty());
            BOOST_TEST(text.find("# HELP " + name + " ") < text.find("# TYPE " + name + " "));
        }
    }
    BOOST_TEST(e.family("restd_http_requests_total")->samples.empty());
    BOOST_TEST(e.family("restd_http_request_duration_seconds")->samples.empty());
    BOOST_TEST(e.valueOr0("restd_worker_restarts_total", {{"reason", "crash"}}) == 0);
    BOOST_TEST(e.value("restd_build_info", {{"version", common::kVersion}}).value_or(0) == 1);
}

BOOST_AUTO_TEST_CASE(counts_requests_by_route_pattern_method_and_status) {
    Region region({"/api/v1/users", "/api/v1/users/{id}"});
    for (int i = 0; i < 3; ++i) region.recordRequest("/api/v1/users/{id}", Method::Get, 200, 1ms);
    region.recordRequest("/api/v1/users", Method::Post, 201, 1ms);
    region.recordRequest("/api/v1/users", Method::Head, 304, 1ms);
    region.recordRequest("", Method::Get, 404, 1ms);
    region.recordRequest("/not/in/the/table", Method::Put, 405, 1ms);
    region.recordRequest("", Method::Other, 418, 1ms);
    prom::Exposition e = scrape(region);
    BOOST_TEST(requests(e, "/api/v1/users/{id}", "GET", "200") == 3);
    BOOST_TEST(requests(e, "/api/v1/users", "POST", "201") == 1);
    BOOST_TEST(requests(e, "/api/v1/users", "HEAD", "304") == 1);
    BOOST_TEST(requests(e, "unmatched", "GET", "404") == 1);
    BOOST_TEST(requests(e, "unmatched", "PUT", "405") == 1);
    BOOST_TEST(requests(e, "unmatched", "OTHER", "other") == 1);
    // Only series that happened are shown.
    BOOST_TEST(e.family("restd_http_requests_total")->samples.size() == 6u);
}

BOOST_AUTO_TEST_CASE(duration_buckets_are_cumulative_and_inf_equals_count) {
    Region region({"/a", "/b"});
    region.recordRequest("/a", Method::Get, 200, 500us);  // <= 0.001
    region.recordRequest("/a", Method::Get, 200, 1ms);    // <= 0.001 (bounds are inclusive)
    region.recordRequest("/a", Method::Get, 200, 3ms);    // <= 0.005
    region.recordRequest("/a", Method::Post, 500, 20s);   // +Inf only
    prom::Exposition e = scrape(region);
    BOOST_TEST(bucket(e, "/a", "0.001") == 2);
    BOOST_TEST(bucket(e, "/a", "0.0025") == 2);
    BOOST_TEST(bucket(e, "/a", "0.005") == 3);
    BOOST_TEST(bucket(e, "/a", "10") == 3);
    BOOST_TEST(bucket(e, "/a", "+Inf") == 4);
    BOOST_TEST(e.valueOr0("restd_http_request_duration_seconds_count", {{"route", "/a"}}) == 4);
    BOOST_TEST(e.valueOr0("restd_http_request_duration_seconds_sum", {{"route", "/a"}}) == 20.0045,
               boost::test_tools::tolerance(1e-9));
    // A route without requests has no histogram.
    BOOST_TEST(
        !e.value("restd_http_request_duration_seconds_count", {{"route", "/b"}}).has_value());
    const prom::Family* f = e.family("restd_http_request_duration_seconds");
    BOOST_TEST(f->samples.size() == app::metrics::kDurationBuckets.size() + 3);
}

BOOST_AUTO_TEST_CASE(label_values_escape_backslash_quote_and_newline) {
    Region region({"/a\\b\"c\nd"});
    region.recordRequest("/a\\b\"c\nd", Method::Get, 200, 1ms);
    std::string text = region.render({});
    BOOST_TEST(text.find(R"(route="/a\\b\"c\nd")") != std::string::npos);
    prom::Exposition e = scrape(region);
    BOOST_TEST(requests(e, "/a\\b\"c\nd", "GET", "200") == 1);
}

BOOST_AUTO_TEST_CASE(pool_gauges_sum_live_workers_and_a_released_slot_counts_no_more) {
    Region region({});
    int a = region.claimSlot(101);
    int b = region.claimSlot(102);
    BOOST_REQUIRE(a >= 0);
    BOOST_REQUIRE(b >= 0);
    BOOST_TEST(a != b);
    region.setPoolConnections(a, 2, 3);
    region.setPoolConnections(b, 1, 4);
    prom::Exposition e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_db_pool_connections", {{"state", "in_use"}}) == 3);
    BOOST_TEST(e.valueOr0("restd_db_pool_connections", {{"state", "idle"}}) == 7);
    BOOST_TEST(e.valueOr0("restd_workers") == 2);

    region.releaseSlot(101);
    e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_db_pool_connections", {{"state", "in_use"}}) == 1);
    BOOST_TEST(e.valueOr0("restd_db_pool_connections", {{"state", "idle"}}) == 4);
    BOOST_TEST(e.valueOr0("restd_workers") == 1);

    // The freed slot is taken again, with zeroed gauges.
    BOOST_TEST(region.claimSlot(103) == a);
    e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_db_pool_connections", {{"state", "idle"}}) == 4);
}

BOOST_AUTO_TEST_CASE(slots_run_out_at_the_limit_instead_of_overwriting) {
    Region region({});
    for (int i = 0; i < app::metrics::kMaxWorkerSlots; ++i) {
        BOOST_REQUIRE(region.claimSlot(1000 + i) == i);
    }
    BOOST_TEST(region.claimSlot(99999) == -1);
    region.setPoolConnections(-1, 5, 5);  // ignored
    BOOST_TEST(scrape(region).valueOr0("restd_db_pool_connections", {{"state", "idle"}}) == 0);
}

BOOST_AUTO_TEST_CASE(restarts_pool_waits_and_timeouts_are_counted) {
    Region region({});
    region.countRestart(Restart::Crash);
    region.countRestart(Restart::Crash);
    region.countRestart(Restart::Recycle);
    region.observePoolWait(50us);
    region.observePoolWait(30ms);
    region.countPoolTimeout();
    prom::Exposition e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_worker_restarts_total", {{"reason", "crash"}}) == 2);
    BOOST_TEST(e.valueOr0("restd_worker_restarts_total", {{"reason", "recycle"}}) == 1);
    BOOST_TEST(e.valueOr0("restd_db_pool_wait_seconds_bucket", {{"le", "0.0001"}}) == 1);
    BOOST_TEST(e.valueOr0("restd_db_pool_wait_seconds_bucket", {{"le", "0.025"}}) == 1);
    BOOST_TEST(e.valueOr0("restd_db_pool_wait_seconds_bucket", {{"le", "0.05"}}) == 2);
    BOOST_TEST(e.valueOr0("restd_db_pool_wait_seconds_count") == 2);
    BOOST_TEST(e.valueOr0("restd_db_pool_wait_seconds_sum") == 0.03005,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(e.valueOr0("restd_db_pool_wait_timeouts_total") == 1);
}

BOOST_AUTO_TEST_CASE(process_figures_and_master_start_time_are_rendered) {
    Region region({});
    region.setMaster(4242, 1795434496.25);
    region.claimSlot(4243);
    ProcessStats process;
    process.cpuSeconds = 1.5;
    process.residentBytes = 24563712;
    process.openFds = 60;
    prom::Exposition e = scrape(region, process);
    BOOST_TEST(e.valueOr0("process_cpu_seconds_total") == 1.5);
    BOOST_TEST(e.valueOr0("process_resident_memory_bytes") == 24563712);
    BOOST_TEST(e.valueOr0("process_open_fds") == 60);
    BOOST_TEST(e.valueOr0("process_start_time_seconds") == 1795434496.25);
    BOOST_TEST((region.processes() == std::vector<pid_t>{4242, 4243}));
}

BOOST_AUTO_TEST_CASE(cpu_seconds_never_go_down) {
    Region region({});
    BOOST_TEST(region.monotonicCpuSeconds(2.0) == 2.0);
    BOOST_TEST(region.monotonicCpuSeconds(1.5) == 2.0);  // a worker missed by this scrape
    BOOST_TEST(region.monotonicCpuSeconds(2.5) == 2.5);
}

// The point of the region: a forked child's counts show in the parent.
BOOST_AUTO_TEST_CASE(counts_of_a_forked_child_are_seen_by_the_parent) {
    Region region({"/a"});
    region.recordRequest("/a", Method::Get, 200, 1ms);
    pid_t child = fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        for (int i = 0; i < 1000; ++i) region.recordRequest("/a", Method::Get, 200, 1ms);
        region.setPoolConnections(region.claimSlot(getpid()), 1, 2);
        _exit(0);
    }
    int status = 0;
    BOOST_REQUIRE(waitpid(child, &status, 0) == child);
    BOOST_REQUIRE(WIFEXITED(status));
    prom::Exposition e = scrape(region);
    BOOST_TEST(requests(e, "/a", "GET", "200") == 1001);
    BOOST_TEST(bucket(e, "/a", "+Inf") == 1001);
    BOOST_TEST(e.valueOr0("restd_db_pool_connections", {{"state", "idle"}}) == 2);
    region.releaseSlot(child);
    BOOST_TEST(scrape(region).valueOr0("restd_db_pool_connections", {{"state", "idle"}}) == 0);
}

// php-fpm's active/idle processes and max children reached, per worker slot.
BOOST_AUTO_TEST_CASE(busy_and_idle_threads_per_worker_and_max_threads_reached) {
    Region region({});
    const int a = region.claimSlot(201);
    const int b = region.claimSlot(202);
    region.setAcceptThreads(a, 2);
    region.setAcceptThreads(b, 2);
    region.requestStarted(a);
    prom::Exposition e = scrape(region);
    const std::string wa = std::to_string(a), wb = std::to_string(b);
    BOOST_TEST(e.valueOr0("restd_requests_in_flight") == 1);
    BOOST_TEST(e.valueOr0("restd_worker_accept_threads", {{"worker", wa}, {"state", "busy"}}) == 1);
    BOOST_TEST(e.valueOr0("restd_worker_accept_threads", {{"worker", wa}, {"state", "idle"}}) == 1);
    BOOST_TEST(e.valueOr0("restd_worker_accept_threads", {{"worker", wb}, {"state", "idle"}}) == 2);
    BOOST_TEST(e.valueOr0("restd_max_threads_reached_total") == 0);

    region.requestStarted(a);  // a's last idle thread: reached
    region.requestStarted(b);  // b still has one
    e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_max_threads_reached_total") == 1);
    BOOST_TEST(e.valueOr0("restd_requests_in_flight") == 3);
    BOOST_TEST(e.valueOr0("restd_worker_accept_threads", {{"worker", wa}, {"state", "idle"}}) == 0);

    region.requestFinished(a);
    region.requestStarted(a);  // reached again
    region.requestFinished(b);
    e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_max_threads_reached_total") == 2);
    BOOST_TEST(e.valueOr0("restd_requests_in_flight") == 2);

    // A stopping worker has no idle thread; its requests still count busy.
    region.setAcceptThreads(a, 0);
    e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_worker_accept_threads", {{"worker", wa}, {"state", "busy"}}) == 2);
    BOOST_TEST(e.valueOr0("restd_worker_accept_threads", {{"worker", wa}, {"state", "idle"}}) == 0);

    // A reaped worker takes its series and its in-flight requests with it;
    // its slot comes back zeroed, under the same label.
    region.releaseSlot(201);
    e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_requests_in_flight") == 0);
    BOOST_TEST(!e.value("restd_worker_accept_threads", {{"worker", wa}, {"state", "busy"}}));
    BOOST_TEST(region.claimSlot(203) == a);
    e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_worker_accept_threads", {{"worker", wa}, {"state", "busy"}}) == 0);
    BOOST_TEST(e.valueOr0("restd_max_threads_reached_total") == 2);
}

BOOST_AUTO_TEST_CASE(slow_requests_and_the_listen_queue_are_rendered) {
    Region region({"/a"});
    region.recordRequest("/a", Method::Get, 200, 2s, true);
    region.recordRequest("/a", Method::Get, 200, 1ms, false);
    prom::Exposition e = scrape(region);
    BOOST_TEST(e.valueOr0("restd_slow_requests_total") == 1);
    // No queue read (not a socket): the gauges have no sample, the max is 0.
    BOOST_TEST(!e.value("restd_listen_queue_length"));
    BOOST_TEST(!e.value("restd_listen_backlog"));
    BOOST_TEST(e.valueOr0("restd_listen_queue_length_max") == 0);

    region.observeListenQueue({7, 128});
    region.observeListenQueue({3, 128});
    e = prom::parse(region.render({}, app::ListenQueue{2, 128}));
    BOOST_TEST(e.errors.empty());
    BOOST_TEST(e.valueOr0("restd_listen_queue_length") == 2);
    BOOST_TEST(e.valueOr0("restd_listen_queue_length_max") == 7);
    BOOST_TEST(e.valueOr0("restd_listen_backlog") == 128);
}

// The hooks are no-ops until init() maps a region (unit tests, tools).
BOOST_AUTO_TEST_CASE(hooks_do_nothing_without_a_region) {
    app::metrics::recordRequest("/a", Method::Get, 200, 1ms, true);
    app::metrics::requestStarted();
    app::metrics::requestFinished();
    app::metrics::setAcceptThreads(4);
    app::metrics::sampleListenQueue();
    app::metrics::countRestart(Restart::Crash);
    app::metrics::workerReaped(1);
    BOOST_TEST(app::metrics::render().empty());
}

// The reader these tests rely on must itself refuse what Prometheus would
// refuse (or what restd must never emit).
BOOST_AUTO_TEST_CASE(the_strict_reader_refuses_broken_expositions) {
    const std::string bad[] = {
        "x_total 1\n",                             // sample before TYPE
        "# TYPE x_total counter\nx_total 1",       // no final newline
        "# TYPE x_total counter\n\nx_total 1\n",   // blank line
        "# TYPE x counter\nx 1\n",                 // counter without _total
        "# TYPE 1x gauge\n",                       // bad name
        "# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n",  // duplicate label
        "# TYPE x gauge\nx{a=\"\\q\"} 1\n",        // bad escape
        "# TYPE x gauge\nx 1 1700000000\n",        // timestamp
        "# TYPE x gauge\nx 1\nx 2\n",              // duplicate series
        "# TYPE x gauge\n# TYPE y gauge\nx 1\n",   // group of another family
        "# TYPE x gauge\n# TYPE x gauge\n",        // second TYPE
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
        "h_sum 1\nh_count 1\n",                                               // not cumulative
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",  // +Inf != count
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_sum 1\nh_count 2\n",     // no +Inf
    };
    for (const std::string& text : bad) {
        BOOST_TEST(!prom::parse(text).errors.empty(), "accepted: " << text);
    }
    prom::Exposition ok = prom::parse(
        "# HELP h A histogram.\n# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\n"
        "h_bucket{le=\"+Inf\"} 2\nh_sum 3.5\nh_count 2\n");
    BOOST_TEST(ok.errors.empty(), errorsOf(ok));
    BOOST_TEST(ok.family("h")->help == "A histogram.");
}

BOOST_AUTO_TEST_SUITE_END()
