// SPDX-License-Identifier: Apache-2.0
#include "restd_control.h"

#include <signal.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>

#include "stack.h"

namespace restd::test {

using namespace std::chrono_literals;

std::string restdLog() { return readFile(stack().env("RESTD_LOG")); }

std::string logSince(size_t offset) {
    std::string log = restdLog();
    return offset < log.size() ? log.substr(offset) : std::string();
}

std::vector<std::string> linesWith(const std::string& text,
                                   std::initializer_list<std::string_view> needles) {
    std::vector<std::string> found;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + start, end - start);
        if (std::all_of(needles.begin(), needles.end(),
                        [line](std::string_view n) { return line.find(n) != line.npos; })) {
            found.emplace_back(line);
        }
        start = end + 1;
    }
    return found;
}

bool anyIn(const std::vector<pid_t>& pids, const std::vector<pid_t>& others) {
    return std::any_of(pids.begin(), pids.end(), [&](pid_t p) {
        return std::find(others.begin(), others.end(), p) != others.end();
    });
}

std::vector<pid_t> settledWorkers() {
    std::vector<pid_t> pids;
    waitUntil(
        [&] {
            pids = stack().workerPids();
            return pids.size() == static_cast<size_t>(stack().workers());
        },
        10s);
    return pids;
}

std::string reloadRestd(bool expectFailure, bool waitForOldWorkers) {
    const std::vector<pid_t> old = stack().workerPids();
    const size_t offset = restdLog().size();
    BOOST_REQUIRE_EQUAL(kill(stack().masterPid(), SIGHUP), 0);
    const std::string_view outcome =
        expectFailure ? R"("msg":"reload failed)" : R"("msg":"reload finished")";
    std::string since;
    bool done = waitUntil(
        [&] {
            since = logSince(offset);
            return !linesWith(since, {outcome}).empty();
        },
        15s, 50ms);
    BOOST_REQUIRE_MESSAGE(done, "no " << outcome << " line 15 s after SIGHUP; log since:\n"
                                      << since);
    if (waitForOldWorkers) {
        BOOST_REQUIRE_MESSAGE(waitUntil([&] { return !anyIn(stack().workerPids(), old); }, 15s),
                              "old workers still run 15 s after the reload");
    }
    return since;
}

EnvFile::EnvFile() : path_(stack().env("RESTD_ENV_FILE")), original_(readFile(path_)) {
    BOOST_REQUIRE_MESSAGE(!original_.empty(), path_ << " is missing or empty");
}

EnvFile::~EnvFile() {
    if (!changed_) return;
    write(original_);
    const std::vector<pid_t> old = stack().workerPids();
    const size_t offset = restdLog().size();
    if (kill(stack().masterPid(), SIGHUP) != 0 ||
        !waitUntil([&] { return !linesWith(logSince(offset), {"reload finished"}).empty(); }, 15s,
                   50ms) ||
        !waitUntil([&] { return !anyIn(stack().workerPids(), old); }, 15s)) {
        BOOST_ERROR("restoring " << path_ << ": the reload did not finish");
    }
}

void EnvFile::set(std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
    std::vector<std::pair<std::string, std::string>> lines;
    for (const auto& [key, value] : values) lines.emplace_back(key, value);
    set(lines);
}

void EnvFile::set(const std::vector<std::pair<std::string, std::string>>& values) {
    std::string text = original_;
    for (const auto& [key, value] : values) text.append(key).append("=").append(value).append("\n");
    write(text);
    changed_ = true;
}

void EnvFile::write(const std::string& text) {
    std::ofstream out(path_, std::ios::trunc);
    out << text;
    if (!out.good()) BOOST_ERROR("cannot write " << path_);
}

DatabaseRestarter::~DatabaseRestarter() {
    if (!down) return;
    int status = stack().runStack("start-db");
    if (status != 0) BOOST_ERROR("scripts/stack start-db exited with " << status);
    try {
        stack().reloadEnv();
    } catch (const std::exception& e) {
        BOOST_ERROR(e.what());
    }
}

}  // namespace restd::test
