// Worker: one prefork child. Owns its database pool (opened after fork), the
// router and THREADS_PER_WORKER threads, each accepting FastCGI connections on
// the shared listen socket and serving one request at a time. SIGTERM/SIGINT/
// SIGQUIT stop it gracefully: no new connections, in-flight requests finish.
#pragma once

#include <chrono>

#include "app/config.h"

namespace restd::app {

class Worker {
  public:
    Worker(const Config& config, int listenFd, std::chrono::system_clock::time_point startedAt);
    // Serves until stopped; returns the process exit code.
    int run();

  private:
    const Config& config_;
    int listenFd_;
    std::chrono::system_clock::time_point startedAt_;
};

}  // namespace restd::app
