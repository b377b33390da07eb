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

// State shared by the accept threads of this worker.
struct Shared {
    const Config& config;
    int listenFd;
    int stopFd;  // eventfd: readable once the worker stops accepting
    const Dispatcher& dispatcher;
    std::atomic<long> served{0};
};

void signalStop(int stopFd) {
    uint64_t one = 1;
    ssize_t n = ::write(stopFd, &one, sizeof one);
    (void)n;  // the counter only ever needs to become non-zero
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

void serveOne(Shared& shared, FCGX_Request& fcgi, http::Response& res, std::string& out) {
    auto started = std::chrono::steady_clock::now();
    http::Params params;
    for (char** p = fcgi.envp; p && *p; ++p) {
        std::string_view kv(*p);
        size_t eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        params.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    http::Request req = http::Request::fromParams(params);
    req.setRequestId(http::pickRequestId(req));
    readBody(fcgi, req, shared.config.maxBodyBytes);

    Served served = shared.dispatcher.serve(req, res);
    writeResponse(fcgi, res, out);
    metrics::recordRequest(served.route, req.method(), res.status(),
                           std::chrono::steady_clock::now() - started);

    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
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

void acceptLoop(Shared& shared) {
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
        try {
            serveOne(shared, fcgi, res, out);
        } catch (const std::exception& e) {
            // Only I/O setup can throw here; the dispatcher catches everything else.
            log::error("request failed outside the dispatcher", {{"error", e.what()}});
            fcgi.keepConnection = 0;
        }
        FCGX_Finish_r(&fcgi);
        long served = ++shared.served;
        if (maxRequests > 0 && served >= maxRequests) signalStop(shared.stopFd);
    }
    if (fcgi.ipcFd >= 0) close(fcgi.ipcFd);
    close(epfd);
    db::threadEnd();
}

}  // namespace

Worker::Worker(const Config& config, int listenFd, std::chrono::system_clock::time_point startedAt)
    : config_(config), listenFd_(listenFd), startedAt_(startedAt) {}

int Worker::run() {
    signal(SIGPIPE, SIG_IGN);  // a client that went away must not kill the worker
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGHUP}) sigaddset(&stopSignals, s);
    // Blocked before the threads start, so only the signalfd below sees them.
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    int sigFd = signalfd(-1, &stopSignals, SFD_CLOEXEC);
    int stopFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

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
    Shared shared{config_, listenFd_, stopFd, dispatcher};

    std::vector<std::thread> threads;
    for (int i = 0; i < config_.threadsPerWorker; ++i) {
        threads.emplace_back([&shared] { acceptLoop(shared); });
    }
    log::debug("worker started", {{"threads", config_.threadsPerWorker}});

    // Wait for a stop signal, or for the threads to stop by themselves (recycling).
    pollfd fds[2] = {{sigFd, POLLIN, 0}, {stopFd, POLLIN, 0}};
    while (poll(fds, 2, -1) < 0 && errno == EINTR) {
    }
    const char* reason = fds[0].revents ? "signal" : "max requests reached";
    signalStop(stopFd);
    for (auto& t : threads) t.join();
    log::debug("worker stopped", {{"reason", reason}, {"served", shared.served.load()}});
    close(sigFd);
    close(stopFd);
    return 0;
}

}  // namespace restd::app
