// SPDX-License-Identifier: Apache-2.0
// The JSON body reader (parseBody with application/json): any bytes end in a
// document or in a 400 MALFORMED_BODY, never deeper than kMaxJsonDepth, never
// with more than kMaxJsonMembers in one container, with UTF-8 strings only;
// and what it accepts, written out again, reads back the same.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>

#include "common.h"
#include "http/api_error.h"
#include "http/body.h"

namespace {

using restd::http::kMaxJsonDepth;
using restd::http::kMaxJsonMembers;

// Checks the bounds and the strings of `v`, the top-level value being depth 1.
void checkValue(const rapidjson::Value& v, int depth) {
    if (v.IsString()) {
        FUZZ_CHECK(fuzz::isUtf8({v.GetString(), v.GetStringLength()}));
    } else if (v.IsArray()) {
        FUZZ_CHECK(depth <= kMaxJsonDepth);
        FUZZ_CHECK(v.Size() <= kMaxJsonMembers);
        for (const auto& item : v.GetArray()) checkValue(item, depth + 1);
    } else if (v.IsObject()) {
        FUZZ_CHECK(depth <= kMaxJsonDepth);
        FUZZ_CHECK(v.MemberCount() <= kMaxJsonMembers);
        for (const auto& m : v.GetObject()) {
            FUZZ_CHECK(fuzz::isUtf8({m.name.GetString(), m.name.GetStringLength()}));
            checkValue(m.value, depth + 1);
        }
    }
}

// Equal values; numbers written as doubles may come back an ulp apart (the
// reader is not in full precision mode), so doubles compare within 1e-12.
bool same(const rapidjson::Value& a, const rapidjson::Value& b) {
    if (a.IsDouble() || b.IsDouble()) {
        if (!a.IsNumber() || !b.IsNumber()) return false;
        double x = a.GetDouble(), y = b.GetDouble();
        return std::fabs(x - y) <= 1e-12 * std::max(std::fabs(x), std::fabs(y));
    }
    if (a.GetType() != b.GetType()) return false;
    if (a.IsArray()) {
        if (a.Size() != b.Size()) return false;
        for (rapidjson::SizeType i = 0; i < a.Size(); ++i)
            if (!same(a[i], b[i])) return false;
        return true;
    }
    if (a.IsObject()) {
        if (a.MemberCount() != b.MemberCount()) return false;
        for (auto i = a.MemberBegin(), j = b.MemberBegin(); i != a.MemberEnd(); ++i, ++j)
            if (i->name != j->name || !same(i->value, j->value)) return false;
        return true;
    }
    return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using restd::http::ApiError;
    using restd::http::Body;
    std::string_view in = fuzz::text(data, size);
    Body body;
    try {
        body = restd::http::parseBody("application/json", in);
    } catch (const ApiError& e) {
        FUZZ_CHECK(e.status() == 400 && e.code() == "MALFORMED_BODY");
        return 0;
    }
    if (in.empty()) {
        FUZZ_CHECK(body.kind == Body::Kind::None);
        return 0;
    }
    FUZZ_CHECK(body.kind == Body::Kind::Json);
    checkValue(body.json, 1);

    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> writer(out);
    FUZZ_CHECK(body.json.Accept(writer));
    Body again = restd::http::parseBody("application/json", {out.GetString(), out.GetSize()});
    FUZZ_CHECK(same(again.json, body.json));
    return 0;
}
