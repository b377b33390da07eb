// SPDX-License-Identifier: Apache-2.0
#include "http/request_id.h"

#include <openssl/rand.h>

#include "common/hex.h"
#include "http/request.h"

namespace restd::http {

bool isValidRequestId(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string newRequestId() {
    unsigned char bytes[16];
    RAND_bytes(bytes, sizeof bytes);
    return common::toHex({reinterpret_cast<const char*>(bytes), sizeof bytes});
}

std::string pickRequestId(const Request& req) {
    if (auto id = req.param("REQUEST_ID"); id && isValidRequestId(*id)) return std::string(*id);
    if (auto id = req.header("x-request-id"); id && isValidRequestId(*id)) return std::string(*id);
    return newRequestId();
}

}  // namespace restd::http
