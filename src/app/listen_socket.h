// SPDX-License-Identifier: Apache-2.0
// The FastCGI listen socket: taken from systemd (socket activation,
// LISTEN_FDS) or opened from FCGI_LISTEN ("unix:/path" or "host:port").
// Opened by the master before forking; every worker accepts on it.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace restd::app {

struct ListenSocket {
    int fd = -1;
    std::string unixPath;  // removed on shutdown when we created it
    dev_t pathDev = 0;     // identity of the file we bound at unixPath
    ino_t pathIno = 0;
    bool fromSystemd = false;
};

// Whether a FastCGI connection from `peer` (accept()'s address) may be
// served. Unix sockets: always (file permissions decide). TCP: a peer listed
// in `allowed` (FCGI_WEB_SERVER_ADDRS), or with an empty list a loopback
// peer only, so a TCP socket systemd hands over on a public address is safe
// too.
bool peerAllowed(const sockaddr* peer, const std::vector<config::IpAddress>& allowed);

// Throws std::runtime_error with a message naming FCGI_LISTEN on failure.
ListenSocket openListenSocket(const std::string& spec, int backlog);

// Removes the unix socket's path, unless another process has bound a socket
// there since (a new instance started while this one drains). New clients
// then fail at once instead of queueing where nobody will accept them; the
// connections already queued stay for the workers that still run.
void unlinkListenPath(ListenSocket& socket);

}  // namespace restd::app
