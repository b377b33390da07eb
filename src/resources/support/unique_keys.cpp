// SPDX-License-Identifier: Apache-2.0
#include "resources/support/unique_keys.h"

#include <string>

namespace restd::support {

http::ApiError conflictOn(const UniqueKey& key) {
    const std::string message(key.message);
    return http::ApiError(http::ErrorCode::Conflict, message,
                          {{std::string(key.field), message, "body"}});
}

const UniqueKey& keyOf(std::span<const UniqueKey> keys, std::string_view field) {
    for (const UniqueKey& key : keys)
        if (key.field == field) return key;
    return keys.back();
}

const UniqueKey& brokenKey(std::span<const UniqueKey> keys, const db::Error& duplicate) {
    const std::string_view what = duplicate.what();
    for (const UniqueKey& key : keys)
        if (what.find(key.index) != std::string_view::npos) return key;
    return keys.back();
}

}  // namespace restd::support
