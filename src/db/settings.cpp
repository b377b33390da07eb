// SPDX-License-Identifier: Apache-2.0
#include "db/settings.h"

namespace restd::db {

std::string Endpoint::text() const {
    if (!socket.empty()) return "unix:" + socket;
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::vector<Endpoint> Settings::writeHosts() const {
    if (!hosts.empty()) return hosts;
    return {Endpoint{host, port, socket}};
}

}  // namespace restd::db
