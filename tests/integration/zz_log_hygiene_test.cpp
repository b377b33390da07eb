// SPDX-License-Identifier: Apache-2.0
// Runs last (files link, and so run, in sorted order): like nginx-tests, the
// restd log of the whole run must hold no sanitizer report and no worker death
// other than the kills and request timeouts the tests caused on purpose. Then the stack is stopped
// here, so that reports written at exit (LeakSanitizer) and crashes during the
// graceful stop are caught too; the fixture's own stop is then a no-op.
#include <signal.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../support/stack.h"

using namespace restd::test;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kSanitizerMarks[] = {
    "AddressSanitizer", "LeakSanitizer",  "UndefinedBehaviorSanitizer",
    "ThreadSanitizer",  "runtime error:",
};

struct LogScan {
    std::vector<std::string> problems;
    int killedDeaths = 0;     // workers dead of SIGKILL
    int abortedDeaths = 0;    // workers dead of SIGABRT (restd-test's crash route)
    int requestTimeouts = 0;  // workers replaced after a request outran REQUEST_TIMEOUT_SECONDS
};

// The text right after `"key":` (blanks allowed around the colon) in a JSON
// log line, or nothing when the key is absent. (No std::regex: GCC 12 warns
// inside it under ASan.)
std::optional<std::string_view> afterKey(std::string_view line, std::string_view key) {
    const std::string quoted = "\"" + std::string(key) + "\"";
    for (size_t at = line.find(quoted); at != std::string_view::npos;
         at = line.find(quoted, at + 1)) {
        std::string_view rest = line.substr(at + quoted.size());
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.empty() || rest.front() != ':') continue;
        rest.remove_prefix(1);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        return rest;
    }
    return std::nullopt;
}

std::optional<long> intField(std::string_view line, std::string_view key) {
    auto rest = afterKey(line, key);
    if (!rest) return std::nullopt;
    size_t digits = rest->starts_with('-') ? 1 : 0;
    while (digits < rest->size() && (*rest)[digits] >= '0' && (*rest)[digits] <= '9') ++digits;
    if (digits == 0 || (digits == 1 && rest->starts_with('-'))) return std::nullopt;
    return std::stol(std::string(rest->substr(0, digits)));
}

bool hasMessage(std::string_view line, std::string_view msg) {
    auto rest = afterKey(line, "msg");
    return rest && rest->starts_with("\"" + std::string(msg) + "\"");
}

bool isWorkerDeath(std::string_view line) { return hasMessage(line, "worker died"); }

// The restd exit status of a worker that outran REQUEST_TIMEOUT_SECONDS.
constexpr long kExitRequestTimeout = 124;

// The master logs a dead worker as {"msg":"worker died",...,"signal":N} or
// {...,"exitCode":N}. allowedSignals: deaths that are not crashes (SIGKILL is
// counted separately, to compare with the kills the tests made). A worker
// replaced after a request timeout is {"msg":"worker exited","cause":"request
// timeout","exitCode":124}, counted to compare with the timeouts the tests
// provoked; {"msg":"worker killed"} (it outlived GRACE_SECONDS while stopping)
// means a request hung, which no test does.
LogScan scanLog(const std::string& text, std::initializer_list<int> allowedSignals) {
    LogScan scan;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;

        for (std::string_view mark : kSanitizerMarks) {
            if (line.find(mark) != std::string::npos) {
                scan.problems.push_back("sanitizer report: " + line);
                break;
            }
        }
        if (hasMessage(line, "worker killed")) {
            scan.problems.push_back("a stopping worker outlived GRACE_SECONDS: " + line);
            continue;
        }
        if (hasMessage(line, "worker exited") &&
            line.find("\"cause\":\"request timeout\"") != std::string::npos) {
            ++scan.requestTimeouts;
            if (intField(line, "exitCode") != kExitRequestTimeout) {
                scan.problems.push_back("request-timeout exit without exit code 124: " + line);
            }
            continue;
        }
        if (!isWorkerDeath(line)) continue;
        if (auto signal = intField(line, "signal")) {
            if (*signal == SIGKILL) ++scan.killedDeaths;
            if (*signal == SIGABRT) ++scan.abortedDeaths;
            if (*signal != SIGKILL && *signal != SIGABRT &&
                std::find(allowedSignals.begin(), allowedSignals.end(), *signal) ==
                    allowedSignals.end()) {
                scan.problems.push_back("worker died of signal " + std::to_string(*signal) + ": " +
                                        line);
            }
        } else if (auto exitCode = intField(line, "exitCode")) {
            if (*exitCode != 0) scan.problems.push_back("worker exited with an error: " + line);
        } else {
            scan.problems.push_back("worker death with neither signal nor exitCode: " + line);
        }
    }
    return scan;
}

void reportProblems(const LogScan& scan, const std::string& logPath) {
    constexpr size_t kShown = 10;
    for (size_t i = 0; i < scan.problems.size() && i < kShown; ++i) {
        BOOST_ERROR(logPath << ": " << scan.problems[i]);
    }
    if (scan.problems.size() > kShown) {
        BOOST_ERROR(logPath << ": " << scan.problems.size() - kShown << " more problems");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(zz_log_hygiene)

BOOST_AUTO_TEST_CASE(restd_log_has_no_sanitizer_report_or_unexpected_worker_death) {
    const std::string path = stack().env("RESTD_LOG");
    const std::string log = readFile(path);
    BOOST_REQUIRE_MESSAGE(!log.empty(), "the restd log " << path << " is missing or empty");
    LogScan scan = scanLog(log, {});
    reportProblems(scan, path);
    BOOST_CHECK_MESSAGE(scan.killedDeaths == stack().workersKilled(),
                        "the log shows " << scan.killedDeaths
                                         << " worker deaths by SIGKILL; the tests killed "
                                         << stack().workersKilled());
    BOOST_CHECK_MESSAGE(scan.abortedDeaths == stack().workersAborted(),
                        "the log shows " << scan.abortedDeaths
                                         << " worker deaths by SIGABRT; the tests aborted "
                                         << stack().workersAborted());
    BOOST_CHECK_MESSAGE(scan.requestTimeouts == stack().requestTimeouts(),
                        "the log shows " << scan.requestTimeouts
                                         << " workers replaced after a request timeout; the tests "
                                            "provoked "
                                         << stack().requestTimeouts());
}

// By now the tests have registered, logged in, refreshed and sent forged
// tokens; none of those secrets may have reached the log.
BOOST_AUTO_TEST_CASE(restd_log_holds_no_password_hash_token_or_admin_password) {
    const std::string path = stack().env("RESTD_LOG");
    const std::string log = readFile(path);
    BOOST_REQUIRE(!log.empty());
    const std::string secrets[] = {
        "$2b$",                         // bcrypt hashes
        "$2a$",                         //
        "eyJhbGciOi",                   // base64url of {"alg": every JWT starts so
        stack().env("ADMIN_PASSWORD"),  //
        stack().env("JWT_SECRET"),      //
        "refreshToken",                 // request bodies are never logged
    };
    for (const std::string& secret : secrets) {
        BOOST_CHECK_MESSAGE(log.find(secret) == std::string::npos,
                            path << " contains '" << secret << "'");
    }
}

BOOST_AUTO_TEST_CASE(stack_stops_without_crash_or_sanitizer_report) {
    Stack& s = stack();
    BOOST_REQUIRE(s.running());
    const std::string path = s.env("RESTD_LOG");
    const pid_t master = s.masterPid();
    std::vector<pid_t> processes = s.workerPids();
    processes.push_back(master);
    const size_t logSizeBefore = readFile(path).size();

    BOOST_CHECK_MESSAGE(s.stop(), "scripts/stack stop failed; see " << s.outputPath().string());
    for (pid_t pid : processes) {
        BOOST_CHECK_MESSAGE(waitUntil([pid] { return !processAlive(pid); }, 10s),
                            "restd process " << pid << " still runs after the stop");
    }

    const std::string log = readFile(path);
    // SIGTERM and SIGKILL at stop time are the master's doing, not crashes.
    LogScan scan =
        scanLog(log.size() > logSizeBefore ? log.substr(logSizeBefore) : std::string(), {SIGTERM});
    reportProblems(scan, path);
    BOOST_CHECK_MESSAGE(scan.abortedDeaths == 0, "a worker aborted while the stack stopped");
}

BOOST_AUTO_TEST_SUITE_END()
