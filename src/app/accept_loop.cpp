// SPDX-License-Identifier: Apache-2.0
// The accept loop (see accept_loop.h): new connections, parked ones with a
// request, connections handed over by retiring workers, and the stop.
#include "app/accept_loop.h"

#include <arpa/inet.h>
#include <fcgiapp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <string>
#include <thread>

#include "app/fcgi_io.h"
#include "app/handover.h"
#include "app/listen_socket.h"
#include "db/connection.h"

namespace restd::app {

namespace {

// A stopping worker's kept connection: to another worker when retiring, else closed.
void releaseKeptConnection(Shared& shared, int fd) {
    if (shared.handOver.load() && handOverConnection(shared.fds.handOverSend, fd)) {
        ++shared.handedOver;
    }
    close(fd);  // our copy; a handed-over connection lives on in the channel
}

// Closes a connection from a peer FCGI_WEB_SERVER_ADDRS does not list, before
// reading a byte of it. Logged at most once a second per worker (a scan of
// the port must not flood the log), with the count refused meanwhile.
void refusePeer(int conn, const sockaddr_storage& peer) {
    close(conn);
    static std::atomic<int64_t> lastLogged{0};
    static std::atomic<long> refused{0};
    ++refused;
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
    int64_t last = lastLogged.load();
    if (now == last || !lastLogged.compare_exchange_strong(last, now)) return;
    char text[INET6_ADDRSTRLEN] = "?";
    if (peer.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(peer).sin_addr, text, sizeof text);
    } else if (peer.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr, text,
                  sizeof text);
    }
    log::warn("refused a FastCGI connection from an address not in FCGI_WEB_SERVER_ADDRS",
              {{"peer", text}, {"refused", refused.exchange(0)}});
}

// What an accept thread does next.
struct Work {
    enum class Kind { Stop, Serve, Park } kind = Kind::Stop;
    int fd = -1;
    bool registered = false;  // Serve: the connection is in the epoll set already
};

// Waits in the worker's epoll set for a new connection, a parked one with a
// request, a connection a retiring worker handed over (to park: it may be
// idle), or the stop.
Work nextWork(Shared& shared) {
    while (true) {
        epoll_event ev;
        int n = epoll_wait(shared.epfd, &ev, 1, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return {};
        if (n == 0) continue;
        const auto gen = static_cast<uint32_t>(ev.data.u64 >> 32);
        const auto fd = static_cast<int>(static_cast<uint32_t>(ev.data.u64));
        if (gen != 0) {
            if (shared.claim(fd, gen)) return {Work::Kind::Serve, fd, true};
            continue;
        }
        if (fd == shared.stopFd) return {};
        if (fd == shared.fds.handOverReceive) {
            int conn = takeOverConnection(shared.fds.handOverReceive);
            if (conn >= 0) return {Work::Kind::Park, conn, false};
            continue;
        }
        sockaddr_storage peer{};
        socklen_t peerLength = sizeof peer;
        int conn = accept4(shared.fds.listen, reinterpret_cast<sockaddr*>(&peer), &peerLength,
                           SOCK_CLOEXEC);
        if (conn >= 0 &&
            !peerAllowed(reinterpret_cast<sockaddr*>(&peer), shared.config.fcgiWebServerAddrs)) {
            refusePeer(conn, peer);
            continue;
        }
        if (conn >= 0) {
            shared.yieldNextConnection();
            return {Work::Kind::Serve, conn, false};
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
            continue;
        log::error("accept failed", {{"error", std::strerror(errno)}});
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

// Serves the next request on connection `fd`. Returns the connection when
// nginx keeps it for more requests, else -1 (it is closed).
int serveRequest(Shared& shared, InFlight& slot, FCGX_Request& fcgi, http::Response& res,
                 std::string& out, int fd) {
    fcgi.ipcFd = fd;
    fcgi.keepConnection = 1;  // so FCGX_Accept_r does not close it before reading
    if (FCGX_Accept_r(&fcgi) < 0) {
        fcgi.ipcFd = -1;  // the peer closed the connection or spoke garbage (libfcgi closed it)
        return -1;
    }
    // A stopping worker closes kept connections after their current request,
    // so that a connection nginx keeps reusing cannot hold the drain open; a
    // retiring one hands them over afterwards.
    if (shared.stopping.load() && !shared.handOver.load()) fcgi.keepConnection = 0;
    try {
        serveOne(shared.config, shared.dispatcher, slot, fcgi, res, out);
    } catch (const std::exception& e) {
        // Only I/O setup can throw here; the dispatcher catches everything else.
        log::error("request failed outside the dispatcher", {{"error", e.what()}});
        fcgi.keepConnection = 0;
    }
    FCGX_Finish_r(&fcgi);  // closes the connection unless it is kept
    int kept = fcgi.ipcFd;
    fcgi.ipcFd = -1;
    const long maxRequests = shared.config.maxRequestsPerWorker;
    if (long served = ++shared.served; maxRequests > 0 && served >= maxRequests) shared.retire();
    return kept;
}

// True once `fd` has data (or a hang-up) before the steady-clock tick `until`.
bool readableBefore(int fd, int64_t until) {
    pollfd p{fd, POLLIN, 0};
    while (true) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(
            Clock::duration(until - Clock::now().time_since_epoch().count()));
        int n = poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
        if (n < 0 && errno == EINTR) continue;
        return n > 0;
    }
}

// A stopping worker empties the epoll set of parked connections. Retiring:
// each goes to another worker. Stopping: each gets until the stop's linger
// deadline to bring one more request, which is served and followed at once by
// the close (nginx sees the close with the response and does not reuse the
// connection); one still idle then is closed. Closing an idle kept
// connection races with nginx picking it for a request, which then fails, so
// this is kept for shutdown, when no other worker could take the connection.
void drainParked(Shared& shared, InFlight& slot, FCGX_Request& fcgi, http::Response& res,
                 std::string& out) {
    for (int fd; (fd = shared.takeAny()) >= 0;) {
        if (shared.handOver.load()) {
            releaseKeptConnection(shared, fd);
        } else if (readableBefore(fd, shared.lingerUntil.load())) {
            int kept = serveRequest(shared, slot, fcgi, res, out, fd);
            if (kept >= 0) releaseKeptConnection(shared, kept);  // a retire came meanwhile
        } else {
            close(fd);
        }
    }
}

}  // namespace

void acceptLoop(Shared& shared, InFlight& slot) {
    db::threadInit();
    FCGX_Request fcgi;
    // No listen socket for libfcgi: this loop accepts, libfcgi only speaks the protocol.
    FCGX_InitRequest(&fcgi, -1, 0);
    http::Response res;
    std::string out;

    while (true) {
        Work work = nextWork(shared);
        if (work.kind == Work::Kind::Stop) break;
        if (work.kind == Work::Kind::Park) {
            shared.park(work.fd, false);
            continue;
        }
        int kept = serveRequest(shared, slot, fcgi, res, out, work.fd);
        if (kept < 0) continue;
        if (shared.stopping.load() && shared.handOver.load()) {
            if (work.registered) {
                std::lock_guard lock(shared.idleMutex);
                epoll_ctl(shared.epfd, EPOLL_CTL_DEL, kept, nullptr);
            }
            releaseKeptConnection(shared, kept);
        } else {
            shared.park(kept, work.registered);  // a stopping worker drains it below
        }
    }
    drainParked(shared, slot, fcgi, res, out);
    db::threadEnd();
    if (--shared.running == 0) wake(shared.doneFd);
}

}  // namespace restd::app
