// SPDX-License-Identifier: Apache-2.0
#include "db/error.h"

namespace restd::db {

ErrorKind classify(int code) {
    switch (code) {
        case 1062:
            return ErrorKind::Duplicate;
        case 1451:
        case 1452:
            return ErrorKind::ForeignKey;
        case 1213:
        case 1205:
            return ErrorKind::Deadlock;
        case 1969:
        case 1317:
        case 3024:
            return ErrorKind::Timeout;
        case 1290:  // --read-only: the server refuses writes (maintenance, failover)
        case 1836:  // read-only mode
            return ErrorKind::ReadOnly;
        case 2002:  // cannot connect through the socket
        case 2003:  // cannot connect over TCP
        case 2005:  // unknown host
        case 2006:  // server has gone away
        case 2013:  // lost connection during query
        case 2026:  // SSL connection error
        case 2055:  // lost connection at system error
        case 1040:  // too many connections
        case 1203:  // user has too many connections
        case 1053:  // server shutdown in progress
        case 1927:  // connection killed
        case 1047:  // a Galera node outside the primary component ("WSREP has not yet prepared
                    // node")
        case 1792:
        case 1045:  // access denied: misconfiguration, not the client's fault
            return ErrorKind::Unavailable;
        default:
            return ErrorKind::Other;
    }
}

bool Error::connectionLost() const {
    switch (code_) {
        case 2006:
        case 2013:
        case 2055:
        case 1053:
        case 1927:
            return true;
        default:
            return false;
    }
}

}  // namespace restd::db
