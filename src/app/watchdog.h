// SPDX-License-Identifier: Apache-2.0
// The request watchdog: each accept thread marks the request it serves in its
// InFlight slot, and the worker's main thread checks the slots' ages between
// two polls. Kept apart from the accept loop because it runs on the other side
// of the slots (another thread, reading only); what the worker does about a
// stuck request (retire, then exit) stays in worker.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include "http/request.h"

namespace restd::app {

using Clock = std::chrono::steady_clock;

// The request an accept thread is serving, for the request-timeout monitor.
struct InFlight {
    std::atomic<int64_t> startedNs{0};  // Clock ticks since its epoch; 0 while idle
    std::mutex mutex;                   // guards the three strings
    std::string requestId;
    std::string method;
    std::string path;
    int64_t reportedNs = 0;  // startedNs of the request the monitor logged (monitor only)
};

// Marks the thread's InFlight busy for the length of a request.
class InFlightScope {
  public:
    InFlightScope(InFlight& slot, const http::Request& req, Clock::time_point started)
        : slot_(slot) {
        {
            std::lock_guard lock(slot_.mutex);
            slot_.requestId = req.requestId();
            slot_.method = req.methodText();
            slot_.path = req.path();
        }
        slot_.startedNs.store(started.time_since_epoch().count(), std::memory_order_release);
    }
    ~InFlightScope() { slot_.startedNs.store(0, std::memory_order_release); }
    InFlightScope(const InFlightScope&) = delete;
    InFlightScope& operator=(const InFlightScope&) = delete;

  private:
    InFlight& slot_;
};

struct RequestAges {
    int busy = 0;   // accept threads serving a request
    int stuck = 0;  // of these, serving one older than the limit
};

// Logs every request older than the limit (once each) and counts busy and
// stuck accept threads.
RequestAges checkTimeouts(std::span<InFlight> slots, std::chrono::seconds limit);

}  // namespace restd::app
