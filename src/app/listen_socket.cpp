// SPDX-License-Identifier: Apache-2.0
#include "app/listen_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace restd::app {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("FCGI_LISTEN: " + what + ": " + std::strerror(errno));
}

int openUnix(const std::string& path, int backlog) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        fail("socket path too long '" + path + "'");
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    struct stat st {};
    // A socket left by a previous run is stale; anything else is not ours to remove.
    if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path.c_str());
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket");
    mode_t old = umask(0117);  // srw-rw----: nginx reaches it through the group
    int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    umask(old);
    if (rc < 0) fail("cannot bind '" + path + "'");
    if (listen(fd, backlog) < 0) fail("listen");
    return fd;
}

int openTcp(const std::string& spec, int backlog) {
    size_t colon = spec.rfind(':');
    std::string host = spec.substr(0, colon), port = spec.substr(colon + 1);
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    if (getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res) != 0) {
        errno = EINVAL;
        fail("cannot resolve '" + spec + "'");
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc = fd < 0 ? -1 : bind(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc < 0) fail("cannot bind '" + spec + "'");
    if (listen(fd, backlog) < 0) fail("listen");
    return fd;
}

}  // namespace

bool peerAllowed(const sockaddr* peer, const std::vector<config::IpAddress>& allowed) {
    config::IpAddress address;
    if (peer->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(peer);
        std::memcpy(address.bytes, &in->sin_addr, 4);
    } else if (peer->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(peer);
        char text[INET6_ADDRSTRLEN] = {};
        // Through the text form, so that an IPv4-mapped peer compares as IPv4.
        if (inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text) == nullptr) return false;
        auto parsed = config::IpAddress::parse(text);
        if (!parsed) return false;
        address = *parsed;
    } else {
        return true;  // AF_UNIX
    }
    if (allowed.empty()) return address.isLoopback();
    return std::find(allowed.begin(), allowed.end(), address) != allowed.end();
}

ListenSocket openListenSocket(const std::string& spec, int backlog) {
    ListenSocket ls;
    int n = sd_listen_fds(1);
    if (n >= 1) {
        ls.fd = SD_LISTEN_FDS_START;
        ls.fromSystemd = true;
        fcntl(ls.fd, F_SETFD, FD_CLOEXEC);
    } else if (spec.starts_with("unix:")) {
        ls.unixPath = spec.substr(5);
        ls.fd = openUnix(ls.unixPath, backlog);
        struct stat st {};
        if (lstat(ls.unixPath.c_str(), &st) == 0) {
            ls.pathDev = st.st_dev;
            ls.pathIno = st.st_ino;
        }
    } else {
        ls.fd = openTcp(spec, backlog);
    }
    // Accept threads wait in epoll and must never block in accept().
    int flags = fcntl(ls.fd, F_GETFL, 0);
    fcntl(ls.fd, F_SETFL, flags | O_NONBLOCK);
    return ls;
}

void unlinkListenPath(ListenSocket& socket) {
    if (socket.unixPath.empty()) return;
    struct stat st {};
    if (lstat(socket.unixPath.c_str(), &st) == 0 && st.st_dev == socket.pathDev &&
        st.st_ino == socket.pathIno) {
        unlink(socket.unixPath.c_str());
    }
    socket.unixPath.clear();
}

}  // namespace restd::app
