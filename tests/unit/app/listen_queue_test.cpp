// SPDX-License-Identifier: Apache-2.0
// The listen queue read from the kernel (app/listen_queue.h), on listening
// sockets of both kinds restd serves on, with connections nobody accepts.
#include "app/listen_queue.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using restd::app::ListenQueue;
using restd::app::readListenQueue;

namespace {

// Connects `count` clients to `address`; the caller closes them.
std::vector<int> connectClients(int family, const sockaddr* address, socklen_t length, int count) {
    std::vector<int> clients;
    for (int i = 0; i < count; ++i) {
        int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        BOOST_REQUIRE(fd >= 0);
        BOOST_REQUIRE_MESSAGE(connect(fd, address, length) == 0, std::strerror(errno));
        clients.push_back(fd);
    }
    return clients;
}

void closeAll(const std::vector<int>& fds) {
    for (int fd : fds) close(fd);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(app_listen_queue)

BOOST_AUTO_TEST_CASE(unix_socket_queue_and_backlog_come_from_sock_diag) {
    const std::string path = "/tmp/restd-listen-queue-" + std::to_string(getpid()) + ".sock";
    unlink(path.c_str());
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    BOOST_REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    BOOST_REQUIRE(listen(listener, 7) == 0);

    auto empty = readListenQueue(listener);
    BOOST_REQUIRE(empty.has_value());
    BOOST_TEST(empty->length == 0u);
    BOOST_TEST(empty->backlog == 7u);

    std::vector<int> clients =
        connectClients(AF_UNIX, reinterpret_cast<sockaddr*>(&address), sizeof address, 3);
    auto queued = readListenQueue(listener);
    BOOST_REQUIRE(queued.has_value());
    BOOST_TEST(queued->length == 3u);
    BOOST_TEST(queued->backlog == 7u);

    int taken = accept(listener, nullptr, nullptr);
    BOOST_TEST(readListenQueue(listener).value_or(ListenQueue{99, 0}).length == 2u);
    close(taken);
    closeAll(clients);
    close(listener);
    unlink(path.c_str());
}

BOOST_AUTO_TEST_CASE(tcp_socket_queue_and_backlog_come_from_tcp_info) {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    BOOST_REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    BOOST_REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    BOOST_REQUIRE(listen(listener, 9) == 0);

    std::vector<int> clients =
        connectClients(AF_INET, reinterpret_cast<sockaddr*>(&address), sizeof address, 4);
    auto queued = readListenQueue(listener);
    BOOST_REQUIRE(queued.has_value());
    BOOST_TEST(queued->length == 4u);
    BOOST_TEST(queued->backlog == 9u);
    closeAll(clients);
    close(listener);
}

BOOST_AUTO_TEST_CASE(anything_but_a_listening_socket_has_no_queue) {
    BOOST_TEST(!readListenQueue(-1).has_value());
    int fds[2];
    BOOST_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    BOOST_TEST(!readListenQueue(fds[0]).has_value());  // connected, not listening
    close(fds[0]);
    close(fds[1]);
    int pipeFds[2];
    BOOST_REQUIRE(pipe(pipeFds) == 0);
    BOOST_TEST(!readListenQueue(pipeFds[0]).has_value());
    close(pipeFds[0]);
    close(pipeFds[1]);
    int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    BOOST_TEST(!readListenQueue(tcp).has_value());  // not listening yet
    close(tcp);
}

BOOST_AUTO_TEST_SUITE_END()
