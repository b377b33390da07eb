// SPDX-License-Identifier: Apache-2.0
// The listen queue of the FastCGI socket, php-fpm's "listen queue" and
// "listen queue len": connections the kernel has accepted for restd that no
// worker has taken yet, and the most it holds (the backlog, LISTEN_BACKLOG
// capped by net.core.somaxconn). Read from the kernel for any listening
// socket: a TCP one answers getsockopt(TCP_INFO), a unix one the
// NETLINK_SOCK_DIAG query `ss -xl` makes (its Recv-Q and Send-Q), since
// /proc/net/unix shows no queue length. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <optional>

namespace restd::app {

struct ListenQueue {
    uint64_t length = 0;   // connections waiting for accept()
    uint64_t backlog = 0;  // the most that may wait; connects past it fail or are retried
};

// nullopt when fd is not a listening TCP or unix stream socket, or the kernel
// does not say (no unix_diag support).
std::optional<ListenQueue> readListenQueue(int fd);

}  // namespace restd::app
