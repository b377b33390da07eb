// Worker: one prefork child. Owns its database pool (opened after fork), the
// router and THREADS_PER_WORKER threads, each accepting FastCGI connections on
// the shared listen socket and serving one request at a time.
//
// Stopping: SIGTERM/SIGINT/SIGQUIT/SIGHUP, or MAX_REQUESTS_PER_WORKER served,
// make it stop accepting; in-flight requests finish, kept connections close
// after their current request, then it exits 0. A request older than
// REQUEST_TIMEOUT_SECONDS is logged with its request id and the worker stops
// the same way, except that it does not wait for the stuck request: once the
// others are done (or GRACE_SECONDS passed) it exits with kExitRequestTimeout,
// and the stuck request's connection drops (php-fpm's request_terminate_timeout).
//
// The worker tells the master over a pipe when it is ready and when it stops
// by itself, so that the master can start its replacement at once.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

#include "app/config.h"

namespace restd::app {

// One record on the master's note pipe; written with a single write(2), so
// notes of different workers never interleave.
struct WorkerNote {
    enum Event : int32_t {
        Ready = 1,           // accept threads run
        MaxRequests = 2,     // stopped accepting: MAX_REQUESTS_PER_WORKER served
        RequestTimeout = 3,  // stopped accepting: a request outran REQUEST_TIMEOUT_SECONDS
    };
    int32_t pid;
    int32_t event;
};

// Exit status of a worker that left because a request outran
// REQUEST_TIMEOUT_SECONDS (timeout(1) exits 124 for the same reason).
inline constexpr int kExitRequestTimeout = 124;

class Worker {
  public:
    // noteFd: write end of the master's note pipe (non-blocking).
    Worker(const Config& config, int listenFd, int noteFd,
           std::chrono::system_clock::time_point startedAt);
    // Serves until stopped; returns the process exit code.
    int run();

  private:
    const Config& config_;
    int listenFd_;
    int noteFd_;
    std::chrono::system_clock::time_point startedAt_;
};

}  // namespace restd::app
