// SPDX-License-Identifier: Apache-2.0
#include "app/metrics.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <system_error>
#include <utility>

#include "app/process_stats.h"
#include "app/route_table.h"
#include "common/log.h"
#include "common/version.h"
#include "db/pool.h"

namespace restd::app::metrics {

namespace {

static_assert(std::atomic<uint64_t>::is_always_lock_free, "shared counters need lock-free atomics");
static_assert(std::atomic<pid_t>::is_always_lock_free);
static_assert(std::atomic<int32_t>::is_always_lock_free);

constexpr size_t kStatusSlots = kStatuses.size() + 1;           // + "other"
constexpr size_t kDurationSlots = kDurationBuckets.size() + 1;  // + "+Inf"
constexpr size_t kPoolWaitSlots = kPoolWaitBuckets.size() + 1;
constexpr size_t kRestartReasons = 2;
constexpr std::string_view kRestartNames[kRestartReasons] = {"crash", "recycle"};

// Per route, in the series array: request counts by method and status, then
// duration buckets (not cumulative; render() adds them up), then the sum.
constexpr size_t kRequestSeries = kMethodCount * kStatusSlots;
constexpr size_t kRouteStride = kRequestSeries + kDurationSlots + 1;

constexpr auto kRelaxed = std::memory_order_relaxed;

size_t statusIndex(int status) {
    auto it = std::find(kStatuses.begin(), kStatuses.end(), status);
    return static_cast<size_t>(it - kStatuses.begin());  // kStatuses.size(): other
}

// Prometheus buckets hold values <= their bound.
size_t bucketIndex(std::span<const double> bounds, std::chrono::nanoseconds took) {
    double seconds = std::chrono::duration<double>(took).count();
    auto it = std::lower_bound(bounds.begin(), bounds.end(), seconds);
    return static_cast<size_t>(it - bounds.begin());  // bounds.size(): +Inf
}

uint64_t roundedMicros(std::chrono::nanoseconds took) {
    auto ns = took.count();
    return ns <= 0 ? 0 : static_cast<uint64_t>((ns + 500) / 1000);
}

// ---- Text format -------------------------------------------------------------

using Label = std::pair<std::string_view, std::string_view>;

void appendEscaped(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
}

std::string formatNumber(uint64_t value) {
    char buf[24];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
}

// Shortest text that reads back as the same double, without an exponent
// where that stays short ("0.0025", "10", "1732400000.123").
std::string formatNumber(double value) {
    char buf[64];
    auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    if (result.ec != std::errc()) result = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, result.ptr);
}

class Exposition {
  public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }

    template <class Number>
    void sample(std::string_view name, std::initializer_list<Label> labels, Number value,
                std::span<const Label> more = {}) {
        out_ += name;
        bool first = true;
        auto add = [&](const Label& label) {
            out_ += first ? '{' : ',';
            first = false;
            out_ += label.first;
            out_ += "=\"";
            appendEscaped(out_, label.second);
            out_ += '"';
        };
        for (const Label& label : more) add(label);
        for (const Label& label : labels) add(label);
        if (!first) out_ += '}';
        out_ += ' ';
        out_ += formatNumber(value);
        out_ += '\n';
    }

    // name_bucket (cumulative, le last), name_sum and name_count for one
    // label set; _count is the +Inf bucket by construction.
    void histogram(std::string_view name, std::span<const Label> labels,
                   std::span<const double> bounds, const std::atomic<uint64_t>* buckets,
                   uint64_t sumMicros) {
        const std::string bucket = std::string(name) + "_bucket";
        uint64_t cumulative = 0;
        for (size_t i = 0; i <= bounds.size(); ++i) {
            cumulative += buckets[i].load(kRelaxed);
            std::string le = i < bounds.size() ? formatNumber(bounds[i]) : "+Inf";
            sample(bucket, {{"le", le}}, cumulative, labels);
        }
        sample(std::string(name) + "_sum", {}, static_cast<double>(sumMicros) / 1e6, labels);
        sample(std::string(name) + "_count", {}, cumulative, labels);
    }

    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

}  // namespace

// ---- Region ------------------------------------------------------------------

namespace {
struct alignas(64) Slot {  // one cache line per worker
    std::atomic<pid_t> pid{0};
    std::atomic<int32_t> inUse{0};
    std::atomic<int32_t> idle{0};
    std::atomic<int32_t> threads{0};  // accept threads taking requests
    std::atomic<int32_t> busy{0};     // of those, serving one
};
}  // namespace

struct Region::Shared {
    std::atomic<uint64_t> restarts[kRestartReasons]{};
    std::atomic<uint64_t> poolTimeouts{0};
    std::atomic<uint64_t> poolWait[kPoolWaitSlots]{};  // not cumulative
    std::atomic<uint64_t> poolWaitSumMicros{0};
    std::atomic<uint64_t> checkouts[2]{};          // primary, replica
    std::atomic<uint64_t> replicaPassedOver[2]{};  // lagging, failed
    std::atomic<uint64_t> cpuReportedMicros{0};    // see monotonicCpuSeconds()
    std::atomic<uint64_t> maxThreadsReached{0};
    std::atomic<uint64_t> slowRequests{0};
    std::atomic<uint64_t> listenQueueMax{0};
    pid_t masterPid = 0;          // written once, before forking
    double startTimeSeconds = 0;  //
    Slot slots[kMaxWorkerSlots];
};

Region::Region(std::vector<std::string> routes) : routes_(std::move(routes)) {
    const size_t seriesOffset = (sizeof(Shared) + 63) / 64 * 64;
    const size_t seriesCount = (routes_.size() + 1) * kRouteStride;
    size_ = seriesOffset + seriesCount * sizeof(std::atomic<uint64_t>);
    void* base = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        throw std::system_error(errno, std::generic_category(), "mmap of the metrics region");
    }
    base_ = base;
    shared_ = new (base_) Shared();
    series_ = reinterpret_cast<std::atomic<uint64_t>*>(static_cast<char*>(base_) + seriesOffset);
    for (size_t i = 0; i < seriesCount; ++i) new (series_ + i) std::atomic<uint64_t>(0);
}

Region::~Region() { munmap(base_, size_); }  // atomics need no destruction

size_t Region::routeIndex(std::string_view route) const {
    for (size_t i = 0; i < routes_.size(); ++i)
        if (routes_[i] == route) return i;
    return routes_.size();
}

std::atomic<uint64_t>& Region::requests(size_t route, int method, size_t status) const {
    return series_[route * kRouteStride + static_cast<size_t>(method) * kStatusSlots + status];
}

std::atomic<uint64_t>& Region::durationBucket(size_t route, size_t bucket) const {
    return series_[route * kRouteStride + kRequestSeries + bucket];
}

std::atomic<uint64_t>& Region::durationSumMicros(size_t route) const {
    return series_[route * kRouteStride + kRequestSeries + kDurationSlots];
}

void Region::recordRequest(std::string_view route, http::Method method, int status,
                           std::chrono::nanoseconds took, bool slow) {
    const size_t r = routeIndex(route);
    const int m = std::clamp(static_cast<int>(method), 0, kMethodCount - 1);
    requests(r, m, statusIndex(status)).fetch_add(1, kRelaxed);
    durationBucket(r, bucketIndex(kDurationBuckets, took)).fetch_add(1, kRelaxed);
    durationSumMicros(r).fetch_add(roundedMicros(took), kRelaxed);
    if (slow) shared_->slowRequests.fetch_add(1, kRelaxed);
}

void Region::observePoolWait(std::chrono::nanoseconds waited) {
    shared_->poolWait[bucketIndex(kPoolWaitBuckets, waited)].fetch_add(1, kRelaxed);
    shared_->poolWaitSumMicros.fetch_add(roundedMicros(waited), kRelaxed);
}

void Region::countPoolTimeout() { shared_->poolTimeouts.fetch_add(1, kRelaxed); }

void Region::countCheckout(bool replica) {
    shared_->checkouts[replica ? 1 : 0].fetch_add(1, kRelaxed);
}

void Region::countReplicaPassedOver(bool lagging) {
    shared_->replicaPassedOver[lagging ? 0 : 1].fetch_add(1, kRelaxed);
}

void Region::countRestart(Restart why) {
    shared_->restarts[static_cast<size_t>(why)].fetch_add(1, kRelaxed);
}

void Region::setMaster(pid_t pid, double startTimeSeconds) {
    shared_->masterPid = pid;
    shared_->startTimeSeconds = startTimeSeconds;
}

int Region::claimSlot(pid_t pid) {
    for (int i = 0; i < kMaxWorkerSlots; ++i) {
        pid_t expected = 0;
        if (shared_->slots[i].pid.compare_exchange_strong(expected, pid)) return i;
    }
    return -1;
}

void Region::releaseSlot(pid_t pid) {
    for (Slot& slot : shared_->slots) {
        if (slot.pid.load() != pid) continue;
        slot.inUse.store(0);
        slot.idle.store(0);
        slot.threads.store(0);
        slot.busy.store(0);
        slot.pid.store(0);  // last: a new owner finds zeroed gauges
    }
}

void Region::setPoolConnections(int slot, int inUse, int idle) {
    if (slot < 0 || slot >= kMaxWorkerSlots) return;
    shared_->slots[slot].inUse.store(inUse, kRelaxed);
    shared_->slots[slot].idle.store(idle, kRelaxed);
}

void Region::setAcceptThreads(int slot, int threads) {
    if (slot < 0 || slot >= kMaxWorkerSlots) return;
    shared_->slots[slot].threads.store(threads, kRelaxed);
}

void Region::requestStarted(int slot) {
    if (slot < 0 || slot >= kMaxWorkerSlots) return;
    Slot& s = shared_->slots[slot];
    const int32_t busy = s.busy.fetch_add(1, kRelaxed) + 1;
    const int32_t threads = s.threads.load(kRelaxed);
    if (threads > 0 && busy >= threads) shared_->maxThreadsReached.fetch_add(1, kRelaxed);
}

void Region::requestFinished(int slot) {
    if (slot < 0 || slot >= kMaxWorkerSlots) return;
    shared_->slots[slot].busy.fetch_sub(1, kRelaxed);
}

void Region::observeListenQueue(const ListenQueue& queue) {
    uint64_t seen = shared_->listenQueueMax.load(kRelaxed);
    while (seen < queue.length &&
           !shared_->listenQueueMax.compare_exchange_weak(seen, queue.length, kRelaxed)) {
    }
}

std::vector<pid_t> Region::processes() const {
    std::vector<pid_t> pids;
    if (shared_->masterPid > 0) pids.push_back(shared_->masterPid);
    for (const Slot& slot : shared_->slots)
        if (pid_t pid = slot.pid.load(); pid > 0) pids.push_back(pid);
    return pids;
}

double Region::monotonicCpuSeconds(double measured) {
    uint64_t micros = measured > 0 ? static_cast<uint64_t>(measured * 1e6) : 0;
    uint64_t reported = shared_->cpuReportedMicros.load();
    while (reported < micros &&
           !shared_->cpuReportedMicros.compare_exchange_weak(reported, micros)) {
    }
    return static_cast<double>(std::max(reported, micros)) / 1e6;
}

std::string Region::render(const ProcessStats& process,
                           const std::optional<ListenQueue>& queue) const {
    Exposition out;
    const size_t routeSlots = routes_.size() + 1;
    auto routeName = [this](size_t r) -> std::string_view {
        return r < routes_.size() ? std::string_view(routes_[r]) : kUnmatchedRoute;
    };

    out.family("restd_http_requests_total", "counter",
               "Requests served, by route pattern, method and status, summed over all workers.");
    for (size_t r = 0; r < routeSlots; ++r) {
        for (int m = 0; m < kMethodCount; ++m) {
            for (size_t s = 0; s < kStatusSlots; ++s) {
                uint64_t n = requests(r, m, s).load(kRelaxed);
                if (n == 0) continue;
                std::string status = s < kStatuses.size() ? std::to_string(kStatuses[s]) : "other";
                out.sample("restd_http_requests_total",
                           {{"route", routeName(r)},
                            {"method", http::methodName(static_cast<http::Method>(m))},
                            {"status", status}},
                           n);
            }
        }
    }

    out.family("restd_http_request_duration_seconds", "histogram",
               "Time from receiving a request to writing its response, by route pattern.");
    for (size_t r = 0; r < routeSlots; ++r) {
        bool seen = false;
        for (size_t b = 0; b < kDurationSlots && !seen; ++b)
            seen = durationBucket(r, b).load(kRelaxed) != 0;
        if (!seen) continue;
        const Label route[] = {{"route", routeName(r)}};
        out.histogram("restd_http_request_duration_seconds", route, kDurationBuckets,
                      &durationBucket(r, 0), durationSumMicros(r).load(kRelaxed));
    }

    struct Live {
        int slot;
        uint64_t busy, idle;
    };
    std::vector<Live> live;
    uint64_t inUse = 0, idle = 0, inFlight = 0;
    for (int i = 0; i < kMaxWorkerSlots; ++i) {
        const Slot& slot = shared_->slots[i];
        if (slot.pid.load() == 0) continue;
        inUse += static_cast<uint64_t>(std::max(0, slot.inUse.load(kRelaxed)));
        idle += static_cast<uint64_t>(std::max(0, slot.idle.load(kRelaxed)));
        const int32_t busy = std::max(0, slot.busy.load(kRelaxed));
        const int32_t threads = slot.threads.load(kRelaxed);
        live.push_back(
            {i, static_cast<uint64_t>(busy), static_cast<uint64_t>(std::max(0, threads - busy))});
        inFlight += static_cast<uint64_t>(busy);
    }

    out.family("restd_requests_in_flight", "gauge",
               "Requests being served by the live workers, this scrape included.");
    out.sample("restd_requests_in_flight", {}, inFlight);

    out.family("restd_worker_accept_threads", "gauge",
               "Accept threads of each live worker (label worker: its slot, reused by its "
               "replacement), by state: serving a request, or idle and taking new connections.");
    for (const Live& worker : live) {
        const std::string index = std::to_string(worker.slot);
        out.sample("restd_worker_accept_threads", {{"worker", index}, {"state", "busy"}},
                   worker.busy);
        out.sample("restd_worker_accept_threads", {{"worker", index}, {"state", "idle"}},
                   worker.idle);
    }

    out.family("restd_max_threads_reached_total", "counter",
               "Requests that made all accept threads of their worker busy: the worker took no "
               "new connection until one finished (php-fpm's max children reached).");
    out.sample("restd_max_threads_reached_total", {}, shared_->maxThreadsReached.load(kRelaxed));

    out.family("restd_slow_requests_total", "counter",
               "Requests that took longer than SLOW_REQUEST_MS (each logged as a slow request).");
    out.sample("restd_slow_requests_total", {}, shared_->slowRequests.load(kRelaxed));

    out.family("restd_listen_queue_length", "gauge",
               "Connections waiting in the FastCGI listen socket for a worker to accept them.");
    if (queue) out.sample("restd_listen_queue_length", {}, queue->length);
    out.family("restd_listen_queue_length_max", "gauge",
               "The longest listen queue seen since the master started (sampled by the master "
               "four times a second and at each scrape).");
    out.sample("restd_listen_queue_length_max", {},
               std::max(shared_->listenQueueMax.load(kRelaxed), queue ? queue->length : 0));
    out.family("restd_listen_backlog", "gauge",
               "The most connections the listen queue holds (LISTEN_BACKLOG, capped by "
               "net.core.somaxconn).");
    if (queue) out.sample("restd_listen_backlog", {}, queue->backlog);

    out.family("restd_db_pool_connections", "gauge",
               "Database connections of the live workers' pools, by state.");
    out.sample("restd_db_pool_connections", {{"state", "in_use"}}, inUse);
    out.sample("restd_db_pool_connections", {{"state", "idle"}}, idle);

    out.family("restd_db_pool_wait_seconds", "histogram",
               "Time to check out a pooled connection (waiting, opening or validating it).");
    out.histogram("restd_db_pool_wait_seconds", {}, kPoolWaitBuckets, shared_->poolWait,
                  shared_->poolWaitSumMicros.load(kRelaxed));

    out.family("restd_db_pool_wait_timeouts_total", "counter",
               "Checkouts that found no free connection within DB_POOL_WAIT_MS (answered 503).");
    out.sample("restd_db_pool_wait_timeouts_total", {}, shared_->poolTimeouts.load(kRelaxed));

    out.family("restd_db_pool_checkouts_total", "counter",
               "Connections handed out, by pool: each one a read or a unit of work. "
               "pool=\"replica\" counts reads served by the replicas of DB_READ_HOSTS.");
    out.sample("restd_db_pool_checkouts_total", {{"pool", "primary"}},
               shared_->checkouts[0].load(kRelaxed));
    out.sample("restd_db_pool_checkouts_total", {{"pool", "replica"}},
               shared_->checkouts[1].load(kRelaxed));

    out.family("restd_db_replica_passed_over_total", "counter",
               "Times a replica was passed over for DB_READ_RETRY_MS, by reason: it had not "
               "applied the primary's position within DB_READ_MAX_LAG_MS, or it failed.");
    out.sample("restd_db_replica_passed_over_total", {{"reason", "lagging"}},
               shared_->replicaPassedOver[0].load(kRelaxed));
    out.sample("restd_db_replica_passed_over_total", {{"reason", "failed"}},
               shared_->replicaPassedOver[1].load(kRelaxed));

    out.family("restd_worker_restarts_total", "counter",
               "Workers the master replaced after they exited, by reason.");
    for (size_t i = 0; i < kRestartReasons; ++i) {
        out.sample("restd_worker_restarts_total", {{"reason", kRestartNames[i]}},
                   shared_->restarts[i].load(kRelaxed));
    }

    out.family("restd_workers", "gauge", "Live worker processes.");
    out.sample("restd_workers", {}, static_cast<uint64_t>(live.size()));

    out.family("restd_build_info", "gauge", "The running restd version (always 1).");
    out.sample("restd_build_info", {{"version", common::kVersion}}, uint64_t{1});

    // The standard names of the Prometheus client libraries' process
    // collector, unprefixed, so that process dashboards and alerts apply.
    out.family("process_cpu_seconds_total", "counter",
               "User and system CPU time of the master and all its workers, exited ones "
               "included.");
    out.sample("process_cpu_seconds_total", {}, process.cpuSeconds);
    out.family("process_resident_memory_bytes", "gauge",
               "Resident memory of the master plus each worker (pages shared after fork count "
               "once per process).");
    out.sample("process_resident_memory_bytes", {}, process.residentBytes);
    out.family("process_open_fds", "gauge",
               "Open file descriptors of the master plus each worker.");
    out.sample("process_open_fds", {}, process.openFds);
    out.family("process_start_time_seconds", "gauge",
               "Start time of the master since the Unix epoch, in seconds.");
    out.sample("process_start_time_seconds", {}, shared_->startTimeSeconds);
    return out.take();
}

// ---- The process tree's region and its hooks ----------------------------------

namespace {

std::unique_ptr<Region> gRegion;  // mapped by the master, inherited by every worker
int gSlot = -1;                   // this worker's slot
int gListenFd = -1;               // the FastCGI listen socket, shared by the whole tree
std::mutex gPoolMutex;            // orders publishPool() calls of this process

}  // namespace

void init(int listenFd) {
    if (gRegion) return;
    gListenFd = listenFd;
    std::vector<std::string> routes;
    for (const router::Route& route : routeTable()) {
        if (std::find(routes.begin(), routes.end(), route.path) == routes.end()) {
            routes.emplace_back(route.path);
        }
    }
    try {
        gRegion = std::make_unique<Region>(std::move(routes));
    } catch (const std::exception& e) {
        log::error("metrics disabled", {{"error", e.what()}});
        return;
    }
    double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    gRegion->setMaster(getpid(), now);
}

void claimWorkerSlot() {
    if (!gRegion) return;
    gSlot = gRegion->claimSlot(getpid());
    if (gSlot < 0)
        log::warn("metrics: no free worker slot; this worker's pool gauges are not shown");
}

void workerReaped(pid_t pid) {
    if (gRegion) gRegion->releaseSlot(pid);
}

void countRestart(Restart why) {
    if (gRegion) gRegion->countRestart(why);
}

void recordRequest(std::string_view route, http::Method method, int status,
                   std::chrono::nanoseconds took, bool slow) {
    if (gRegion) gRegion->recordRequest(route, method, status, took, slow);
}

void setAcceptThreads(int threads) {
    if (gRegion) gRegion->setAcceptThreads(gSlot, threads);
}

void requestStarted() {
    if (gRegion) gRegion->requestStarted(gSlot);
}

void requestFinished() {
    if (gRegion) gRegion->requestFinished(gSlot);
}

void sampleListenQueue() {
    if (!gRegion) return;
    if (auto queue = readListenQueue(gListenFd)) gRegion->observeListenQueue(*queue);
}

namespace {

// The lock makes the last snapshot the last one stored: without it, two
// threads could store their snapshots in the reverse order and leave a stale
// gauge behind until the pool next changes.
void publishPool(const db::Pool& pool) {
    if (!gRegion || gSlot < 0) return;
    std::lock_guard lock(gPoolMutex);
    db::PoolStats stats = pool.stats();
    gRegion->setPoolConnections(gSlot, stats.inUse, stats.idle);
}

}  // namespace

void observeDbPools() {
    db::observePools({
        .checkedOut =
            [](const db::Pool& pool, std::chrono::nanoseconds waited) {
                if (!gRegion) return;
                const bool replica = pool.role() == db::PoolRole::Replica;
                gRegion->countCheckout(replica);
                // The connection gauges and wait times are the primary pool's.
                if (replica) return;
                gRegion->observePoolWait(waited);
                publishPool(pool);
            },
        .released =
            [](const db::Pool& pool) {
                if (pool.role() == db::PoolRole::Primary) publishPool(pool);
            },
        .timedOut =
            [] {
                if (gRegion) gRegion->countPoolTimeout();
            },
        .replicaPassedOver =
            [](bool lagging) {
                if (gRegion) gRegion->countReplicaPassedOver(lagging);
            },
    });
}

// The master is read first: a worker reaped after that is missing from both
// its reaped-children time and /proc, so this scrape undercounts it, which
// monotonicCpuSeconds() hides; it never counts twice.
std::string render() {
    if (!gRegion) return {};
    std::vector<pid_t> pids = gRegion->processes();  // the master first
    ProcessStats total;
    double cpu = 0;
    for (size_t i = 0; i < pids.size(); ++i) {
        auto sample = sampleProcess(pids[i]);
        if (!sample) continue;
        cpu += sample->cpuSeconds;
        if (i == 0) cpu += sample->reapedChildSeconds;
        total.residentBytes += sample->residentBytes;
        total.openFds += sample->openFds;
    }
    total.cpuSeconds = gRegion->monotonicCpuSeconds(cpu);
    std::optional<ListenQueue> queue = readListenQueue(gListenFd);
    if (queue) gRegion->observeListenQueue(*queue);
    return gRegion->render(total, queue);
}

}  // namespace restd::app::metrics
