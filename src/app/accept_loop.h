// SPDX-License-Identifier: Apache-2.0
// The accept loop and kept-connection scheduling: a worker's accept threads
// wait together on one epoll set, serve whichever connection has a request
// next and decide what becomes of it then (parked again, handed over,
// closed). Apart from the request itself (fcgi_io) because this is where the
// worker's threads meet: the epoll set, its locks, the stop.
#pragma once

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "app/dispatcher.h"
#include "app/metrics.h"
#include "app/watchdog.h"
#include "app/worker.h"
#include "common/log.h"
#include "config/config.h"

namespace restd::app {

// How long a stopping worker waits for one more request on a kept connection.
inline constexpr auto kKeptConnectionLinger = std::chrono::milliseconds(500);

inline void wake(int eventFd) {
    uint64_t one = 1;
    ssize_t n = ::write(eventFd, &one, sizeof one);
    (void)n;  // the counter only ever needs to become non-zero
}

// Parked connections by descriptor, each with the generation it was parked
// with (0: not parked). Descriptors are small numbers, so a vector indexed by
// them makes parking and claiming, which happen on every request, free of
// allocation. Not thread-safe (Shared::idleMutex guards it).
class ParkedConnections {
  public:
    void add(int fd, uint32_t gen) {
        auto i = static_cast<size_t>(fd);
        if (i >= gens_.size()) gens_.resize(std::max<size_t>(i + 1, 2 * gens_.size()), 0);
        if (gens_[i] == 0) ++count_;
        gens_[i] = gen;
    }
    // True when `fd` was parked with `gen`; it is taken out then.
    bool take(int fd, uint32_t gen) {
        auto i = static_cast<size_t>(fd);
        if (gen == 0 || i >= gens_.size() || gens_[i] != gen) return false;
        gens_[i] = 0;
        --count_;
        return true;
    }
    // Any parked connection, taken out; -1 when none is.
    int takeAny() {
        for (size_t i = 0; count_ > 0 && i < gens_.size(); ++i) {
            if (gens_[i] != 0 && take(static_cast<int>(i), gens_[i])) return static_cast<int>(i);
        }
        return -1;
    }

  private:
    std::vector<uint32_t> gens_;
    size_t count_ = 0;
};

// State shared by the accept threads of this worker.
//
// The threads wait together on one epoll set: the listen socket, the
// hand-over channel, the stop event, and every kept connection that is idle
// between two requests (parked, one-shot). Whichever thread is free serves
// whichever connection has a request next, so an idle kept connection never
// holds a thread, and nginx may keep more connections open than there are
// threads: none of its requests then pays for a connect, an accept and a close.
struct Shared {
    const config::Config& config;
    const WorkerFds& fds;
    int stopFd;  // eventfd: readable once the worker stops accepting
    int doneFd;  // eventfd: readable once every accept thread has returned
    int epfd;    // the epoll set all accept threads wait on
    const Dispatcher& dispatcher;
    std::atomic<long> served{0};
    std::atomic<bool> stopping{false};
    std::atomic<bool> handOver{false};  // kept connections go to the other workers
    std::atomic<long> handedOver{0};
    std::atomic<int> running{0};          // accept threads that have not returned
    std::atomic<int64_t> lingerUntil{0};  // steady-clock ticks: a stop's last call for requests
    std::unique_ptr<InFlight[]> inFlight = {};

    // Parked connections and the generation each was parked with: an epoll
    // event carries both, so an event that comes late for a connection that
    // was closed meanwhile (its number reused) is recognised. The thread that
    // removes a connection from the map owns it; epoll_ctl runs under the
    // mutex so that parking and taking out never interleave.
    std::mutex idleMutex{};
    std::mutex listenMutex{};  // yieldNextConnection
    ParkedConnections idle{};
    uint32_t generation = 0;

    // Stops accepting; kept connections are handed over.
    void retire() {
        metrics::setAcceptThreads(0);  // none of them idle for new connections now
        handOver.store(true);
        stopping.store(true);
        wake(stopFd);
    }
    // Stops accepting; kept connections get one more request, then are closed
    // (nobody would take them).
    void stop() {
        metrics::setAcceptThreads(0);
        handOver.store(false);
        lingerUntil.store((Clock::now() + kKeptConnectionLinger).time_since_epoch().count());
        stopping.store(true);
        wake(stopFd);
    }

    // New connections go round the workers. EPOLLEXCLUSIVE wakes the first
    // worker queued on the listen socket, always the same one while it has an
    // idle thread; and a kept connection stays with the worker that accepted
    // it, so one worker would get every connection nginx keeps. Registering
    // the listen socket again puts this worker at the end of the queue.
    void yieldNextConnection() {
        std::lock_guard lock(listenMutex);
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLEXCLUSIVE;
        ev.data.u64 = static_cast<uint32_t>(fds.listen);
        epoll_ctl(epfd, EPOLL_CTL_DEL, fds.listen, nullptr);
        epoll_ctl(epfd, EPOLL_CTL_ADD, fds.listen, &ev);
    }

    // Waits in the epoll set until its next request. `registered`: the
    // connection is in the set already (it was parked before).
    void park(int fd, bool registered) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLONESHOT;
        std::unique_lock lock(idleMutex);
        uint32_t gen = ++generation;
        if (gen == 0) gen = ++generation;  // 0 tags the worker's own descriptors
        ev.data.u64 = (static_cast<uint64_t>(gen) << 32) | static_cast<uint32_t>(fd);
        idle.add(fd, gen);
        // Re-arming a connection that is in the set already happens after
        // every request: outside the lock, so that a thread preempted in the
        // system call holds up no other (the map entry comes first: no event
        // can precede it). Should a stop take the connection out meanwhile,
        // the call fails harmlessly and the stop owns it.
        if (registered) lock.unlock();
        if (epoll_ctl(epfd, registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) == 0) return;
        int error = errno;
        if (!lock.owns_lock()) lock.lock();
        if (!idle.take(fd, gen)) return;  // taken by a stop
        lock.unlock();
        log::error("cannot park a kept connection", {{"error", std::strerror(error)}});
        close(fd);
    }
    // The parked connection an event names, now owned by the caller; false
    // when it was taken out meanwhile (a stop) or is another one by now.
    bool claim(int fd, uint32_t gen) {
        std::lock_guard lock(idleMutex);
        return idle.take(fd, gen);
    }
    // Any parked connection, taken out of the set and owned by the caller; -1
    // when none is left.
    int takeAny() {
        std::lock_guard lock(idleMutex);
        int fd = idle.takeAny();
        if (fd < 0) return -1;
        epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nullptr);
        return fd;
    }
};

// One accept thread: serves requests until the worker stops accepting, then
// empties the epoll set of parked connections; `slot` shows its request to
// the watchdog.
void acceptLoop(Shared& shared, InFlight& slot);

}  // namespace restd::app
