#include "app/worker.h"

#include <arpa/inet.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/dispatcher.h"
#include "app/listen_socket.h"
#include "app/log.h"
#include "app/metrics.h"
#include "auth/bcrypt_gate.h"
#include "db/connection.h"
#include "http/request_id.h"
#include "router/router.h"

namespace restd::app {

namespace {

// Past this many bytes of an oversized body the connection is closed rather
// than drained (nginx's own limit normally stops such bodies first).
constexpr size_t kMaxDrainBytes = 64 << 20;

// How long a stopping worker waits for one more request on a kept connection.
constexpr auto kKeptConnectionLinger = std::chrono::milliseconds(500);

std::string_view reasonPhrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 412:
            return "Precondition Failed";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Status";
    }
}

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

void wake(int eventFd) {
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
    const Config& config;
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
        handOver.store(true);
        stopping.store(true);
        wake(stopFd);
    }
    // Stops accepting; kept connections get one more request, then are closed
    // (nobody would take them).
    void stop() {
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

// A one-byte message with room for one descriptor (SCM_RIGHTS): what the
// hand-over channel carries.
struct DescriptorMessage {
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};

    DescriptorMessage() {
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
    }
    DescriptorMessage(const DescriptorMessage&) = delete;
    DescriptorMessage& operator=(const DescriptorMessage&) = delete;
};

// Sends a kept connection to whichever worker reads the channel next.
bool handOverConnection(int channel, int fd) {
    DescriptorMessage m;
    cmsghdr* header = CMSG_FIRSTHDR(&m.msg);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    return sendmsg(channel, &m.msg, MSG_DONTWAIT | MSG_NOSIGNAL) == 1;
}

// A kept connection another worker handed over, or -1 when there is none.
int takeOverConnection(int channel) {
    DescriptorMessage m;
    msghdr& msg = m.msg;
    if (recvmsg(channel, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0) return -1;
    for (cmsghdr* h = CMSG_FIRSTHDR(&msg); h != nullptr; h = CMSG_NXTHDR(&msg, h)) {
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
            int fd = -1;
            std::memcpy(&fd, CMSG_DATA(h), sizeof fd);
            return fd;
        }
    }
    return -1;
}

// A stopping worker's kept connection: to another worker when retiring, else closed.
void releaseKeptConnection(Shared& shared, int fd) {
    if (shared.handOver.load() && handOverConnection(shared.fds.handOverSend, fd)) {
        ++shared.handedOver;
    }
    close(fd);  // our copy; a handed-over connection lives on in the channel
}

// Reads the body into `req`, at most maxBodyBytes; an oversized one is drained
// and discarded so the kept FastCGI connection stays in sync.
void readBody(FCGX_Request& fcgi, http::Request& req, size_t maxBodyBytes) {
    std::string& body = req.mutableBody();
    body.clear();
    char chunk[16384];
    size_t total = 0;
    bool tooLarge = req.contentLength() > maxBodyBytes;
    while (true) {
        int n = FCGX_GetStr(chunk, sizeof chunk, fcgi.in);
        if (n <= 0) break;
        total += static_cast<size_t>(n);
        if (!tooLarge && total > maxBodyBytes) {
            tooLarge = true;
        }
        if (!tooLarge) {
            body.append(chunk, static_cast<size_t>(n));
        } else if (total > kMaxDrainBytes) {
            fcgi.keepConnection = 0;
            break;
        }
    }
    if (tooLarge) {
        // Keep one byte past the limit so the dispatcher sees the overflow.
        body.assign(maxBodyBytes + 1, '\0');
    }
}

void writeResponse(FCGX_Request& fcgi, const http::Response& res, std::string& out) {
    out.clear();
    out += "Status: ";
    out += std::to_string(res.status());
    out += ' ';
    out += reasonPhrase(res.status());
    out += "\r\n";
    if (!res.contentType().empty()) {
        out += "Content-Type: ";
        out += res.contentType();
        out += "\r\n";
    }
    for (const auto& [name, value] : res.headers()) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    // A length lets nginx pass the body through as it is instead of chunking it.
    if (std::optional<size_t> length = res.contentLength()) {
        out += "Content-Length: ";
        out += std::to_string(*length);
        out += "\r\n";
    }
    out += "\r\n";
    out += res.body();
    FCGX_PutStr(out.data(), static_cast<int>(out.size()), fcgi.out);
}

void serveOne(Shared& shared, InFlight& slot, FCGX_Request& fcgi, http::Response& res,
              std::string& out) {
    auto started = Clock::now();
    http::Request req = http::Request::fromEnvironment(fcgi.envp);
    req.setRequestId(http::pickRequestId(req));
    InFlightScope busy(slot, req, started);
    readBody(fcgi, req, shared.config.maxBodyBytes);

    Served served = shared.dispatcher.serve(req, res);
    writeResponse(fcgi, res, out);
    metrics::recordRequest(served.route, req.method(), res.status(),
                           std::chrono::steady_clock::now() - started);

    double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    ms = static_cast<double>(static_cast<int64_t>(ms * 1000)) / 1000;
    log::Field userId = served.userId ? log::Field("userId", static_cast<int64_t>(*served.userId))
                                      : log::Field("userId", nullptr);
    log::info("request", {{"requestId", req.requestId()},
                          {"method", req.methodText()},
                          {"route", served.route},
                          {"path", req.path()},
                          {"status", res.status()},
                          {"durationMs", ms},
                          userId});
    if (shared.config.slowRequestMs > 0 && ms > shared.config.slowRequestMs) {
        log::warn("slow request", {{"requestId", req.requestId()},
                                   {"method", req.methodText()},
                                   {"route", served.route},
                                   {"path", req.path()},
                                   {"durationMs", ms}});
    }
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
        serveOne(shared, slot, fcgi, res, out);
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

void note(int noteFd, WorkerNote::Event event) {
    WorkerNote n{static_cast<int32_t>(getpid()), event};
    ssize_t w = ::write(noteFd, &n, sizeof n);
    (void)w;  // a master too busy to read gets no early notice; it still sees the exit
}

struct RequestAges {
    int busy = 0;   // accept threads serving a request
    int stuck = 0;  // of these, serving one older than the limit
};

// Logs every request older than the limit (once each) and counts busy and
// stuck accept threads.
RequestAges checkTimeouts(Shared& shared, int threads, std::chrono::seconds limit) {
    const int64_t now = Clock::now().time_since_epoch().count();
    const int64_t limitTicks = std::chrono::duration_cast<Clock::duration>(limit).count();
    RequestAges ages;
    for (int i = 0; i < threads; ++i) {
        InFlight& slot = shared.inFlight[i];
        int64_t started = slot.startedNs.load(std::memory_order_acquire);
        if (started == 0) continue;
        ++ages.busy;
        if (now - started <= limitTicks) continue;
        ++ages.stuck;
        if (slot.reportedNs == started) continue;
        slot.reportedNs = started;
        long elapsedMs = static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::duration(now - started))
                .count());
        std::lock_guard lock(slot.mutex);
        log::error("request timeout", {{"requestId", slot.requestId},
                                       {"method", slot.method},
                                       {"path", slot.path},
                                       {"elapsedMs", elapsedMs},
                                       {"limitSeconds", static_cast<long>(limit.count())}});
    }
    return ages;
}

}  // namespace

Worker::Worker(const Config& config, WorkerFds fds, std::chrono::system_clock::time_point startedAt)
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
    db::Pool pool(config_.db);
    auth::configureBcryptGate(config_.bcryptConcurrency);
    router::Router router(router::routeTable());
    Services services{config_, pool, std::chrono::steady_clock::now(), startedAt_};
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
    shared.inFlight = std::make_unique<InFlight[]>(static_cast<size_t>(threadCount));

    std::vector<std::thread> threads;
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
        RequestAges ages = checkTimeouts(shared, threadCount, limit);
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
