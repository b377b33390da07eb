#include "http/request_id.h"

#include <openssl/rand.h>

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
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (size_t i = 0; i < sizeof bytes; ++i) {
        id[2 * i] = kHex[bytes[i] >> 4];
        id[2 * i + 1] = kHex[bytes[i] & 15];
    }
    return id;
}

std::string pickRequestId(const Request& req) {
    if (auto id = req.param("REQUEST_ID"); id && isValidRequestId(*id)) return std::string(*id);
    if (auto id = req.header("x-request-id"); id && isValidRequestId(*id)) return std::string(*id);
    return newRequestId();
}

}  // namespace restd::http
