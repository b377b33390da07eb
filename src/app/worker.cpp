#include "app/worker.h"

#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

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
#include "app/log.h"
#include "app/metrics.h"
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

// State shared by the accept threads of this worker.
struct Shared {
    const Config& config;
    const WorkerFds& fds;
    int stopFd;  // eventfd: readable once the worker stops accepting
    int doneFd;  // eventfd: readable once every accept thread has returned
    const Dispatcher& dispatcher;
    std::atomic<long> served{0};
    std::atomic<bool> stopping{false};
    std::atomic<bool> handOver{false};  // kept connections go to the other workers
    std::atomic<long> handedOver{0};
    std::atomic<int> running{0};  // accept threads that have not returned
    std::unique_ptr<InFlight[]> inFlight = {};

    // Stops accepting; kept connections are handed over.
    void retire() {
        handOver.store(true);
        stopping.store(true);
        wake(stopFd);
    }
    // Stops accepting; kept connections are closed (nobody would take them).
    void stop() {
        handOver.store(false);
        stopping.store(true);
        wake(stopFd);
    }
};

// Sends a kept connection to whichever worker reads the channel next.
bool handOverConnection(int channel, int fd) {
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&msg);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    return sendmsg(channel, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) == 1;
}

// A kept connection another worker handed over, or -1 when there is none.
int takeOverConnection(int channel) {
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
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
    out += "\r\n";
    out += res.body();
    FCGX_PutStr(out.data(), static_cast<int>(out.size()), fcgi.out);
}

void serveOne(Shared& shared, InFlight& slot, FCGX_Request& fcgi, http::Response& res,
              std::string& out) {
    auto started = Clock::now();
    http::Params params;
    for (char** p = fcgi.envp; p && *p; ++p) {
        std::string_view kv(*p);
        size_t eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        params.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    http::Request req = http::Request::fromParams(params);
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

// Waits for a connection: a new one on the listen socket, or a kept one a
// retiring worker handed over (then `handedOver`). One waiter is woken per
// event (EPOLLEXCLUSIVE). Returns -1 once the worker stops.
int acceptNext(int epfd, const Shared& shared, bool& handedOver) {
    while (true) {
        epoll_event ev[3];
        int n = epoll_wait(epfd, ev, 3, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        bool listenReady = false, channelReady = false;
        for (int i = 0; i < n; ++i) {
            if (ev[i].data.fd == shared.stopFd) return -1;
            listenReady |= ev[i].data.fd == shared.fds.listen;
            channelReady |= ev[i].data.fd == shared.fds.handOverReceive;
        }
        if (channelReady) {
            int fd = takeOverConnection(shared.fds.handOverReceive);
            if (fd >= 0) {
                handedOver = true;
                return fd;
            }
        }
        if (!listenReady) continue;
        int fd = accept4(shared.fds.listen, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) return fd;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
            continue;
        log::error("accept failed", {{"error", std::strerror(errno)}});
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

// Waits until a kept connection has the next request (true), or the worker
// stops (false). A retiring worker hands the connection over at once, even
// with a request waiting in it. A stopping one gives it kKeptConnectionLinger
// to bring one more request, which is served and followed at once by the close
// (nginx sees the close with the response and does not reuse the connection);
// one still idle then is closed. Closing an idle kept connection races with
// nginx picking it for a request, which then fails, so this is kept for
// shutdown, when no other worker could take the connection.
bool nextRequestReady(int connFd, const Shared& shared) {
    pollfd fds[2] = {{connFd, POLLIN, 0}, {shared.stopFd, POLLIN, 0}};
    std::optional<Clock::time_point> deadline;
    while (true) {
        if (shared.stopping.load()) {
            if (shared.handOver.load()) return false;
            if (!deadline) deadline = Clock::now() + kKeptConnectionLinger;
        }
        int timeout = -1;
        if (deadline) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
            timeout = static_cast<int>(std::max<int64_t>(0, left.count()));
        }
        int n = poll(fds, deadline ? 1 : 2, timeout);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (fds[0].revents) return true;  // data, or hang-up that FCGX_Accept_r will see
        if (n == 0) return false;         // lingered long enough
    }
}

void acceptLoop(Shared& shared, InFlight& slot) {
    db::threadInit();
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    for (int fd : {shared.fds.listen, shared.fds.handOverReceive}) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLEXCLUSIVE;
        ev.data.fd = fd;
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    }
    epoll_event sev{};
    sev.events = EPOLLIN;
    sev.data.fd = shared.stopFd;
    epoll_ctl(epfd, EPOLL_CTL_ADD, shared.stopFd, &sev);

    FCGX_Request fcgi;
    // No listen socket for libfcgi: this loop accepts, libfcgi only speaks the protocol.
    FCGX_InitRequest(&fcgi, -1, 0);
    http::Response res;
    std::string out;
    const long maxRequests = shared.config.maxRequestsPerWorker;

    while (true) {
        if (fcgi.ipcFd < 0) {
            bool handedOver = false;
            int fd = acceptNext(epfd, shared, handedOver);
            if (fd < 0) break;
            fcgi.ipcFd = fd;
            fcgi.keepConnection = 1;   // so FCGX_Accept_r does not close it before reading
            if (handedOver) continue;  // a kept connection may be idle: wait for its request
        } else if (!nextRequestReady(fcgi.ipcFd, shared)) {
            releaseKeptConnection(shared, fcgi.ipcFd);
            fcgi.ipcFd = -1;
            break;
        }
        if (FCGX_Accept_r(&fcgi) < 0) {
            fcgi.ipcFd = -1;  // the peer closed the connection or spoke garbage
            continue;
        }
        // A stopping worker closes kept connections after their current request,
        // so that a connection nginx keeps reusing cannot hold the drain open
        // (nextRequestReady); a retiring one hands them over afterwards.
        if (shared.stopping.load() && !shared.handOver.load()) fcgi.keepConnection = 0;
        try {
            serveOne(shared, slot, fcgi, res, out);
        } catch (const std::exception& e) {
            // Only I/O setup can throw here; the dispatcher catches everything else.
            log::error("request failed outside the dispatcher", {{"error", e.what()}});
            fcgi.keepConnection = 0;
        }
        FCGX_Finish_r(&fcgi);
        long served = ++shared.served;
        if (maxRequests > 0 && served >= maxRequests) shared.retire();
    }
    if (fcgi.ipcFd >= 0) close(fcgi.ipcFd);
    close(epfd);
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
    router::Router router(router::routeTable());
    Services services{config_, pool, std::chrono::steady_clock::now(), startedAt_};
    Dispatcher dispatcher(router, services);
    const int threadCount = config_.threadsPerWorker;
    Shared shared{config_, fds_, stopFd, doneFd, dispatcher};
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
    return timedOutAt ? kExitRequestTimeout : 0;
}

}  // namespace restd::app
