// SPDX-License-Identifier: Apache-2.0
// multipart/form-data bodies. The input's first line is the Content-Type
// header (so the media type parameters are fuzzed too), the rest the body.
// parseBody ends in fields or in a 400/415 error; parseMultipart, given the
// boundary parameter, agrees with it; fields are at most kMaxFormFields, with
// non-empty UTF-8 names and UTF-8 values.
#include <string>

#include "common.h"
#include "http/api_error.h"
#include "http/body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using restd::http::ApiError;
    using restd::http::Body;
    auto [contentType, bodyText] = fuzz::firstLine(fuzz::text(data, size));

    // The media type functions on any header value.
    std::string type = restd::http::mediaType(contentType);
    auto boundary = restd::http::mediaTypeParam(contentType, "boundary");
    bool utf8 = restd::http::charsetIsUtf8(contentType);

    restd::http::MultipartResult direct;
    if (boundary) {
        direct = restd::http::parseMultipart(bodyText, *boundary);
        FUZZ_CHECK(direct.ok == direct.error.empty());
        if (direct.ok) {
            FUZZ_CHECK(direct.fields.size() <= restd::http::kMaxFormFields);
            for (const auto& [name, value] : direct.fields) {
                FUZZ_CHECK(!name.empty() && fuzz::isUtf8(name) && fuzz::isUtf8(value));
            }
        }
    }
    try {
        Body body = restd::http::parseBody(contentType, bodyText);
        if (bodyText.empty()) {
            FUZZ_CHECK(body.kind == Body::Kind::None);
        } else if (type == "multipart/form-data") {
            FUZZ_CHECK(utf8 && boundary && direct.ok && body.kind == Body::Kind::Form);
            FUZZ_CHECK(body.fields == direct.fields);
        }
    } catch (const ApiError& e) {
        FUZZ_CHECK(e.status() == 400 || e.status() == 415);
        if (type == "multipart/form-data" && utf8 && boundary) FUZZ_CHECK(!direct.ok);
    }
    return 0;
}
