// SPDX-License-Identifier: Apache-2.0
// percentDecode (path, query string, urlencoded bodies) against a decoder
// written here: both must agree on what decodes and to what, a result is
// always UTF-8, and encoding a result again gives it back.
#include <optional>
#include <string>

#include "common.h"
#include "http/body.h"

namespace {

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> reference(std::string_view in, bool plusIsSpace) {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += plusIsSpace && in[i] == '+' ? ' ' : in[i];
            continue;
        }
        if (in.size() - i < 3) return std::nullopt;
        int hi = hexDigit(in[i + 1]), lo = hexDigit(in[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    if (!fuzz::isUtf8(out)) return std::nullopt;
    return out;
}

std::string encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::text(data, size);
    for (bool plusIsSpace : {false, true}) {
        auto decoded = restd::http::percentDecode(in, plusIsSpace);
        auto expected = reference(in, plusIsSpace);
        FUZZ_CHECK(decoded.has_value() == expected.has_value());
        if (!decoded) continue;
        FUZZ_CHECK(*decoded == *expected);
        FUZZ_CHECK(fuzz::isUtf8(*decoded));
        FUZZ_CHECK(restd::http::percentDecode(encode(*decoded), plusIsSpace) == decoded);
    }
    return 0;
}
