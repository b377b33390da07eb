// SPDX-License-Identifier: Apache-2.0
// Metrics: the counters, histograms and gauges behind GET /metrics, kept in one
// shared memory region that the master maps before it forks. Every worker
// inherits the mapping and adds into the same numbers, so any worker can
// render the sum over all of them (Prometheus text format 0.0.4). Counters
// live as long as the master: a worker that crashes or is recycled takes
// nothing with it, and rate() never sees a reset. Gauges that belong to one
// worker (its pool connections) sit in a slot the worker claims at start and
// the master clears when it reaps the worker, so a killed worker leaves none.
// The same slots carry php-fpm's status figures: accept threads busy and idle
// per worker (label worker="<slot>": slots are reused, so the label values
// stay within the workers alive at once), the times a worker's last idle
// thread took a request, and slow requests; the listen queue is read from the
// kernel at each scrape and by the master every tick (app/listen_queue.h).
//
// Label values are fixed at startup (route patterns of the route table, eight
// methods, the status codes restd emits) so cardinality stays bounded.
// Everything shared is a lock-free std::atomic, which stays valid across
// processes. Region is thread-safe; the free functions act on the region
// init() mapped and do nothing without one (unit tests, tools).
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/listen_queue.h"
#include "http/request.h"

namespace restd::db {
class Pool;
}

namespace restd::app::metrics {

// status label values; any other code counts as status="other".
inline constexpr std::array kStatuses = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                                         409, 412, 413, 415, 422, 429, 500, 503};
// method label values: http::Method in order (methodName(); Other is "OTHER").
inline constexpr int kMethodCount = static_cast<int>(http::Method::Other) + 1;
// route label of requests that matched no route (404, 405, CORS preflight).
// Patterns start with '/', so it never collides with one.
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

// Upper bounds (seconds) of the histogram buckets; +Inf is implied.
inline constexpr std::array kDurationBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
inline constexpr std::array kPoolWaitBuckets = {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025,
                                                0.05,   0.1,    0.25,  0.5,   1.0,  2.5};

// Workers alive at once, counting those still finishing during a reload
// (WORKERS is at most 256). A worker past this many has no gauges.
inline constexpr int kMaxWorkerSlots = 1024;

// Why the master replaced a worker (restd_worker_restarts_total{reason}).
enum class Restart {
    Crash,    // killed by a signal or exited non-zero
    Recycle,  // exited cleanly after MAX_REQUESTS_PER_WORKER
};

// process_* figures, summed over the master and its workers (see render()).
struct ProcessStats {
    double cpuSeconds = 0;       // user + system, reaped workers included
    uint64_t residentBytes = 0;  // RSS; pages shared after fork count once per process
    uint64_t openFds = 0;
};

class Region {
  public:
    // Maps a zeroed MAP_SHARED region with series for each route pattern
    // (the route label values, distinct) plus the unmatched one. Throws
    // std::system_error when the mapping fails.
    explicit Region(std::vector<std::string> routes);
    ~Region();
    Region(const Region&) = delete;
    Region& operator=(const Region&) = delete;

    // route: a pattern given to the constructor; anything else (empty, too)
    // counts as unmatched.
    // slow: it took longer than SLOW_REQUEST_MS (restd_slow_requests_total).
    void recordRequest(std::string_view route, http::Method method, int status,
                       std::chrono::nanoseconds took, bool slow = false);
    void observePoolWait(std::chrono::nanoseconds waited);
    void countPoolTimeout();
    // A checkout from the primary pool or a replica's (db/read_pool.h).
    void countCheckout(bool replica);
    void countReplicaPassedOver(bool lagging);
    void countRestart(Restart why);

    // The master's pid and start time (written once, before forking).
    void setMaster(pid_t pid, double startTimeSeconds);
    // Takes a free slot for pid; returns its index, or -1 when none is free.
    int claimSlot(pid_t pid);
    // Frees pid's slot, gauges first. Nothing when pid has none.
    void releaseSlot(pid_t pid);
    void setPoolConnections(int slot, int inUse, int idle);
    // The slot's accept threads that take requests (0 once its worker stops
    // accepting: it has no idle thread any more).
    void setAcceptThreads(int slot, int threads);
    // An accept thread of the slot starts serving a request. When that makes
    // every one of the slot's threads busy, it counts as max threads reached
    // (php-fpm's "max children reached"): until one of them finishes, the
    // worker takes no new connection, which waits in the listen queue for
    // another worker.
    void requestStarted(int slot);
    void requestFinished(int slot);
    // Keeps the longest listen queue seen (restd_listen_queue_length_max).
    void observeListenQueue(const ListenQueue& queue);

    // The master, then every process holding a slot.
    std::vector<pid_t> processes() const;
    // max(measured, anything it returned before): a scrape racing a
    // worker's exit can miss that worker's CPU time, and a counter must not
    // go down (Prometheus would read a reset).
    double monotonicCpuSeconds(double measured);
    // The whole exposition, process_* from `process`, the listen queue from
    // `queue` (none: its gauges have no sample).
    std::string render(const ProcessStats& process,
                       const std::optional<ListenQueue>& queue = std::nullopt) const;

  private:
    struct Shared;
    size_t routeIndex(std::string_view route) const;
    std::atomic<uint64_t>& requests(size_t route, int method, size_t status) const;
    std::atomic<uint64_t>& durationBucket(size_t route, size_t bucket) const;
    std::atomic<uint64_t>& durationSumMicros(size_t route) const;

    std::vector<std::string> routes_;  // label values; index routes_.size() is unmatched
    void* base_ = nullptr;
    size_t size_ = 0;
    Shared* shared_ = nullptr;
    std::atomic<uint64_t>* series_ = nullptr;  // per-route counters, after Shared
};

// ---- The region of this process tree, and the hooks that feed it ----------

// Master, before forking: maps the region for the route table and keeps the
// FastCGI listen socket (inherited by every worker) for the listen queue
// gauges. Logs and carries on without metrics when the mapping fails.
void init(int listenFd = -1);
// A worker, at start: claims its slot (for the pool and thread gauges).
void claimWorkerSlot();
// A worker: how many accept threads take requests (0 once it stops accepting).
void setAcceptThreads(int threads);
// A worker's accept thread, around each request (Region::requestStarted).
void requestStarted();
void requestFinished();
// The master, every tick: samples the listen queue for its maximum.
void sampleListenQueue();
// The master, for every child it reaps: frees that worker's slot.
void workerReaped(pid_t pid);
// The master, when it will replace a worker that exited.
void countRestart(Restart why);
// A worker, once the response is written; slow: longer than SLOW_REQUEST_MS.
void recordRequest(std::string_view route, http::Method method, int status,
                   std::chrono::nanoseconds took, bool slow);
// A worker, at start: makes every db::Pool of the process report checkout
// waits, timeouts and its connection counts here (db::observePools).
void observeDbPools();

// GET /metrics: the exposition, with process_* read from /proc. Empty when
// there is no region.
std::string render();

}  // namespace restd::app::metrics
