// The list cursor decoder. The first byte picks how the rest is used:
//   0: the cursor as a client sends it (mostly refused at the tag);
//   1: the payload JSON, encoded and tagged here with the key, so that the
//      JSON reader sees arbitrary input behind a valid tag.
// A decoded cursor encodes again to one that decodes to the same cursor, and
// no other key accepts it.
#include "db/cursor.h"

#include <string>

#include "common.h"
#include "common/base64.h"
#include "common/digest.h"

namespace {

constexpr std::string_view kKey = "restd list cursor posts";

std::string tagged(std::string_view json) {
    using restd::common::base64UrlEncode;
    std::string payload = base64UrlEncode(json);
    return payload + "." + base64UrlEncode(restd::common::hmacSha256(kKey, payload).substr(0, 16));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using restd::db::Cursor;
    if (size == 0) return 0;
    std::string_view rest = fuzz::text(data + 1, size - 1);
    const std::string text = data[0] % 2 == 0 ? std::string(rest) : tagged(rest);
    auto cursor = restd::db::decodeCursor(text, kKey);
    FUZZ_CHECK(!restd::db::decodeCursor(text, "restd list cursor users"));
    if (!cursor) return 0;
    auto again = restd::db::decodeCursor(restd::db::encodeCursor(*cursor, kKey), kKey);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->field == cursor->field && again->descending == cursor->descending &&
               again->value == cursor->value && again->id == cursor->id);
    return 0;
}
