// SPDX-License-Identifier: Apache-2.0
// Control of the stack's running restd for the supervision and fault tests:
// its log, its workers, its configuration file (RESTD_ENV_FILE) reloaded
// with SIGHUP, and its MariaDB brought back after a test stopped it.
// Boost.Test assertions inside; not thread-safe.
#pragma once

#include <sys/types.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restd::test {

// The whole restd log of the stack, and what was written after `offset`.
std::string restdLog();
std::string logSince(size_t offset);

// The lines of text that contain every needle.
std::vector<std::string> linesWith(const std::string& text,
                                   std::initializer_list<std::string_view> needles);

// Whether any of pids is among others.
bool anyIn(const std::vector<pid_t>& pids, const std::vector<pid_t>& others);

// The workers once there are WORKERS of them (at most 10 s of waiting).
std::vector<pid_t> settledWorkers();

// Sends SIGHUP to the master and waits for the outcome line of the reload
// ("reload finished", or "reload failed" when expectFailure). After a reload
// has finished, the old workers may still be draining (and answer one last
// request on a kept connection): with waitForOldWorkers it also waits until
// they are gone. Returns the log written since the signal.
std::string reloadRestd(bool expectFailure = false, bool waitForOldWorkers = false);

// The stack's restd.env (RESTD_ENV_FILE): set() rewrites it as it was plus
// the given lines (reload it with reloadRestd); at the end of the scope the
// original comes back and is reloaded, failed test or not.
class EnvFile {
  public:
    EnvFile();
    ~EnvFile();
    EnvFile(const EnvFile&) = delete;
    EnvFile& operator=(const EnvFile&) = delete;

    void set(std::initializer_list<std::pair<std::string_view, std::string_view>> values);
    void set(const std::vector<std::pair<std::string, std::string>>& values);

  private:
    void write(const std::string& text);

    std::string path_;
    std::string original_;
    bool changed_ = false;
};

// Brings the stack's MariaDB back when a test ends while it is down (set
// `down` when stopping it), failed test or not.
struct DatabaseRestarter {
    bool down = false;
    DatabaseRestarter() = default;
    ~DatabaseRestarter();
    DatabaseRestarter(const DatabaseRestarter&) = delete;
    DatabaseRestarter& operator=(const DatabaseRestarter&) = delete;
};

}  // namespace restd::test
