// Master: the supervising process. Opens the listen socket, forks WORKERS
// workers and keeps that many alive: a worker that dies is replaced (with
// backoff when they die young, so a crash loop is logged rather than spun).
// SIGTERM/SIGINT/SIGQUIT: graceful stop within GRACE_SECONDS, then SIGKILL.
// SIGHUP: workers are replaced one by one while the socket stays open.
// The master opens no database connection (none may cross a fork).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <vector>

#include "app/config.h"
#include "app/listen_socket.h"

namespace restd::app {

class Master {
  public:
    explicit Master(Config config);
    int run();

  private:
    struct Slot {
        pid_t pid = 0;
        std::chrono::steady_clock::time_point startedAt;
        bool retiring = false;  // asked to stop during a reload; not replaced
    };

    pid_t spawn();
    void reap(bool stopping);
    void respawnMissing();
    void reload();
    void stopAll();

    Config config_;
    ListenSocket socket_;
    std::vector<Slot> workers_;
    std::chrono::system_clock::time_point startedAt_;
    std::chrono::steady_clock::time_point nextSpawnAllowed_{};
    std::chrono::milliseconds backoff_{0};
    long restarts_ = 0;
};

}  // namespace restd::app
