// SPDX-License-Identifier: Apache-2.0
// Worker: one prefork child. Owns its database pool (opened after fork), the
// router and THREADS_PER_WORKER threads, each accepting FastCGI connections on
// the shared listen socket and serving one request at a time.
//
// Two ways to stop, both finishing the requests in progress, then exit 0:
// - retiring (SIGHUP from the master during a reload, MAX_REQUESTS_PER_WORKER
//   served): the worker stops accepting and hands its kept nginx connections
//   over to the other workers (SCM_RIGHTS over a datagram channel they all
//   share; a kept FastCGI connection holds no state between requests), so
//   nginx never sees them close;
// - stopping (SIGTERM/SIGINT/SIGQUIT: restd shuts down): kept connections
//   close after one more request, or after a short linger when idle.
// A request older than REQUEST_TIMEOUT_SECONDS is logged with its request id
// and the worker retires, except that it does not wait for the stuck request:
// once the others are done (or GRACE_SECONDS passed) it exits with
// kExitRequestTimeout, and the stuck request's connection drops (php-fpm's
// request_terminate_timeout).
//
// The worker tells the master over a pipe when it is ready and when it stops
// by itself, so that the master can start its replacement at once.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

#include "config/config.h"

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

// The descriptors a worker inherits from its master.
struct WorkerFds {
    int listen = -1;           // the FastCGI listen socket (non-blocking)
    int notes = -1;            // write end of the master's note pipe (non-blocking)
    int handOverSend = -1;     // kept connections out, to the other workers
    int handOverReceive = -1;  // kept connections in, from retiring workers
};

class Worker {
  public:
    Worker(const config::Config& config, WorkerFds fds,
           std::chrono::system_clock::time_point startedAt);
    // Serves until stopped; returns the process exit code.
    int run();

  private:
    const config::Config& config_;
    WorkerFds fds_;
    std::chrono::system_clock::time_point startedAt_;
};

}  // namespace restd::app
