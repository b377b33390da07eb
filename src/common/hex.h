// SPDX-License-Identifier: Apache-2.0
// Lower-case hexadecimal text of raw bytes (request ids, ETags, digests).
#pragma once

#include <string>
#include <string_view>

namespace restd::common {

inline std::string toHex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * bytes.size());
    for (unsigned char b : bytes) {
        hex += kDigits[b >> 4];
        hex += kDigits[b & 15];
    }
    return hex;
}

}  // namespace restd::common
