// SPDX-License-Identifier: Apache-2.0
#include "app/listen_queue.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace restd::app {

namespace {

// For a listening socket, Linux reports the accept queue in tcpi_unacked and
// its limit in tcpi_sacked (tcp_get_info).
std::optional<ListenQueue> tcpQueue(int fd) {
    tcp_info info{};
    socklen_t length = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return std::nullopt;
    if (info.tcpi_state != 10 /* TCP_LISTEN */) return std::nullopt;
    return ListenQueue{info.tcpi_unacked, info.tcpi_sacked};
}

// One exact-match sock_diag query for the socket's inode: for a listening
// unix socket UNIX_DIAG_RQLEN holds the accept queue (rqueue) and its limit
// (wqueue).
std::optional<ListenQueue> unixQueue(int fd) {
    struct stat st {};
    if (fstat(fd, &st) != 0) return std::nullopt;
    int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (nl < 0) return std::nullopt;
    struct {
        nlmsghdr header;
        unix_diag_req request;
    } query{};
    query.header.nlmsg_len = sizeof query;
    query.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    query.header.nlmsg_flags = NLM_F_REQUEST;
    query.request.sdiag_family = AF_UNIX;
    query.request.udiag_states = ~0U;
    query.request.udiag_ino = static_cast<uint32_t>(st.st_ino);
    query.request.udiag_show = UDIAG_SHOW_RQLEN;
    query.request.udiag_cookie[0] = query.request.udiag_cookie[1] = ~0U;  // no cookie
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    std::optional<ListenQueue> result;
    alignas(nlmsghdr) char buffer[1024];
    if (sendto(nl, &query, sizeof query, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) ==
        static_cast<ssize_t>(sizeof query)) {
        ssize_t n = recv(nl, buffer, sizeof buffer, 0);
        auto* reply = reinterpret_cast<nlmsghdr*>(buffer);
        if (n > 0 && NLMSG_OK(reply, static_cast<unsigned>(n)) &&
            reply->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
            reply->nlmsg_len >= NLMSG_LENGTH(sizeof(unix_diag_msg))) {
            auto* message = static_cast<unix_diag_msg*>(NLMSG_DATA(reply));
            int left = static_cast<int>(reply->nlmsg_len - NLMSG_LENGTH(sizeof *message));
            for (auto* attr = reinterpret_cast<rtattr*>(message + 1); RTA_OK(attr, left);
                 attr = RTA_NEXT(attr, left)) {
                if (attr->rta_type != UNIX_DIAG_RQLEN ||
                    RTA_PAYLOAD(attr) < sizeof(unix_diag_rqlen)) {
                    continue;
                }
                unix_diag_rqlen rq{};
                std::memcpy(&rq, RTA_DATA(attr), sizeof rq);
                if (message->udiag_state == 10 /* TCP_LISTEN */) {
                    result = ListenQueue{rq.udiag_rqueue, rq.udiag_wqueue};
                }
            }
        }
    }
    close(nl);
    return result;
}

}  // namespace

std::optional<ListenQueue> readListenQueue(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (fd < 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return std::nullopt;
    }
    switch (address.ss_family) {
        case AF_UNIX:
            return unixQueue(fd);
        case AF_INET:
        case AF_INET6:
            return tcpQueue(fd);
        default:
            return std::nullopt;
    }
}

}  // namespace restd::app
