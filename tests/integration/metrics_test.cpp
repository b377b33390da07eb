// SPDX-License-Identifier: Apache-2.0
// GET /metrics through nginx: the whole exposition read by a strict parser
// (tests/support/prometheus_text.h) and by promtool, counters that add up
// over every worker and survive a worker's death, the pool gauges of a killed
// worker leaving with it, php-fpm's status figures (threads busy per worker,
// max threads reached, slow requests, the listen queue) provoked through the
// real stack, and nginx refusing the page to other client addresses.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/fcgi_client.h"
#include "../support/http_client.h"
#include "../support/process.h"
#include "../support/prometheus_text.h"
#include "../support/restd_control.h"
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

prom::Exposition parsed(const std::string& text) {
    prom::Exposition e = prom::parse(text);
    std::ostringstream errors;
    for (const std::string& error : e.errors) errors << "\n  " << error;
    BOOST_REQUIRE_MESSAGE(e.errors.empty(),
                          "/metrics is not valid exposition text:" << errors.str());
    return e;
}

// GET /metrics straight to restd's socket: a new connection, which any
// worker with an idle accept thread takes (nginx may hold its kept
// connections in a worker whose threads are all busy).
prom::Exposition scrapeDirect() {
    FcgiResponse response = fcgiGet(stack().env("RESTD_SOCKET"), "/metrics");
    BOOST_REQUIRE_MESSAGE(response.completed() && response.status == 200, response.summary());
    return parsed(response.body);
}

// restd_worker_accept_threads by worker label: {busy, idle}.
std::map<std::string, std::pair<double, double>> acceptThreads(const prom::Exposition& e) {
    std::map<std::string, std::pair<double, double>> byWorker;
    const prom::Family* f = e.family("restd_worker_accept_threads");
    if (!f) return byWorker;
    for (const prom::Sample& sample : f->samples) {
        auto& entry = byWorker[sample.labels.at("worker")];
        (sample.labels.at("state") == "busy" ? entry.first : entry.second) = sample.value;
    }
    return byWorker;
}

// The times the process waited (voluntary_ctxt_switches of
// /proc/PID/status); -1 when it cannot be read.
long voluntarySwitches(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    constexpr std::string_view kKey = "voluntary_ctxt_switches:";
    while (std::getline(status, line)) {
        if (line.starts_with(kKey)) return std::stol(line.substr(kKey.size()));
    }
    return -1;
}

// Every thread of the process is stopped (state T): SIGSTOP takes effect
// some time after kill() returns.
bool allThreadsStopped(pid_t pid) {
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    std::error_code error;
    for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
        std::string stat = readFile(task.path() / "stat");
        size_t end = stat.rfind(')');
        if (end == std::string::npos || end + 2 >= stat.size() || stat[end + 2] != 'T')
            return false;
    }
    return !error;
}

// SIGCONT to every process it stopped, when the test ends whatever happens.
struct Stopped {
    std::vector<pid_t> pids;
    void resume() {
        for (pid_t pid : pids) kill(pid, SIGCONT);
        pids.clear();
    }
    ~Stopped() { resume(); }
};

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
    // CPU time comes in clock ticks (10 ms): a stack that has just started
    // may have used less. Requests until it shows (a few at most).
    BOOST_CHECK_MESSAGE(waitUntil(
                            [] {
                                for (int i = 0; i < 20; ++i) get(stack().url("/health"));
                                return scrape().valueOr0("process_cpu_seconds_total") > 0;
                            },
                            10s, 10ms),
                        "process_cpu_seconds_total stays 0");
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

// php-fpm's active processes, max children reached and slow requests: seven
// posts held four seconds each by a trigger occupy all but one of the
// stack's accept threads (WORKERS x THREADS_PER_WORKER = 8), so one worker
// has all of its threads busy; the scrapes go straight to the socket, where
// the worker with the idle thread takes them.
BOOST_AUTO_TEST_CASE(held_requests_show_busy_threads_max_threads_reached_and_slow_requests) {
    const int threadsPerWorker = std::stoi(stack().setting("THREADS_PER_WORKER"));
    const int held = stack().workers() * threadsPerWorker - 1;
    const api::Account author = api::registerAccount("mheld");
    api::Trigger hold("test_metrics_hold",
                      "BEFORE INSERT ON posts FOR EACH ROW BEGIN IF NEW.author_id = " +
                          std::to_string(author.id) + " THEN DO SLEEP(4); END IF; END");
    const prom::Exposition before = scrapeDirect();
    const size_t logOffset = restdLog().size();

    std::vector<int> statuses(static_cast<size_t>(held), 0);
    std::vector<std::thread> posts;
    for (int i = 0; i < held; ++i) {
        posts.emplace_back([&, i] {
            statuses[static_cast<size_t>(i)] =
                api::send("POST", "/api/v1/posts", author.token,
                          api::object({{"title", api::str(api::uniqueName("Held "))},
                                       {"body", api::str("held by a trigger")}}))
                    .status;
        });
    }
    // Until a scrape finds a worker with every thread busy and more requests
    // in flight than one worker holds (the posts last four seconds: long
    // enough for the scrapes to see it). The second half matters: while the
    // first posts still travel, the scrape itself can be what fills a worker.
    prom::Exposition during;
    bool full = waitUntil(
        [&] {
            during = scrapeDirect();
            int busyNow = 0;
            bool oneFull = false;
            for (const auto& [worker, threads] : acceptThreads(during)) {
                busyNow += static_cast<int>(threads.first);
                if (threads.first == threadsPerWorker && threads.second == 0) oneFull = true;
            }
            return oneFull && busyNow >= threadsPerWorker + 1;
        },
        3500ms, 50ms);
    for (auto& post : posts) post.join();
    for (int status : statuses) BOOST_CHECK_EQUAL(status, 201);
    BOOST_REQUIRE_MESSAGE(
        full, "no scrape found a worker with all " << threadsPerWorker << " threads busy");

    // The in-flight gauge is the sum of the busy threads: the full worker's,
    // and the scrape's own in the other.
    const auto threads = acceptThreads(during);
    BOOST_CHECK_EQUAL(threads.size(), static_cast<size_t>(stack().workers()));
    double busy = 0;
    for (const auto& [worker, state] : threads) {
        busy += state.first;
        BOOST_CHECK_EQUAL(state.first + state.second, threadsPerWorker);
    }
    BOOST_TEST_MESSAGE(held << " held posts: " << busy << " threads busy, max threads reached +"
                            << during.valueOr0("restd_max_threads_reached_total") -
                                   before.valueOr0("restd_max_threads_reached_total"));
    BOOST_CHECK_EQUAL(during.valueOr0("restd_requests_in_flight"), busy);
    BOOST_CHECK_GE(busy, threadsPerWorker + 1);
    BOOST_CHECK_GE(during.valueOr0("restd_max_threads_reached_total") -
                       before.valueOr0("restd_max_threads_reached_total"),
                   1);

    // Each post took over SLOW_REQUEST_MS (1000 by default): counted, and
    // logged as a slow request naming its method and route.
    const prom::Exposition after = scrapeDirect();
    BOOST_CHECK_GE(
        after.valueOr0("restd_slow_requests_total") - before.valueOr0("restd_slow_requests_total"),
        held);
    std::vector<std::string> slow =
        linesWith(logSince(logOffset),
                  {R"("msg":"slow request")", R"("method":"POST")", R"("route":"/api/v1/posts")"});
    BOOST_CHECK_EQUAL(slow.size(), static_cast<size_t>(held));
    // Only this scrape is in flight now; every other thread is idle again.
    BOOST_CHECK_EQUAL(after.valueOr0("restd_requests_in_flight"), 1);
}

// php-fpm's listen queue: with the workers stopped (SIGSTOP), a scrape and
// then twelve connections that never send a byte wait in the socket. Once
// the workers go on, the scrape is taken first (the queue is FIFO); the
// other seven threads can each take at most one silent connection (it holds
// its thread until closed), so the scrape sees at least five still queued.
// All thirteen waited together only while the workers were stopped, when
// no scrape could be served: the maximum shows them once the master has
// sampled the queue meanwhile (it does between two polls: two of its waits
// in poll(2), and any in the sample's own recv(2), after the connects).
BOOST_AUTO_TEST_CASE(the_listen_queue_shows_connections_no_worker_has_taken) {
    const std::string socketPath = stack().env("RESTD_SOCKET");
    const int threads = stack().workers() * std::stoi(stack().setting("THREADS_PER_WORKER"));
    constexpr int kSilent = 12;
    std::vector<int> silent;
    struct Closer {
        std::vector<int>& fds;
        ~Closer() {
            for (int fd : fds) close(fd);
        }
    } closer{silent};

    Stopped stopped;
    for (pid_t pid : stack().workerPids()) {
        BOOST_REQUIRE_EQUAL(kill(pid, SIGSTOP), 0);
        stopped.pids.push_back(pid);
    }
    BOOST_REQUIRE(
        waitUntil([&] { return std::ranges::all_of(stopped.pids, allThreadsStopped); }, 5s, 10ms));
    FcgiRequest queuedScrape(socketPath, "GET", "/metrics");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    BOOST_REQUIRE_LT(socketPath.size(), sizeof address.sun_path);
    std::copy(socketPath.begin(), socketPath.end(), address.sun_path);
    for (int i = 0; i < kSilent; ++i) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        BOOST_REQUIRE(fd >= 0);
        silent.push_back(fd);
        BOOST_REQUIRE_EQUAL(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    }
    const long switches = voluntarySwitches(stack().masterPid());
    BOOST_CHECK(waitUntil([&] { return voluntarySwitches(stack().masterPid()) >= switches + 3; },
                          5s, 20ms));
    stopped.resume();

    FcgiResponse response = queuedScrape.receive(15s);
    BOOST_REQUIRE_MESSAGE(response.completed() && response.status == 200, response.summary());
    prom::Exposition e = parsed(response.body);
    const double length = e.valueOr0("restd_listen_queue_length");
    BOOST_TEST_MESSAGE("listen queue at the queued scrape: " << length << " of backlog "
                                                             << e.valueOr0("restd_listen_backlog"));
    BOOST_CHECK_GE(length, kSilent - (threads - 1));
    BOOST_CHECK_GE(e.valueOr0("restd_listen_queue_length_max"), length);
    BOOST_CHECK_GT(e.valueOr0("restd_listen_backlog"), kSilent);

    // Closed, they leave the queue (or free the threads that took them).
    for (int fd : silent) close(fd);
    silent.clear();
    prom::Exposition drained;
    BOOST_CHECK(waitUntil(
        [&] {
            drained = scrape();
            return drained.value("restd_listen_queue_length") == 0.0;
        },
        5s, 50ms));
    BOOST_CHECK_GE(drained.valueOr0("restd_listen_queue_length_max"), kSilent + 1);
}

// The exposition as Prometheus's own linter reads it: `promtool check
// metrics` prints nothing and exits 0 (names, HELP and TYPE of every family,
// counters ending in _total, units in base units).
BOOST_AUTO_TEST_CASE(promtool_check_metrics_finds_nothing_to_say) {
    // Every family has samples: a histogram of each kind was observed.
    BOOST_REQUIRE_EQUAL(get(stack().url("/health")).status, 200);
    HttpResponse response = get(stack().url("/metrics"));
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    const std::filesystem::path file = stack().stackDir() / "metrics-promtool.txt";
    {
        std::ofstream out(file);
        out << response.body;
    }
    CommandResult check =
        runCommand({"sh", "-c", "promtool check metrics < \"$0\"", file.string()}, {}, 60s);
    BOOST_TEST_MESSAGE("promtool check metrics: exit " << check.status << ", output: \""
                                                       << check.output << "\"");
    BOOST_CHECK_MESSAGE(check.ok() && check.output.empty(),
                        "promtool check metrics (scripts/deps installs it): " << check.summary());
}

BOOST_AUTO_TEST_SUITE_END()
