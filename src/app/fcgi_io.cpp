// SPDX-License-Identifier: Apache-2.0
// One request over FastCGI (see fcgi_io.h). Its steps stay in this one
// translation unit so that the compiler can inline them into serveOne.
#include "app/fcgi_io.h"

#include <chrono>
#include <optional>
#include <string_view>

#include "app/access_log.h"
#include "app/metrics.h"
#include "http/request_id.h"

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

// Counts the accept thread busy in the worker's metrics slot for as long as
// it serves the request.
class BusyThread {
  public:
    BusyThread() { metrics::requestStarted(); }
    ~BusyThread() { metrics::requestFinished(); }
    BusyThread(const BusyThread&) = delete;
    BusyThread& operator=(const BusyThread&) = delete;
};

}  // namespace

void serveOne(const config::Config& config, const Dispatcher& dispatcher, InFlight& slot,
              FCGX_Request& fcgi, http::Response& res, std::string& out) {
    auto started = Clock::now();
    BusyThread busyThread;
    http::Request req = http::Request::fromEnvironment(fcgi.envp);
    req.setRequestId(http::pickRequestId(req));
    InFlightScope busy(slot, req, started);
    readBody(fcgi, req, config.maxBodyBytes);

    Served served = dispatcher.serve(req, res);
    writeResponse(fcgi, res, out);
    const std::chrono::nanoseconds took = Clock::now() - started;
    metrics::recordRequest(served.route, req.method(), res.status(), took,
                           slowRequest(config, took));
    logRequest(config, req, res.status(), served, took);
}

}  // namespace restd::app
