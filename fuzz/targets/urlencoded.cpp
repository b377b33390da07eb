// SPDX-License-Identifier: Apache-2.0
// application/x-www-form-urlencoded bodies (parseUrlEncoded, and parseBody
// with that type): at most kMaxFormFields fields, none with an empty name,
// all UTF-8; a failure is a 400 MALFORMED_BODY; and the fields, encoded
// again, parse back to the same fields.
#include <string>

#include "common.h"
#include "http/api_error.h"
#include "http/body.h"

namespace {

std::string encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using restd::http::ApiError;
    std::string_view in = fuzz::text(data, size);
    auto fields = restd::http::parseUrlEncoded(in);
    try {
        restd::http::Body body =
            restd::http::parseBody("application/x-www-form-urlencoded; charset=UTF-8", in);
        FUZZ_CHECK(fields.has_value());
        FUZZ_CHECK(in.empty() ? body.kind == restd::http::Body::Kind::None
                              : body.fields == *fields);
    } catch (const ApiError& e) {
        FUZZ_CHECK(!fields && e.status() == 400 && e.code() == "MALFORMED_BODY");
    }
    if (!fields) return 0;
    FUZZ_CHECK(fields->size() <= restd::http::kMaxFormFields);
    std::string again;
    for (const auto& [key, value] : *fields) {
        FUZZ_CHECK(!key.empty());
        FUZZ_CHECK(fuzz::isUtf8(key) && fuzz::isUtf8(value));
        again += (again.empty() ? "" : "&") + encode(key) + "=" + encode(value);
    }
    FUZZ_CHECK(restd::http::parseUrlEncoded(again) == fields);
    return 0;
}
