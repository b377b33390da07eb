// SPDX-License-Identifier: Apache-2.0
// If-Match and If-None-Match lists. The input's first line is the current
// entity tag (as given, and as etagOf would make it from that line), the
// rest the header. Whatever the header, If-Match (strong comparison) never
// holds where If-None-Match (weak comparison) does not, and a header that is
// the tag itself satisfies both.
#include "http/etag.h"

#include <string>

#include "common.h"

namespace {

void check(std::string_view header, std::string_view etag) {
    bool strong = restd::http::ifMatchHolds(header, etag);
    bool weak = restd::http::noneMatchHits(header, etag);
    FUZZ_CHECK(!strong || weak);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto [line, header] = fuzz::firstLine(fuzz::text(data, size));
    const std::string made = restd::http::etagOf(line);
    FUZZ_CHECK(made.size() == 34 && made.front() == '"' && made.back() == '"');
    for (std::string_view etag : {line, std::string_view(made)}) check(header, etag);
    FUZZ_CHECK(restd::http::ifMatchHolds(made, made) && restd::http::noneMatchHits(made, made));
    FUZZ_CHECK(restd::http::noneMatchHits("W/" + made, made));
    FUZZ_CHECK(!restd::http::ifMatchHolds("W/" + made, made));
    return 0;
}
