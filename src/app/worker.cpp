// SPDX-License-Identifier: Apache-2.0
// The worker's lifecycle (worker.h): set-up after the fork, the accept
// threads, the wait for a stop while watching request ages, shutdown. What a
// thread does is in accept_loop.cpp (which connection is served next),
// fcgi_io.cpp (one request), handover.cpp (kept connections to other workers);
// the request watchdog is watchdog.cpp, the access log line access_log.h.
#include "app/worker.h"

#include <fcgiapp.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "app/accept_loop.h"
#include "app/dispatcher.h"
#include "app/metrics.h"
#include "app/route_table.h"
#include "app/watchdog.h"
#include "auth/bcrypt_gate.h"
#include "common/log.h"
#include "db/connection.h"
#include "router/router.h"

namespace restd::app {

namespace {

void note(int noteFd, WorkerNote::Event event) {
    WorkerNote n{static_cast<int32_t>(getpid()), event};
    ssize_t w = ::write(noteFd, &n, sizeof n);
    (void)w;  // a master too busy to read gets no early notice; it still sees the exit
}

}  // namespace

Worker::Worker(const config::Config& config, WorkerFds fds,
               std::chrono::system_clock::time_point startedAt)
    : config_(config), fds_(fds), startedAt_(startedAt) {}

int Worker::run() {
    signal(SIGPIPE, SIG_IGN);  // a client that went away must not kill the worker
    // glibc hands memory freed at the top of a thread's heap back to the
    // kernel (madvise) once 128 KiB are free, and takes it again on the next
    // request: page faults, and TLB shoot-downs across cores, per request.
    // A worker's heap is small and steady; it keeps what it had.
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGHUP}) sigaddset(&stopSignals, s);
    // Blocked since the fork (the master's mask) and before the threads start,
    // so only the signalfd below sees them.
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    int sigFd = signalfd(-1, &stopSignals, SFD_CLOEXEC | SFD_NONBLOCK);
    int stopFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int doneFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

    if (FCGX_Init() != 0) {
        log::error("FCGX_Init failed");
        return 1;
    }
    db::initDriver();
    metrics::claimWorkerSlot();
    metrics::observeDbPools();
    db::Pool pool(config_.db);
    std::optional<db::ReadPool> replicas;
    if (!config_.db.readHosts.empty()) replicas.emplace(config_.db, pool);
    auth::configureBcryptGate(config_.bcryptConcurrency);
    router::Router router(routeTable());
    router::Services services{config_,
                              pool,
                              std::chrono::steady_clock::now(),
                              startedAt_,
                              openapiDocument(),
                              metrics::render,
                              replicas ? &*replicas : nullptr};
    Dispatcher dispatcher(router, services);
    const int threadCount = config_.threadsPerWorker;
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    for (int fd : {fds_.listen, fds_.handOverReceive, stopFd}) {
        epoll_event ev{};
        // One waiter per new connection across all workers (EPOLLEXCLUSIVE);
        // the stop event stays readable and reaches every thread.
        ev.events = fd == stopFd ? EPOLLIN : EPOLLIN | EPOLLEXCLUSIVE;
        ev.data.u64 = static_cast<uint32_t>(fd);  // generation 0: the worker's own
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    }
    Shared shared{config_, fds_, stopFd, doneFd, epfd, dispatcher};
    shared.running = threadCount;
    metrics::setAcceptThreads(threadCount);
    shared.inFlight = std::make_unique<InFlight[]>(static_cast<size_t>(threadCount));

    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(threadCount));
    for (int i = 0; i < threadCount; ++i) {
        threads.emplace_back([&shared, i] { acceptLoop(shared, shared.inFlight[i]); });
    }
    note(fds_.notes, WorkerNote::Ready);
    log::debug("worker started", {{"threads", threadCount}});

    // Waits for a stop (signal, or the threads after MAX_REQUESTS_PER_WORKER)
    // and for the threads to return; meanwhile watches request ages.
    const auto limit = std::chrono::seconds(config_.requestTimeoutSeconds);
    const auto grace = std::chrono::seconds(config_.graceSeconds);
    const char* reason = nullptr;
    std::optional<Clock::time_point> timedOutAt;
    pollfd fds[3] = {{sigFd, POLLIN, 0}, {stopFd, POLLIN, 0}, {doneFd, POLLIN, 0}};
    while (shared.running.load() > 0) {
        if (poll(fds, 3, 250) < 0 && errno != EINTR) break;
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info;
            while (::read(sigFd, &info, sizeof info) == sizeof info) {
                if (info.ssi_signo == SIGHUP) {
                    if (reason == nullptr) reason = "retired";
                    if (!shared.stopping.load()) shared.retire();
                } else {
                    reason = "signal";
                    shared.stop();
                }
            }
        }
        if (fds[1].revents & POLLIN) {
            fds[1].fd = -1;  // stays readable from now on: poll() must not hear it again
            if (reason == nullptr) {
                reason = "max requests";
                note(fds_.notes, WorkerNote::MaxRequests);
            }
        }
        if (limit.count() == 0) continue;
        RequestAges ages = checkTimeouts(
            std::span<InFlight>(shared.inFlight.get(), static_cast<size_t>(threadCount)), limit);
        if (ages.stuck > 0 && !timedOutAt) {
            timedOutAt = Clock::now();
            reason = "request timeout";
            note(fds_.notes, WorkerNote::RequestTimeout);
            if (!shared.stopping.load()) shared.retire();
            log::warn("worker stopping after a request timeout; other requests finish first",
                      {{"stuck", ages.stuck}, {"others", ages.busy - ages.stuck}});
        }
        // The stuck threads cannot be joined: leave once the others are done.
        if (timedOutAt &&
            (shared.running.load() <= ages.stuck || Clock::now() - *timedOutAt >= grace)) {
            log::debug("worker stopped", {{"reason", reason},
                                          {"served", shared.served.load()},
                                          {"handedOver", shared.handedOver.load()}});
            _exit(kExitRequestTimeout);
        }
    }
    for (auto& t : threads) t.join();
    log::debug("worker stopped", {{"reason", reason ? reason : "error"},
                                  {"served", shared.served.load()},
                                  {"handedOver", shared.handedOver.load()}});
    close(sigFd);
    close(stopFd);
    close(doneFd);
    close(epfd);
    return timedOutAt ? kExitRequestTimeout : 0;
}

}  // namespace restd::app
