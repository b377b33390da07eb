// SPDX-License-Identifier: Apache-2.0
// Child processes of the deploy tests. runCommand() runs a tool (make,
// systemd-analyze, lintian, restd-deploy) to completion with its output
// captured and a time limit. Daemon starts a long-running process (restd,
// systemd-socket-activate) in the background with an environment of the
// test's choosing, optionally handing it a listening socket the way systemd
// does (fd 3, LISTEN_FDS=1, LISTEN_PID=<its pid>), and stops it when it goes
// out of scope.
//
// Children get their own process group, an empty signal mask and default
// signal dispositions, so the test binary's handlers never leak into them.
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace restd::test {

struct CommandResult {
    int status = -1;        // exit status; 128+N when killed by signal N; -1 when it could not run
    bool timedOut = false;  // killed after the time limit
    std::string output;     // stdout and stderr, interleaved as written

    bool ok() const { return status == 0 && !timedOut; }
    // "exit 2 after <output, last lines>", for failure messages.
    std::string summary() const;
};

// Edits of the test binary's environment: "NAME=value" sets, "NAME" removes.
using EnvEdits = std::vector<std::string>;

// Runs argv[0] (looked up in PATH) with the edited environment, stdin from
// /dev/null, in cwd (empty: the current directory). Past the timeout the
// whole process group gets SIGKILL.
CommandResult runCommand(const std::vector<std::string>& argv, const EnvEdits& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(120),
                         const std::filesystem::path& cwd = {});

// The test binary's environment with edits applied.
std::vector<std::string> editedEnvironment(const EnvEdits& edits);

class Daemon {
  public:
    struct Options {
        std::vector<std::string> argv;  // argv[0]: a path, or a name looked up in PATH
        std::vector<std::string> env;   // the whole environment, "NAME=value"
        std::filesystem::path log;      // stdout and stderr, appended
        int listenFd = -1;              // >= 0: passed as fd 3 with LISTEN_FDS/LISTEN_PID
    };

    // Starts the process; throws std::runtime_error when fork fails.
    explicit Daemon(Options options);
    ~Daemon();  // stop()
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    pid_t pid() const { return pid_; }
    // Still running (reaps it when it has exited).
    bool running();
    // SIGTERM to the process, up to timeout for it to exit, then SIGKILL to its
    // process group. Returns its exit status as CommandResult::status does.
    // Later calls return the same status.
    int stop(std::chrono::seconds timeout = std::chrono::seconds(15));

  private:
    pid_t pid_ = -1;
    int status_ = -1;
    bool reaped_ = false;
};

}  // namespace restd::test
