// SPDX-License-Identifier: Apache-2.0
// Which FastCGI peers restd serves (FCGI_WEB_SERVER_ADDRS): listed addresses
// on TCP, loopback only when the list is empty, anyone on a unix socket.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <string>

#include "app/listen_socket.h"
#include "config/config.h"

using restd::app::peerAllowed;
using restd::config::parseAddressList;

namespace {

sockaddr_storage peer(const std::string& text) {
    sockaddr_storage s{};
    auto* in = reinterpret_cast<sockaddr_in*>(&s);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&s);
    if (inet_pton(AF_INET, text.c_str(), &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
    } else {
        BOOST_REQUIRE(inet_pton(AF_INET6, text.c_str(), &in6->sin6_addr) == 1);
        in6->sin6_family = AF_INET6;
    }
    return s;
}

bool allowed(const std::string& from, const std::string& list) {
    sockaddr_storage s = peer(from);
    return peerAllowed(
        reinterpret_cast<const sockaddr*>(&s),
        list.empty() ? std::vector<restd::config::IpAddress>{} : parseAddressList(list));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(app_peer_allowed)

BOOST_AUTO_TEST_CASE(a_list_admits_exactly_its_addresses) {
    BOOST_TEST(allowed("10.0.0.5", "10.0.0.5,10.0.0.6"));
    BOOST_TEST(allowed("10.0.0.6", "10.0.0.5,10.0.0.6"));
    BOOST_TEST(!allowed("10.0.0.7", "10.0.0.5,10.0.0.6"));
    BOOST_TEST(!allowed("127.0.0.1", "10.0.0.5"));  // a list replaces the loopback default
    BOOST_TEST(allowed("::ffff:10.0.0.5", "10.0.0.5"));
    BOOST_TEST(allowed("fd00::5", "fd00::5"));
    BOOST_TEST(!allowed("fd00::6", "fd00::5"));
}

BOOST_AUTO_TEST_CASE(without_a_list_only_loopback_peers) {
    BOOST_TEST(allowed("127.0.0.1", ""));
    BOOST_TEST(allowed("127.0.1.9", ""));
    BOOST_TEST(allowed("::1", ""));
    BOOST_TEST(allowed("::ffff:127.0.0.1", ""));
    BOOST_TEST(!allowed("10.0.0.5", ""));
    BOOST_TEST(!allowed("fd00::1", ""));
}

BOOST_AUTO_TEST_CASE(unix_socket_peers_are_not_checked) {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    BOOST_TEST(peerAllowed(reinterpret_cast<const sockaddr*>(&un), parseAddressList("10.0.0.5")));
}

BOOST_AUTO_TEST_SUITE_END()
