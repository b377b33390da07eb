// List cursors: the opaque text of meta.nextCursor. A cursor names the sort it
// belongs to and the last row seen, as base64url JSON, with an HMAC tag that a
// client cannot forge. No database in here: the codec is tested and fuzzed on
// its own. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace restd::db {

struct Cursor {
    std::string field;  // sort field the cursor belongs to
    bool descending = true;
    std::string value;  // sort key of the last row seen
    int64_t id = 0;     // id of the last row seen (tie-breaker)
};

std::string encodeCursor(const Cursor& c, std::string_view key);
// nullopt for a cursor that `key` did not sign or that is no cursor.
std::optional<Cursor> decodeCursor(std::string_view text, std::string_view key);

}  // namespace restd::db
