// SPDX-License-Identifier: Apache-2.0
// Master: the supervising process. Opens the listen socket, forks WORKERS
// workers and keeps that many serving:
// - a worker that dies is replaced (with backoff when they die young, so a
//   crash loop is logged rather than spun);
// - a worker that stops by itself (MAX_REQUESTS_PER_WORKER, a request over
//   REQUEST_TIMEOUT_SECONDS) says so over the note pipe and its replacement
//   starts while it drains;
// - SIGHUP re-reads the configuration (environment + RESTD_ENV_FILE); an
//   invalid one is logged and the running one kept. Then the workers are
//   replaced one at a time: a new worker starts, and once it is ready one old
//   worker gets SIGHUP, hands its kept nginx connections to the others,
//   finishes its requests and exits. The socket stays open, so nothing is
//   refused;
// - SIGTERM/SIGINT/SIGQUIT: graceful stop within GRACE_SECONDS, then SIGKILL.
// Every worker exit is logged with its cause. The master talks sd_notify
// (READY, RELOADING, STOPPING, WATCHDOG) and opens no database connection
// (none may cross a fork). Single-threaded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <vector>

#include "app/listen_socket.h"
#include "config/config.h"

namespace restd::app {

class Master {
  public:
    explicit Master(config::Config config);
    int run();

  private:
    using Clock = std::chrono::steady_clock;
    enum class State { Starting, Ready, Retiring };
    struct Slot {
        pid_t pid = 0;
        Clock::time_point startedAt;
        long generation = 0;  // of the configuration it was forked with
        State state = State::Starting;
        const char* cause = nullptr;  // Retiring: why it stops
        Clock::time_point retiredAt;
        bool killed = false;  // SIGKILLed after its grace period
    };

    pid_t spawn();
    // Marks it retiring and sends it `signal` (0: none, it stops by itself).
    void retire(Slot& slot, const char* cause, int signal);
    void readNotes();
    void reap();
    void exited(pid_t pid, int status);
    void supervise();
    void reload();
    void stopAll();
    void watchdog();

    config::Config config_;
    long generation_ = 1;
    ListenSocket socket_;
    int signalFd_ = -1;
    int notePipe_[2] = {-1, -1};  // workers write WorkerNotes; the master reads
    int handOver_[2] = {-1, -1};  // datagram channel for kept connections between workers
    std::vector<Slot> workers_;
    std::chrono::system_clock::time_point startedAt_;
    Clock::time_point nextSpawnAllowed_{};
    std::chrono::milliseconds backoff_{0};
    Clock::time_point lastYoungDeath_{};
    long restarts_ = 0;
    bool starting_ = true;    // READY=1 not sent yet
    bool reloading_ = false;  // RELOADING=1 sent, READY=1 pending
    Clock::time_point reloadStartedAt_{};
    Clock::duration watchdogEvery_{0};  // half of systemd's WatchdogSec; 0: off
    Clock::time_point nextWatchdog_{};
};

}  // namespace restd::app
