// SPDX-License-Identifier: Apache-2.0
// Faults under load, through nginx on the private stack: MariaDB killed and
// restarted, MariaDB read-only, the pool exhausted by slow statements, a
// worker killed and a worker crashing, slow clients, and ten times more
// connections than restd has threads. A load of client threads (load.h) runs
// through each fault; each test prints its figures (status counts, latency
// percentiles, writes acknowledged) with BOOST_TEST_MESSAGE
// (--log_level=message shows them) and asserts what a client may see: 503
// envelopes with Retry-After where the database cannot serve, never a 500,
// no request outliving its bound, and no write acknowledged with a 2xx lost
// or duplicated (every write carries a unique title; the rows are counted
// afterwards).
//
// Runs after every other suite but zz_log_hygiene (files link, and so run, in
// sorted order): it restarts MariaDB and restd, and a restarted restd starts
// afresh what the suites after it would otherwise find (which worker holds
// nginx's kept connections, among others).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/load.h"
#include "../support/restd_control.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace std::chrono_literals;

namespace {

// A little above restd's REQUEST_TIMEOUT_SECONDS (30 s, the stack sets none):
// an answer later than this is a hang.
constexpr long kRequestBoundSeconds = 35;

// A write load of `threads` clients, bounded at `maxDuration`, each request
// bounded at kRequestBoundSeconds, every write titled `prefix`-N.
Load::Options faultLoad(int threads, std::chrono::milliseconds maxDuration,
                        std::chrono::milliseconds pause, const std::string& prefix) {
    return {.threads = threads,
            .maxDuration = maxDuration,
            .pause = pause,
            .requestTimeoutSeconds = kRequestBoundSeconds,
            .markerPrefix = prefix};
}

int totalThreads() { return stack().workers() * std::stoi(stack().setting("THREADS_PER_WORKER")); }

// Writes (a post titled with the request's marker), an authenticated read
// that needs the database, and GET /health, which does not.
std::vector<LoadRequest> writeMix(const Account& user, long writeStatus = 201) {
    return {
        {.method = "POST",
         .path = "/api/v1/posts",
         .headers = {bearer(user.token), "Content-Type: application/json"},
         .body = object({{"title", str(std::string(kMarker))}, {"body", str("fault load")}}),
         .expectStatus = writeStatus},
        {.path = "/api/v1/users/" + std::to_string(user.id), .headers = {bearer(user.token)}},
        {.path = "/health"},
    };
}

void report(std::string_view what, const LoadResult& result) {
    BOOST_TEST_MESSAGE(what << ": " << result.summary());
    BOOST_TEST_MESSAGE("  " << result.figures());
    for (const std::string& example : result.examples) BOOST_TEST_MESSAGE("  failed: " << example);
}

// Every write acknowledged with a 2xx is a row, once; no marker is a row twice.
void checkWrites(const LoadResult& result, const std::string& prefix) {
    std::optional<std::string> rows =
        sql("SELECT title, COUNT(*) FROM posts WHERE title LIKE '" + prefix + "-%' GROUP BY title");
    BOOST_REQUIRE_MESSAGE(rows, "cannot count the rows of " << prefix);
    std::map<std::string, long> counts;
    std::istringstream lines(*rows);
    std::string title;
    long count = 0;
    while (lines >> title >> count) counts[title] = count;

    long lost = 0, duplicated = 0;
    for (const std::string& marker : result.acknowledged) {
        if (counts[marker] == 0) {
            ++lost;
            BOOST_ERROR("acknowledged write " << marker << " has no row");
        }
    }
    for (const auto& [marker, n] : counts) {
        if (n > 1) {
            ++duplicated;
            BOOST_ERROR("write " << marker << " is " << n << " rows");
        }
    }
    long stored = std::count_if(counts.begin(), counts.end(),
                                [](const auto& entry) { return entry.second > 0; });
    BOOST_TEST_MESSAGE("  writes: " << result.attempted.size() << " sent, "
                                    << result.acknowledged.size() << " acknowledged, " << stored
                                    << " rows; " << lost << " lost, " << duplicated
                                    << " duplicated");
    // Thousands of rows left behind would push the later suites' posts out of
    // the window a searched list examines.
    if (!sql("DELETE FROM posts WHERE title LIKE '" + prefix + "-%'"))
        BOOST_ERROR("cannot delete the rows of " << prefix);
}

// Answers after a fault: `count` authenticated reads in a row, each bounded.
int consecutiveReads(const Account& user, int count) {
    int ok = 0;
    while (ok < count && send("GET", "/api/v1/users/" + std::to_string(user.id), user.token, {}, {},
                              {.timeoutSeconds = 10})
                                 .status == 200) {
        ++ok;
    }
    return ok;
}

// A load after the fault, that nothing of it may fail: every worker serves again.
void checkServesNormally(const Account& user) {
    const std::string prefix = uniqueName("after");
    Load after(writeMix(user), faultLoad(4, 1500ms, 5ms, prefix));
    after.start();
    std::this_thread::sleep_for(1500ms);
    LoadResult result = after.stop();
    report("after the fault", result);
    BOOST_CHECK_EQUAL(result.failed, 0);
    BOOST_CHECK_GE(result.sent, 20);
    checkWrites(result, prefix);
}

void checkRetryAfter(const HttpResponse& response) {
    checkError(response, 503, "SERVICE_UNAVAILABLE");
    std::string retryAfter = response.header("Retry-After").value_or("");
    BOOST_CHECK_MESSAGE(
        !retryAfter.empty() && std::all_of(retryAfter.begin(), retryAfter.end(),
                                           [](char c) { return c >= '0' && c <= '9'; }),
        "Retry-After is not a number of seconds: '" << retryAfter << "'");
}

// A client that sends its request a few bytes at a time over a raw
// connection to nginx, from its own loopback address.
class SlowClient {
  public:
    SlowClient(const std::string& address, std::string request) : request_(std::move(request)) {
        const std::string base = stack().env("BASE_URL");  // http://127.0.0.1:PORT
        const int port = std::stoi(base.substr(base.rfind(':') + 1));
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        inet_pton(AF_INET, address.c_str(), &local.sin_addr);
        sockaddr_in remote{};
        remote.sin_family = AF_INET;
        remote.sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
        connected_ = fd_ >= 0 &&
                     bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
                     connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) == 0;
    }
    ~SlowClient() {
        if (fd_ >= 0) close(fd_);
    }
    SlowClient(const SlowClient&) = delete;
    SlowClient& operator=(const SlowClient&) = delete;

    // Sends the next `bytes` bytes of the request; false once the
    // connection failed (nginx closed it).
    bool dribble(size_t bytes) {
        if (!connected_) return false;
        if (sent_ >= request_.size()) return true;
        size_t n = std::min(bytes, request_.size() - sent_);
        ssize_t w = ::send(fd_, request_.data() + sent_, n, MSG_NOSIGNAL);
        if (w <= 0) return connected_ = false;
        sent_ += static_cast<size_t>(w);
        return true;
    }
    // Nothing came back yet: nginx still waits for the rest of the request.
    bool stillWaiting() const {
        if (!connected_) return false;
        pollfd p{fd_, POLLIN, 0};
        return poll(&p, 1, 0) == 0;
    }
    bool complete() const { return sent_ >= request_.size(); }

  private:
    int fd_ = -1;
    bool connected_ = false;
    std::string request_;
    size_t sent_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(mariadb_killed_mid_load_answers_503_and_every_worker_recovers) {
    const Account user = registerAccount("flt");
    const pid_t master = stack().masterPid();
    const std::vector<pid_t> workers = settledWorkers();
    const std::string prefix = uniqueName("dbkill");
    Load load(writeMix(user), faultLoad(6, 60s, 5ms, prefix));
    load.start();
    std::this_thread::sleep_for(1s);

    DatabaseRestarter restarter;
    const pid_t mariadb = static_cast<pid_t>(std::stol(stack().env("MARIADB_PID")));
    restarter.down = true;
    BOOST_REQUIRE_EQUAL(kill(mariadb, SIGKILL), 0);
    BOOST_REQUIRE(waitUntil([&] { return !processAlive(mariadb); }, 10s, 20ms));
    HttpResponse ready;
    bool unready = waitUntil(
        [&] {
            ready = send("GET", "/ready");
            return ready.status == 503;
        },
        10s, 100ms);
    BOOST_CHECK_MESSAGE(unready, "GET /ready with MariaDB killed: " << ready.summary());
    if (unready) checkRetryAfter(ready);
    std::this_thread::sleep_for(1500ms);  // the load meets the outage

    BOOST_REQUIRE_EQUAL(stack().runStack("start-db"), 0);
    restarter.down = false;
    stack().reloadEnv();
    bool recovered = waitUntil(
        [&] {
            ready = send("GET", "/ready");
            return ready.status == 200;
        },
        20s, 100ms);
    BOOST_CHECK_MESSAGE(recovered, "GET /ready after MariaDB restarted: " << ready.summary());
    std::this_thread::sleep_for(1s);
    LoadResult result = load.stop();

    report("MariaDB SIGKILLed and restarted under load", result);
    BOOST_CHECK_EQUAL(result.failedOtherThan({"POST 503", "GET 503"}), 0);
    BOOST_CHECK_GT(result.failed, 0);  // the outage was met
    BOOST_CHECK_EQUAL(result.bare503, 0);
    checkWrites(result, prefix);
    // Recovered without a restart: the same master and workers serve again.
    BOOST_CHECK_EQUAL(stack().masterPid(), master);
    BOOST_CHECK(stack().workerPids() == workers);
    checkServesNormally(user);
}

BOOST_AUTO_TEST_CASE(read_only_mariadb_refuses_writes_with_503_and_serves_reads) {
    const Account user = registerAccount("flt");
    // read_only binds accounts without SUPER (READ_ONLY ADMIN): restd's must be one.
    std::optional<std::string> grants = adminSql("SHOW GRANTS FOR 'restd'@'localhost'");
    BOOST_REQUIRE(grants);
    for (std::string_view privilege : {"SUPER", "READ_ONLY ADMIN", "ALL PRIVILEGES ON *.*"}) {
        BOOST_REQUIRE_MESSAGE(grants->find(privilege) == std::string::npos,
                              "restd's account has " << privilege << ":\n"
                                                     << *grants);
    }

    struct ReadOnly {
        ReadOnly() { BOOST_REQUIRE(adminSql("SET GLOBAL read_only = 1")); }
        ~ReadOnly() { end(); }
        void end() {
            if (on && !adminSql("SET GLOBAL read_only = 0")) BOOST_ERROR("read_only stays on");
            on = false;
        }
        bool on = true;
    } readOnly;

    const size_t offset = restdLog().size();
    const std::string prefix = uniqueName("ro");
    Load during(writeMix(user, 503), faultLoad(4, 2s, 5ms, prefix + "-during"));
    during.start();
    std::this_thread::sleep_for(2s);
    LoadResult duringResult = during.stop();
    HttpResponse write =
        send("POST", "/api/v1/posts", user.token,
             object({{"title", str(prefix + "-single")}, {"body", str("read-only")}}));
    HttpResponse relogin = login(user.email, user.password);
    readOnly.end();

    report("MariaDB read-only", duringResult);
    BOOST_CHECK_EQUAL(duringResult.failed, 0);
    BOOST_CHECK_GT(duringResult.answered("POST 503"), 0);
    BOOST_CHECK_EQUAL(duringResult.bare503, 0);
    BOOST_TEST_MESSAGE("  a write: " << write.summary());
    BOOST_TEST_MESSAGE("  a login: " << relogin.summary());
    checkRetryAfter(write);
    BOOST_CHECK_MESSAGE(
        jsonString(json(write.body), "error").find("read-only") != std::string::npos,
        "the 503 does not say the database is read-only: " << write.summary());
    // A login writes (its refresh token): refused the same way, or served.
    BOOST_CHECK_MESSAGE(relogin.status == 200 || relogin.status == 503,
                        "login while read-only: " << relogin.summary());
    // A refused write leaves its connection good for reads: the pool keeps it
    // rather than reconnect once per write.
    BOOST_CHECK_MESSAGE(linesWith(logSince(offset), {"db connection lost"}).empty(),
                        "the pool dropped connections over refused writes");
    checkWrites(duringResult, prefix + "-during");
    checkServesNormally(user);
}

BOOST_AUTO_TEST_CASE(pool_exhausted_by_slow_writes_answers_503_past_the_wait_and_recovers) {
    const Account user = registerAccount("flt");
    EnvFile file;
    file.set({{"DB_POOL_MAX", "2"}, {"DB_POOL_WAIT_MS", "300"}});
    reloadRestd(false, true);
    const std::string prefix = uniqueName("pool");
    // Real slowness: each write of this test holds its connection for 1 s in
    // MariaDB, so a worker's threads outnumber its two connections.
    Trigger slow("test_flt_pool", "BEFORE INSERT ON posts FOR EACH ROW BEGIN IF NEW.title LIKE '" +
                                      prefix + "-%' THEN DO SLEEP(1); END IF; END");
    Load load(writeMix(user), faultLoad(2 * totalThreads(), 4s, 0ms, prefix));
    load.start();
    std::this_thread::sleep_for(4s);
    LoadResult result = load.stop();
    slow.drop();

    report("DB_POOL_MAX=2, DB_POOL_WAIT_MS=300, 1 s writes", result);
    for (const char* key : {"GET 503", "POST 503"}) {
        if (result.fastestMs.contains(key)) {
            BOOST_TEST_MESSAGE("  fastest " << key << ": " << result.fastestMs.at(key) << " ms");
        }
    }
    BOOST_CHECK_EQUAL(result.failedOtherThan({"POST 503", "GET 503"}), 0);
    BOOST_CHECK_GT(result.answered("POST 503") + result.answered("GET 503"), 0);
    BOOST_CHECK_GT(result.answered("POST 201"), 0);
    BOOST_CHECK_EQUAL(result.bare503, 0);
    checkWrites(result, prefix);
    BOOST_CHECK_EQUAL(consecutiveReads(user, 20), 20);  // no deadlock
}

// ---- A worker fault under a write load: the load, the wait for the
// replacement, and what the load may have seen.
namespace {

constexpr int kWorkerFaultClients = 6;

Load::Options workerFaultLoad(const std::string& prefix) {
    return faultLoad(kWorkerFaultClients, 30s, 2ms, prefix);
}

// Whether, within 10 s, the workers are as many as before again and not the same.
bool workerReplaced(const std::vector<pid_t>& before) {
    return waitUntil(
        [&] {
            std::vector<pid_t> now = stack().workerPids();
            return now.size() == before.size() && now != before;
        },
        10s, 50ms);
}

// At most what the lost worker held failed (one request per client, see
// supervision), only with nginx's 502, and no acknowledged write is lost.
void checkWorkerFaultLoad(const LoadResult& result, const std::string& prefix) {
    BOOST_CHECK_LE(result.failed, kWorkerFaultClients);
    BOOST_CHECK_EQUAL(result.failedOtherThan({"GET 502", "POST 502"}), 0);
    checkWrites(result, prefix);
}

}  // namespace

BOOST_AUTO_TEST_CASE(worker_killed_under_write_load_loses_no_acknowledged_write) {
    const Account user = registerAccount("flt");
    const std::vector<pid_t> before = settledWorkers();
    const std::string prefix = uniqueName("kill");
    Load load(writeMix(user), workerFaultLoad(prefix));
    load.start();
    std::this_thread::sleep_for(1s);
    const pid_t victim = before.front();
    BOOST_REQUIRE_EQUAL(kill(victim, SIGKILL), 0);
    stack().noteWorkerKilled();
    bool replaced = workerReplaced(before);
    std::this_thread::sleep_for(1s);
    LoadResult result = load.stop();

    report("SIGKILL of a worker under write load", result);
    BOOST_CHECK_MESSAGE(replaced, "the killed worker was not replaced within 10 s");
    const std::vector<pid_t> now = stack().workerPids();
    BOOST_CHECK(std::find(now.begin(), now.end(), victim) == now.end());
    checkWorkerFaultLoad(result, prefix);
}

// restd-test's POST /__test/crash aborts its worker. bin/restd has no such
// route; the stack runs restd-test for this test only.
BOOST_AUTO_TEST_CASE(worker_crash_is_replaced_and_fails_only_its_own_request) {
    const Account user = registerAccount("flt");
    const std::vector<pid_t> productWorkers = settledWorkers();
    HttpResponse absent =
        request("POST", stack().url("/__test/crash"), {"Content-Type: application/json"}, "{}");
    checkError(absent, 404, "NOT_FOUND");
    BOOST_CHECK(settledWorkers() == productWorkers);

    const std::filesystem::path testBin = stack().restdTestBin();
    BOOST_REQUIRE_MESSAGE(std::filesystem::exists(testBin),
                          testBin << " is missing: build it (make " << testBin.string() << ")");
    struct Swap {
        explicit Swap(const std::filesystem::path& bin) {
            BOOST_REQUIRE_EQUAL(stack().restartRestd(bin), 0);
        }
        ~Swap() {
            if (stack().restartRestd(stack().restdBin()) != 0) BOOST_ERROR("bin/restd is not back");
        }
    } swap(testBin);
    BOOST_REQUIRE(waitUntil([] { return get(stack().url("/health")).status == 200; }, 10s));
    const std::vector<pid_t> before = settledWorkers();

    const std::string prefix = uniqueName("crash");
    Load load(writeMix(user), workerFaultLoad(prefix));
    load.start();
    std::this_thread::sleep_for(1s);
    const size_t offset = restdLog().size();
    HttpResponse crashed =
        request("POST", stack().url("/__test/crash"), {"Content-Type: application/json"}, "{}");
    stack().noteWorkerAborted();
    bool replaced = workerReplaced(before);
    std::this_thread::sleep_for(1s);
    LoadResult result = load.stop();

    report("a worker aborting under write load", result);
    BOOST_TEST_MESSAGE("  the crashing request: " << crashed.summary());
    checkError(crashed, 502, "BAD_GATEWAY");
    BOOST_CHECK_MESSAGE(replaced, "the crashed worker was not replaced within 10 s");
    BOOST_CHECK_MESSAGE(
        !linesWith(logSince(offset), {R"("msg":"worker died")", R"("signal":6)"}).empty(),
        "no 'worker died' line with signal 6:\n"
            << logSince(offset));
    checkWorkerFaultLoad(result, prefix);
}

// nginx reads a request whole before it passes it on (headers, and the body:
// fastcgi_request_buffering), so clients that send slowly hold none of
// restd's threads: with twice as many of them dribbling as restd has threads,
// that many fast requests at once are all answered, and the slow ones are
// still waiting for nginx when the fast ones are done.
BOOST_AUTO_TEST_CASE(slow_clients_are_absorbed_by_nginx_and_hold_no_worker_thread) {
    const Account user = registerAccount("flt");
    const int threads = totalThreads();
    std::vector<std::unique_ptr<SlowClient>> slow;
    for (int i = 0; i < 2 * threads; ++i) {
        const std::string address = "127.0.3." + std::to_string(1 + i);
        if (i % 2 == 0) {  // slowloris: headers that never end
            std::string request = "GET /api/v1/users/" + std::to_string(user.id) +
                                  " HTTP/1.1\r\nHost: localhost\r\n" + bearer(user.token) + "\r\n";
            for (int h = 0; h < 200; ++h) request += "X-Slow-" + std::to_string(h) + ": x\r\n";
            slow.push_back(std::make_unique<SlowClient>(address, request + "\r\n"));
        } else {  // a body upload a few bytes at a time
            std::string body = object(
                {{"title", str(uniqueName("slowbody"))}, {"body", str(std::string(4000, 'b'))}});
            slow.push_back(std::make_unique<SlowClient>(
                address, "POST /api/v1/posts HTTP/1.1\r\nHost: localhost\r\n" + bearer(user.token) +
                             "\r\nContent-Type: application/json\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body));
        }
    }
    std::atomic<bool> stop{false};
    std::thread dribbler([&] {
        while (!stop) {
            for (auto& client : slow) client->dribble(8);
            std::this_thread::sleep_for(200ms);
        }
    });
    std::this_thread::sleep_for(1s);  // every slow request is under way

    std::vector<HttpResponse> fast(static_cast<size_t>(threads));
    std::vector<std::thread> clients;
    for (int i = 0; i < threads; ++i) {
        clients.emplace_back([&, i] {
            fast[static_cast<size_t>(i)] = request(
                "GET", stack().url("/api/v1/users/" + std::to_string(user.id)),
                {bearer(user.token)}, {}, {.timeoutSeconds = 10, .sourceAddress = "127.0.3.200"});
        });
    }
    for (auto& c : clients) c.join();
    HttpResponse write = send(
        "POST", "/api/v1/posts", user.token,
        object({{"title", str(uniqueName("fastpost"))}, {"body", str("beside slow clients")}}));
    long waiting = std::count_if(slow.begin(), slow.end(),
                                 [](const auto& c) { return !c->complete() && c->stillWaiting(); });
    stop = true;
    dribbler.join();

    long ok = std::count_if(fast.begin(), fast.end(),
                            [](const HttpResponse& r) { return r.status == 200; });
    BOOST_TEST_MESSAGE("slow clients: " << slow.size() << " dribbling (" << waiting
                                        << " still waiting at the end), " << ok << " of " << threads
                                        << " concurrent fast reads answered 200, a "
                                        << "fast write " << write.status);
    BOOST_CHECK_EQUAL(ok, threads);
    for (const HttpResponse& r : fast) {
        if (r.status != 200) BOOST_TEST_MESSAGE("  fast read: " << r.summary());
    }
    BOOST_CHECK_EQUAL(write.status, 201);
    BOOST_CHECK_EQUAL(waiting, static_cast<long>(slow.size()));
}

// Ten times more connections than restd has threads, for 30 s: restd answers
// them all (queued, or shed with a 503 envelope), never a 500 or a hang, and
// serves normally as soon as the load stops.
BOOST_AUTO_TEST_CASE(overload_of_ten_connections_per_thread_is_queued_or_shed) {
    const Account user = registerAccount("flt");
    const std::string prefix = uniqueName("over");
    std::vector<LoadRequest> mix = writeMix(user);
    mix.push_back({.path = "/api/v1/posts?limit=5", .headers = {bearer(user.token)}});
    // Each client thread sends from its own address (load.h): nginx's
    // per-address API_RATE stays far above what one thread sends.
    const int clients = 10 * totalThreads();
    Load::Options options = faultLoad(clients, 40s, 0ms, prefix);
    options.maxRequests = 100000000;
    options.firstAddress = 100;
    Load load(mix, options);
    load.start();
    std::this_thread::sleep_for(30s);
    LoadResult result = load.stop();
    const int afterwards = consecutiveReads(user, 20);

    report(std::to_string(clients) + " connections for " + std::to_string(totalThreads()) +
               " threads, 30 s",
           result);
    BOOST_CHECK_EQUAL(result.failedOtherThan({"GET 503", "POST 503"}), 0);
    BOOST_CHECK_EQUAL(result.bare503, 0);
    BOOST_CHECK_GT(result.answered("GET 200"), 0);
    BOOST_CHECK_GT(result.answered("POST 201"), 0);
    checkWrites(result, prefix);
    BOOST_CHECK_EQUAL(afterwards, 20);
}

BOOST_AUTO_TEST_SUITE_END()
