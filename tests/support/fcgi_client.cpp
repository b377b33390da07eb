// SPDX-License-Identifier: Apache-2.0
#include "fcgi_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace restd::test {

namespace {

using Clock = std::chrono::steady_clock;

// FastCGI 1.0 record types and the responder role.
constexpr uint8_t kBeginRequest = 1;
constexpr uint8_t kEndRequest = 3;
constexpr uint8_t kParams = 4;
constexpr uint8_t kStdin = 5;
constexpr uint8_t kStdout = 6;
constexpr uint8_t kStderr = 7;
constexpr uint16_t kResponder = 1;
constexpr uint16_t kRequestId = 1;

void appendRecord(std::string& out, uint8_t type, std::string_view content) {
    const uint8_t header[8] = {1,
                               type,
                               kRequestId >> 8,
                               kRequestId & 0xff,
                               static_cast<uint8_t>(content.size() >> 8),
                               static_cast<uint8_t>(content.size() & 0xff),
                               0,
                               0};
    out.append(reinterpret_cast<const char*>(header), sizeof header);
    out.append(content);
}

void appendLength(std::string& out, size_t n) {
    if (n < 128) {
        out.push_back(static_cast<char>(n));
        return;
    }
    out.push_back(static_cast<char>(0x80 | ((n >> 24) & 0x7f)));
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    out.push_back(static_cast<char>((n >> 8) & 0xff));
    out.push_back(static_cast<char>(n & 0xff));
}

void appendParam(std::string& out, std::string_view name, std::string_view value) {
    appendLength(out, name.size());
    appendLength(out, value.size());
    out.append(name);
    out.append(value);
}

std::string errnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// "Status: 200 OK\r\nName: value\r\n\r\nbody" into the response.
void parseCgi(const std::string& raw, FcgiResponse& response) {
    size_t end = raw.find("\r\n\r\n");
    size_t skip = 4;
    if (end == std::string::npos) {
        end = raw.find("\n\n");
        skip = 2;
    }
    if (end == std::string::npos) {
        response.error = "no end of headers in: " + raw.substr(0, 200);
        return;
    }
    response.body = raw.substr(end + skip);
    response.status = 200;
    size_t pos = 0;
    while (pos < end) {
        size_t nl = raw.find('\n', pos);
        if (nl == std::string::npos || nl > end) nl = end;
        std::string line = raw.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        pos = nl + 1;
        size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (name == "Status") response.status = std::atoi(value.c_str());
        response.headers.emplace_back(std::move(name), std::move(value));
    }
}

}  // namespace

std::string FcgiResponse::summary() const {
    if (!completed()) return "failed: " + error;
    return std::to_string(status) + " " + body.substr(0, 300);
}

namespace {

// A TCP connection to "a.b.c.d:port", or -1 with `error` set.
int connectTcp(const std::string& address, std::string& error) {
    size_t colon = address.rfind(':');
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(std::atoi(address.c_str() + colon + 1)));
    if (inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
        error = "not an IPv4 address:port: " + address;
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = errnoText("socket");
        return -1;
    }
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        error = errnoText(("connect " + address).c_str());
        close(fd);
        return -1;
    }
    return fd;
}

// A connected socket, or -1 with `error` set. A path starting with '/' is a
// unix socket; anything else "a.b.c.d:port".
int connectTo(const std::string& socketPath, std::string& error) {
    if (!socketPath.starts_with('/')) return connectTcp(socketPath, error);
    sockaddr_un addr{};
    if (socketPath.size() >= sizeof addr.sun_path) {
        error = "socket path too long: " + socketPath;
        return -1;
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = errnoText("socket");
        return -1;
    }
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        error = errnoText(("connect " + socketPath).c_str());
        close(fd);
        return -1;
    }
    return fd;
}

// Sends a whole bodyless request; false with `error` set when it could not.
bool sendRequest(int fd, std::string_view method, std::string_view uri, bool keepConnection,
                 std::string& error) {
    std::string params;
    size_t query = uri.find('?');
    appendParam(params, "REQUEST_METHOD", method);
    appendParam(params, "REQUEST_URI", uri);
    appendParam(params, "DOCUMENT_URI", uri.substr(0, query));
    appendParam(params, "QUERY_STRING",
                query == std::string_view::npos ? "" : uri.substr(query + 1));
    appendParam(params, "SERVER_PROTOCOL", "HTTP/1.1");
    appendParam(params, "REMOTE_ADDR", "127.0.0.1");
    appendParam(params, "HTTP_HOST", "localhost");

    std::string wire;
    const char flags = keepConnection ? 1 : 0;  // FCGI_KEEP_CONN
    const char begin[8] = {0, static_cast<char>(kResponder), flags, 0, 0, 0, 0, 0};
    appendRecord(wire, kBeginRequest, std::string_view(begin, sizeof begin));
    appendRecord(wire, kParams, params);
    appendRecord(wire, kParams, {});
    appendRecord(wire, kStdin, {});
    size_t sent = 0;
    while (sent < wire.size()) {
        ssize_t n = send(fd, wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error = errnoText("send");
            return false;
        }
        sent += static_cast<size_t>(n);
    }
    return true;
}

// Reads records until FCGI_END_REQUEST, at most `timeout`.
FcgiResponse readResponse(int fd, std::chrono::milliseconds timeout) {
    FcgiResponse response;
    auto deadline = Clock::now() + timeout;
    std::string in, stdoutText;
    char buffer[8192];
    while (true) {
        // Complete records first.
        while (in.size() >= 8) {
            auto byte = [&](size_t i) { return static_cast<uint8_t>(in[i]); };
            size_t length = (byte(4) << 8) | byte(5);
            size_t total = 8 + length + byte(6);
            if (in.size() < total) break;
            uint8_t type = byte(1);
            std::string content = in.substr(8, length);
            in.erase(0, total);
            if (type == kStdout) stdoutText += content;
            if (type == kStderr) response.stderrText += content;
            if (type == kEndRequest) {
                parseCgi(stdoutText, response);
                return response;
            }
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            response.error = "no complete answer within " + std::to_string(timeout.count()) +
                             " ms (" + std::to_string(stdoutText.size()) + " bytes of stdout)";
            return response;
        }
        pollfd p{fd, POLLIN, 0};
        int ready = poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) {
            response.error = errnoText("poll");
            return response;
        }
        if (ready == 0) continue;
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            response.error = errnoText("recv");
            return response;
        }
        if (n == 0) {
            response.error = "connection closed before FCGI_END_REQUEST (" +
                             std::to_string(stdoutText.size()) + " bytes of stdout)";
            return response;
        }
        in.append(buffer, static_cast<size_t>(n));
    }
}

}  // namespace

FcgiRequest::FcgiRequest(const std::string& socketPath, std::string_view method,
                         std::string_view uri) {
    fd_ = connectTo(socketPath, error_);
    if (fd_ >= 0) sendRequest(fd_, method, uri, false, error_);
}

FcgiRequest::~FcgiRequest() {
    if (fd_ >= 0) close(fd_);
}

FcgiResponse FcgiRequest::receive(std::chrono::milliseconds timeout) {
    if (!error_.empty() || fd_ < 0) {
        FcgiResponse response;
        response.error = error_.empty() ? "already received" : error_;
        return response;
    }
    FcgiResponse response = readResponse(fd_, timeout);
    // Close now: libfcgi's close waits up to 2 s for the client's.
    close(fd_);
    fd_ = -1;
    return response;
}

FcgiConnection::FcgiConnection(const std::string& socketPath) {
    fd_ = connectTo(socketPath, error_);
}

FcgiConnection::~FcgiConnection() {
    if (fd_ >= 0) close(fd_);
}

FcgiResponse FcgiConnection::request(std::string_view method, std::string_view uri,
                                     std::chrono::milliseconds timeout) {
    FcgiResponse response;
    if (fd_ < 0 || !sendRequest(fd_, method, uri, true, error_)) {
        response.error = error_;
        return response;
    }
    return readResponse(fd_, timeout);
}

}  // namespace restd::test
