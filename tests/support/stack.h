// SPDX-License-Identifier: Apache-2.0
// The private stack of an integration run: MariaDB, restd and nginx, started
// by `scripts/stack start` with STACK_DIR=<repo>/var/test-stack (fresh each
// run) on free ports, with the test settings below. The global fixture in
// tests/integration/main.cpp starts it once; it is stopped by the fixture's
// teardown, when start fails half-way, and when the test binary gets SIGINT,
// SIGTERM or SIGHUP. The output of every scripts/stack call is appended to
// <repo>/var/test-stack.out.
//
// Tests reach it through stack(). Not thread-safe: tests run one at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restd::test {

// Exported to scripts/stack (and so to restd and nginx). Tests read them with
// Stack::setting() instead of repeating the numbers.
inline constexpr std::pair<std::string_view, std::string_view> kTestSettings[] = {
    {"WORKERS", "2"},
    {"THREADS_PER_WORKER", "4"},
    {"MAX_BODY_BYTES", "65536"},
    {"CLIENT_URL", "http://localhost:3000,http://127.0.0.1:5173"},
    {"BCRYPT_COST", "4"},
    {"LOG_LEVEL", "info"},
    {"API_RATE", "1000r/s"},
    {"API_BURST", "1000"},
    {"AUTH_RATE", "120r/m"},
    {"AUTH_BURST", "20"},
};

class Stack {
  public:
    Stack() = default;
    ~Stack();  // stops the stack if it is still up
    Stack(const Stack&) = delete;
    Stack& operator=(const Stack&) = delete;

    // Stops leftovers of an interrupted run, removes the stack dir, starts the
    // stack, loads stack.env and waits for GET /health. Throws
    // std::runtime_error with the script's output after stopping whatever
    // started.
    void start();
    // Uses a stack that something else started and will stop (tests/cluster/run,
    // which puts nginx and the restd hosts in network namespaces): loads
    // $TEST_STACK_DIR/stack.env and waits for GET /health. stop() then
    // leaves it alone. Throws std::runtime_error when it does not answer.
    void attach();
    // scripts/stack stop, once; later calls do nothing. Returns false when the
    // script failed (the reason is in outputPath()); then the daemons named in
    // stack.env that still run are killed. Never throws.
    bool stop();
    bool running() const { return running_; }

    // A key of $STACK_DIR/stack.env (BASE_URL, HTTPS_URL, RESTD_PID, RESTD_LOG,
    // ...); throws std::out_of_range naming a missing key.
    const std::string& env(const std::string& key) const;
    std::string url(std::string_view path) const { return env("BASE_URL") + std::string(path); }
    std::string httpsUrl(std::string_view path) const {
        return env("HTTPS_URL") + std::string(path);
    }
    // A value of kTestSettings; throws std::out_of_range for other names.
    std::string setting(std::string_view name) const;
    int workers() const { return std::stoi(setting("WORKERS")); }

    // The restd binary the stack runs (bin/restd, or $RESTD_BIN).
    const std::filesystem::path& restdBin() const { return restdBin_; }

    pid_t masterPid() const { return static_cast<pid_t>(std::stol(env("RESTD_PID"))); }
    // Live (non-zombie) children of the master, sorted.
    std::vector<pid_t> workerPids() const;

    // Runs `scripts/stack <command>` (stop-db, start-db, ...) with the stack's
    // environment; returns its exit status (128+N when killed by signal N, -1
    // when it outran the timeout and was killed).
    int runStack(const std::string& command,
                 std::chrono::seconds timeout = std::chrono::seconds(120));
    // Replaces the running restd by `binary` (scripts/stack restart-restd with
    // RESTD_BIN=binary: the old one drains first) and re-reads stack.env;
    // returns the script's status. Restart with restdBin() to go back.
    int restartRestd(const std::filesystem::path& binary);
    // restd with the test-only routes (tests/test_routes): $RESTD_TEST_BIN, or
    // restd-test beside restdBin().
    std::filesystem::path restdTestBin() const;
    // Re-reads stack.env (MARIADB_PID changes after start-db).
    void reloadEnv();

    // Worker kills done on purpose, so that the log check at the end can tell
    // them from crashes.
    void noteWorkerKilled() { ++workersKilled_; }
    int workersKilled() const { return workersKilled_; }
    // Requests made to outrun REQUEST_TIMEOUT_SECONDS on purpose (each costs a
    // worker, which the log shows as exiting with cause "request timeout").
    void noteRequestTimeout() { ++requestTimeouts_; }
    int requestTimeouts() const { return requestTimeouts_; }
    // Workers made to abort on purpose (restd-test's crash route): deaths by
    // SIGABRT that the log check must not count as crashes.
    void noteWorkerAborted() { ++workersAborted_; }
    int workersAborted() const { return workersAborted_; }

    const std::filesystem::path& repoRoot() const { return root_; }
    // <repo>/var/test-stack, or $TEST_STACK_DIR (two test runs side by side).
    std::filesystem::path stackDir() const;
    std::filesystem::path outputPath() const {
        return stackDir().parent_path() / (stackDir().filename().string() + ".out");
    }

  private:
    int runStack(const std::string& command, std::chrono::seconds timeout, char* const* envp);
    void prepare();  // repo root, environment, output file, signal handlers
    std::string outputSince(std::uintmax_t offset) const;
    void killLeftovers() const;  // after a failed stop: the daemons of stack.env

    std::filesystem::path root_;
    std::filesystem::path restdBin_;
    std::map<std::string, std::string> env_;
    bool running_ = false;
    int workersKilled_ = 0;
    int requestTimeouts_ = 0;
    int workersAborted_ = 0;
};

// The stack of this test run.
Stack& stack();

// Polls predicate every interval until it returns true (then true) or timeout
// has passed (then false). Bounded: the last poll starts before the deadline.
bool waitUntil(const std::function<bool()>& predicate, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval = std::chrono::milliseconds(100));

// The process exists and is not a zombie.
bool processAlive(pid_t pid);

// Whole file, or "" when it cannot be read.
std::string readFile(const std::filesystem::path& path);

}  // namespace restd::test
