// SPDX-License-Identifier: Apache-2.0
// The list cursor decoder, with a key set of a current and a previous key (a
// rotation). The first byte picks how the rest is used:
//   0: the cursor as a client sends it (mostly refused at the tag);
//   1: the payload JSON, encoded and tagged here with the current key under
//      its kid, so that the JSON reader sees arbitrary input behind a valid tag;
//   2: the same without kid (a cursor made before cursors named their key),
//      tagged with the previous key.
// The set accepts a cursor exactly when one of its keys alone does; a decoded
// cursor encodes again (under the current key's kid) to one that decodes to
// the same cursor, and no other key accepts it.
#include "db/cursor.h"

#include <string>

#include "common.h"
#include "common/base64.h"
#include "common/digest.h"

namespace {

constexpr std::string_view kKey = "restd list cursor posts";
constexpr std::string_view kPrevious = "restd list cursor posts, before the rotation";

std::string tagged(std::string_view json, std::string_view key, std::string_view kid) {
    using restd::common::base64UrlEncode;
    std::string signedPart = base64UrlEncode(json);
    if (!kid.empty()) signedPart = std::string(kid) + "." + signedPart;
    return signedPart + "." +
           base64UrlEncode(restd::common::hmacSha256(key, signedPart).substr(0, 16));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using restd::common::KeySet;
    if (size == 0) return 0;
    static const KeySet keys(kKey, {std::string(kPrevious)});
    static const KeySet current(kKey), previous(kPrevious), another("restd list cursor users");
    std::string_view rest = fuzz::text(data + 1, size - 1);
    std::string text;
    switch (data[0] % 3) {
        case 0:
            text = rest;
            break;
        case 1:
            text = tagged(rest, kKey, keys.current().id);
            break;
        default:
            text = tagged(rest, kPrevious, {});
    }
    auto cursor = restd::db::decodeCursor(text, keys);
    FUZZ_CHECK(!restd::db::decodeCursor(text, another));
    FUZZ_CHECK(cursor.has_value() == (restd::db::decodeCursor(text, current).has_value() ||
                                      restd::db::decodeCursor(text, previous).has_value()));
    if (!cursor) return 0;
    const std::string encoded = restd::db::encodeCursor(*cursor, keys);
    FUZZ_CHECK(encoded.starts_with(keys.current().id + "."));
    FUZZ_CHECK(!restd::db::decodeCursor(encoded, previous));
    auto again = restd::db::decodeCursor(encoded, keys);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->field == cursor->field && again->descending == cursor->descending &&
               again->value == cursor->value && again->id == cursor->id);
    return 0;
}
