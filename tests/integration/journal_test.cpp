// SPDX-License-Identifier: Apache-2.0
// journald priorities: restd started the way systemd starts it with
// StandardError=journal (JOURNAL_STREAM naming the device and inode of its
// stderr) starts every line with the syslog priority of its level, which
// journald strips and records (`journalctl -p err`). Here stderr is a file
// whose device and inode JOURNAL_STREAM names; with another stream named
// (a child whose stderr went elsewhere) lines carry no prefix.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../support/process.h"
#include "../support/stack.h"
#include "../support/temp_dir.h"

namespace fs = std::filesystem;
using namespace restd::test;
using namespace std::chrono_literals;

namespace {

// restd's settings on the stack's database, without APP_ENV (so that it
// warns at start), at LOG_LEVEL=debug (the workers' own lines), and with a
// listen socket of its own.
EnvEdits restdEnv(const fs::path& socket) {
    return {"RESTD_ENV_FILE",
            "LISTEN_FDS",
            "LISTEN_PID",
            "FCGI_WEB_SERVER_ADDRS",
            "APP_ENV",
            "LOG_LEVEL=debug",
            "WORKERS=1",
            "THREADS_PER_WORKER=2",
            "GRACE_SECONDS=2",
            "FCGI_LISTEN=unix:" + socket.string(),
            "JWT_SECRET=" + stack().env("JWT_SECRET"),
            "DB_SOCKET=" + stack().env("DB_SOCKET"),
            "DB_NAME=" + stack().env("DB_NAME"),
            "DB_USER=" + stack().env("DB_USER"),
            "DB_PASSWORD=" + stack().env("DB_PASSWORD")};
}

// An empty log file, and JOURNAL_STREAM naming it ("<dev>:<ino>"), or
// naming another file when `matching` is false.
std::string journalStream(const fs::path& log, bool matching) {
    fs::remove(log);
    std::ofstream(log).close();
    struct stat st {};
    BOOST_REQUIRE_EQUAL(stat(log.c_str(), &st), 0);
    auto ino = static_cast<unsigned long long>(st.st_ino);
    if (!matching) ++ino;
    return "JOURNAL_STREAM=" + std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
           std::to_string(ino);
}

// restd with `env`, stderr appended to `log`, until it exits by itself or
// (`serve`) until it has started, then stopped with SIGTERM.
void runRestd(const EnvEdits& env, const fs::path& log, bool serve) {
    Daemon restd(Daemon::Options{
        .argv = {stack().restdBin().string()}, .env = editedEnvironment(env), .log = log});
    if (serve) {
        BOOST_REQUIRE_MESSAGE(waitUntil(
                                  [&] {
                                      return readFile(log).find("restd ready") !=
                                                 std::string::npos ||
                                             !restd.running();
                                  },
                                  20s),
                              "restd did not start; log:\n"
                                  << readFile(log));
        BOOST_CHECK_EQUAL(restd.stop(), 0);
    } else {
        BOOST_REQUIRE_MESSAGE(waitUntil([&] { return !restd.running(); }, 20s),
                              "restd did not exit; log:\n"
                                  << readFile(log));
    }
}

std::vector<std::string> linesOf(const fs::path& log) {
    std::vector<std::string> lines;
    std::istringstream in(readFile(log));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

const std::map<std::string, std::string> kPrefix = {
    {"debug", "<7>"}, {"info", "<6>"}, {"warn", "<4>"}, {"error", "<3>"}};

// The level of a JSON log line ("" when it has none), and the line from its "{".
std::string levelOf(const std::string& line) {
    size_t at = line.find(",\"level\":\"");
    if (at == std::string::npos) return "";
    at += 10;
    return line.substr(at, line.find('"', at) - at);
}

// Every line is a JSON log line with the prefix of its level (or none),
// and every level in `expected` occurs.
void checkPrefixes(const fs::path& log, bool prefixed, const std::vector<std::string>& expected) {
    std::vector<std::string> seen;
    const std::vector<std::string> lines = linesOf(log);
    BOOST_REQUIRE_MESSAGE(!lines.empty(), "restd logged nothing");
    for (const std::string& line : lines) {
        std::string level = levelOf(line);
        BOOST_REQUIRE_MESSAGE(kPrefix.contains(level), "not a log line: " << line);
        std::string start = (prefixed ? kPrefix.at(level) : "") + "{\"time\":";
        BOOST_CHECK_MESSAGE(line.starts_with(start), "expected '" << start << "': " << line);
        seen.push_back(level);
    }
    for (const std::string& level : expected) {
        BOOST_CHECK_MESSAGE(std::find(seen.begin(), seen.end(), level) != seen.end(),
                            "no " << level << " line in:\n"
                                  << readFile(log));
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(journal_priorities)

BOOST_AUTO_TEST_CASE(lines_to_the_journal_carry_the_priority_of_their_level) {
    ShortTempDir dir("journal");
    const fs::path log = dir.path / "served.log";
    EnvEdits env = restdEnv(dir.path / "restd.sock");
    env.push_back(journalStream(log, true));
    runRestd(env, log, true);  // master and worker lines, and a warning: APP_ENV is not set
    checkPrefixes(log, true, {"debug", "info", "warn"});

    // A listen socket restd cannot create: an error, then exit.
    const fs::path failed = dir.path / "failed.log";
    EnvEdits broken = restdEnv(dir.path / "missing" / "restd.sock");
    broken.push_back(journalStream(failed, true));
    runRestd(broken, failed, false);
    checkPrefixes(failed, true, {"error"});
}

BOOST_AUTO_TEST_CASE(a_configuration_error_at_start_is_an_error_to_the_journal) {
    ShortTempDir dir("journal");
    const fs::path log = dir.path / "config.log";
    EnvEdits env = restdEnv(dir.path / "restd.sock");
    env.push_back("JWT_SECRET");
    env.push_back(journalStream(log, true));
    runRestd(env, log, false);
    std::string text = readFile(log);
    BOOST_CHECK_MESSAGE(text.starts_with("<3>restd: configuration error: JWT_SECRET is required"),
                        text);
}

BOOST_AUTO_TEST_CASE(stderr_that_is_not_the_named_stream_gets_no_prefix) {
    ShortTempDir dir("journal");
    const fs::path log = dir.path / "elsewhere.log";
    EnvEdits env = restdEnv(dir.path / "restd.sock");
    env.push_back(journalStream(log, false));
    runRestd(env, log, true);
    checkPrefixes(log, false, {"debug", "info", "warn"});

    const fs::path config = dir.path / "config.log";
    EnvEdits broken = restdEnv(dir.path / "restd.sock");
    broken.push_back("JWT_SECRET");
    broken.push_back(journalStream(config, false));
    runRestd(broken, config, false);
    BOOST_CHECK_MESSAGE(readFile(config).starts_with("restd: configuration error"),
                        readFile(config));
}

BOOST_AUTO_TEST_SUITE_END()
