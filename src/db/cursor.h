// SPDX-License-Identifier: Apache-2.0
// List cursors: the opaque text of meta.nextCursor. A cursor names the sort it
// belongs to and the last row seen, as base64url JSON, with an HMAC tag that a
// client cannot forge: "<kid>.<payload>.<tag>", the tag over "<kid>.<payload>"
// by the current key of a common::KeySet, whose id is <kid>. A cursor is
// checked against the key its kid names; one without kid ("<payload>.<tag>",
// made before cursors carried one, the tag over the payload) against each key
// in turn. No database in here: the codec is tested and fuzzed on
// its own. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/key_set.h"

namespace restd::db {

struct Cursor {
    std::string field;  // sort field the cursor belongs to
    bool descending = true;
    std::string value;  // sort key of the last row seen
    int64_t id = 0;     // id of the last row seen (tie-breaker)
};

std::string encodeCursor(const Cursor& c, const common::KeySet& keys);
// nullopt for a cursor that no key of `keys` signed or that is no cursor.
std::optional<Cursor> decodeCursor(std::string_view text, const common::KeySet& keys);

}  // namespace restd::db
