#include "app/worker.h"

#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
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
#include "db/connection.h"
#include "http/request_id.h"
#include "router/router.h"

namespace restd::app {

namespace {

// Past this many bytes of an oversized body the connection is closed rather
// than drained (nginx's own limit normally stops such bodies first).
constexpr size_t kMaxDrainBytes = 64 << 20;

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
    int listenFd;
    int stopFd;  // eventfd: readable once the worker stops accepting
    int doneFd;  // eventfd: readable once every accept thread has returned
    const Dispatcher& dispatcher;
    std::atomic<long> served{0};
    std::atomic<bool> stopping{false};
    std::atomic<int> running{0};  // accept threads that have not returned
    std::unique_ptr<InFlight[]> inFlight;

    void stop() {
        stopping.store(true);
        wake(stopFd);
    }
};

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

// Waits for a new connection on the listen socket (one waiter woken per
// connection, EPOLLEXCLUSIVE) or for the stop signal. Returns -1 on stop.
int acceptNext(int epfd, int listenFd, int stopFd) {
    while (true) {
        epoll_event ev[2];
        int n = epoll_wait(epfd, ev, 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        for (int i = 0; i < n; ++i)
            if (ev[i].data.fd == stopFd) return -1;
        int fd = accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) return fd;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
            continue;
        log::error("accept failed", {{"error", std::strerror(errno)}});
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

// Waits until a kept connection has the next request, or the worker stops.
bool nextRequestReady(int connFd, int stopFd) {
    pollfd fds[2] = {{connFd, POLLIN, 0}, {stopFd, POLLIN, 0}};
    while (true) {
        int n = poll(fds, 2, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (fds[0].revents) return true;  // data, or hang-up that FCGX_Accept_r will see
        return false;
    }
}

void acceptLoop(Shared& shared, InFlight& slot) {
    db::threadInit();
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    epoll_event lev{};
    lev.events = EPOLLIN | EPOLLEXCLUSIVE;
    lev.data.fd = shared.listenFd;
    epoll_ctl(epfd, EPOLL_CTL_ADD, shared.listenFd, &lev);
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
            int fd = acceptNext(epfd, shared.listenFd, shared.stopFd);
            if (fd < 0) break;
            fcgi.ipcFd = fd;
            fcgi.keepConnection = 1;  // so FCGX_Accept_r does not close it before reading
        } else if (!nextRequestReady(fcgi.ipcFd, shared.stopFd)) {
            close(fcgi.ipcFd);
            fcgi.ipcFd = -1;
            break;
        }
        if (FCGX_Accept_r(&fcgi) < 0) {
            fcgi.ipcFd = -1;  // the peer closed the connection or spoke garbage
            continue;
        }
        // A stopping worker closes kept connections after their current request,
        // so that a connection nginx keeps reusing cannot hold the drain open.
        if (shared.stopping.load()) fcgi.keepConnection = 0;
        try {
            serveOne(shared, slot, fcgi, res, out);
        } catch (const std::exception& e) {
            // Only I/O setup can throw here; the dispatcher catches everything else.
            log::error("request failed outside the dispatcher", {{"error", e.what()}});
            fcgi.keepConnection = 0;
        }
        FCGX_Finish_r(&fcgi);
        long served = ++shared.served;
        if (maxRequests > 0 && served >= maxRequests) shared.stop();
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

Worker::Worker(const Config& config, int listenFd, int noteFd,
               std::chrono::system_clock::time_point startedAt)
    : config_(config), listenFd_(listenFd), noteFd_(noteFd), startedAt_(startedAt) {}

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
    db::Pool pool(config_.db);
    router::Router router(router::routeTable());
    Services services{config_, pool, std::chrono::steady_clock::now(), startedAt_};
    Dispatcher dispatcher(router, services);
    const int threadCount = config_.threadsPerWorker;
    Shared shared{
        config_, listenFd_,     stopFd,
        doneFd,  dispatcher,    {},
        {},      {threadCount}, std::make_unique<InFlight[]>(static_cast<size_t>(threadCount))};

    std::vector<std::thread> threads;
    for (int i = 0; i < threadCount; ++i) {
        threads.emplace_back([&shared, i] { acceptLoop(shared, shared.inFlight[i]); });
    }
    note(noteFd_, WorkerNote::Ready);
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
            }
            if (reason == nullptr) reason = "signal";
            shared.stop();
        }
        if (fds[1].revents & POLLIN) {
            fds[1].fd = -1;  // stays readable from now on: poll() must not hear it again
            if (reason == nullptr) {
                reason = "max requests";
                note(noteFd_, WorkerNote::MaxRequests);
            }
        }
        if (limit.count() == 0) continue;
        RequestAges ages = checkTimeouts(shared, threadCount, limit);
        if (ages.stuck > 0 && !timedOutAt) {
            timedOutAt = Clock::now();
            reason = "request timeout";
            note(noteFd_, WorkerNote::RequestTimeout);
            shared.stop();
            log::warn("worker stopping after a request timeout; other requests finish first",
                      {{"stuck", ages.stuck}, {"others", ages.busy - ages.stuck}});
        }
        // The stuck threads cannot be joined: leave once the others are done.
        if (timedOutAt &&
            (shared.running.load() <= ages.stuck || Clock::now() - *timedOutAt >= grace)) {
            log::debug("worker stopped", {{"reason", reason}, {"served", shared.served.load()}});
            _exit(kExitRequestTimeout);
        }
    }
    for (auto& t : threads) t.join();
    log::debug("worker stopped",
               {{"reason", reason ? reason : "error"}, {"served", shared.served.load()}});
    close(sigFd);
    close(stopFd);
    close(doneFd);
    return timedOutAt ? kExitRequestTimeout : 0;
}

}  // namespace restd::app
