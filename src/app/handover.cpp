// SPDX-License-Identifier: Apache-2.0
// Connection handover between workers over SCM_RIGHTS (see handover.h).
#include "app/handover.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstring>

namespace restd::app {

namespace {

// A one-byte message with room for one descriptor (SCM_RIGHTS): what the
// hand-over channel carries.
struct DescriptorMessage {
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};

    DescriptorMessage() {
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
    }
    DescriptorMessage(const DescriptorMessage&) = delete;
    DescriptorMessage& operator=(const DescriptorMessage&) = delete;
};

}  // namespace

bool handOverConnection(int channel, int fd) {
    DescriptorMessage m;
    cmsghdr* header = CMSG_FIRSTHDR(&m.msg);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    return sendmsg(channel, &m.msg, MSG_DONTWAIT | MSG_NOSIGNAL) == 1;
}

int takeOverConnection(int channel) {
    DescriptorMessage m;
    msghdr& msg = m.msg;
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

}  // namespace restd::app
