// The FastCGI listen socket: taken from systemd (socket activation,
// LISTEN_FDS) or opened from FCGI_LISTEN ("unix:/path" or "host:port").
// Opened by the master before forking; every worker accepts on it.
#pragma once

#include <string>

namespace restd::app {

struct ListenSocket {
    int fd = -1;
    std::string unixPath;  // removed on shutdown when we created it
    bool fromSystemd = false;
};

// Throws std::runtime_error with a message naming FCGI_LISTEN on failure.
ListenSocket openListenSocket(const std::string& spec, int backlog);

}  // namespace restd::app
