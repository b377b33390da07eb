// SPDX-License-Identifier: Apache-2.0
// A minimal FastCGI client (responder role) for tests that talk to restd's
// socket directly, without nginx: socket activation, restarts, kept
// connections. It sends the params nginx would for a bodyless request and
// parses restd's CGI-style answer (Status: line, headers, body).
// Thread-safe: no shared state.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restd::test {

struct FcgiResponse {
    std::string error;  // empty when the request completed (FCGI_END_REQUEST)
    int status = 0;     // from the Status header; 200 when there is none
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string stderrText;  // FCGI_STDERR records, if any

    bool completed() const { return error.empty(); }
    // "200 <body, cut>" or "failed: <error>", for failure messages.
    std::string summary() const;
};

// One request over its own connection to a unix socket (a path starting
// with '/'), or to TCP "a.b.c.d:port". The constructor
// connects and sends the whole request at once; a listening socket that no
// process accepts on yet keeps both queued (that is what socket activation
// relies on). receive() reads the answer.
class FcgiRequest {
  public:
    FcgiRequest(const std::string& socketPath, std::string_view method, std::string_view uri);
    ~FcgiRequest();
    FcgiRequest(const FcgiRequest&) = delete;
    FcgiRequest& operator=(const FcgiRequest&) = delete;

    // Reads until FCGI_END_REQUEST, at most timeout, then closes the
    // connection (libfcgi lingers up to 2 s on a connection the client keeps
    // open). The error of a failed connect or send is reported here. Once only.
    FcgiResponse receive(std::chrono::milliseconds timeout);

  private:
    int fd_ = -1;
    std::string error_;
};

// A connection kept open across requests, as nginx's upstream keepalive does
// (FCGI_KEEP_CONN). One request at a time.
class FcgiConnection {
  public:
    explicit FcgiConnection(const std::string& socketPath);
    ~FcgiConnection();
    FcgiConnection(const FcgiConnection&) = delete;
    FcgiConnection& operator=(const FcgiConnection&) = delete;

    // Sends a bodyless request and reads its answer, at most `timeout`.
    FcgiResponse request(std::string_view method, std::string_view uri,
                         std::chrono::milliseconds timeout);

  private:
    int fd_ = -1;
    std::string error_;
};

inline FcgiResponse fcgiGet(const std::string& socketPath, std::string_view uri,
                            std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    return FcgiRequest(socketPath, "GET", uri).receive(timeout);
}

}  // namespace restd::test
