// SPDX-License-Identifier: Apache-2.0
// Duplicate-key translation shared by the resources: a write that breaks a
// unique key answers 409 CONFLICT naming the field, never a database error.
// Each resource declares its unique keys once, as a table of UniqueKey.
#pragma once

#include <span>
#include <string_view>
#include <utility>

#include "db/error.h"
#include "http/api_error.h"

namespace restd::support {

struct UniqueKey {
    std::string_view index;    // the key's name in the schema, "uq_users_email"
    std::string_view field;    // the API field it holds, "email"
    std::string_view message;  // the 409's message, "Email is already registered"
};

// 409 CONFLICT with the key's message and one detail naming its field.
http::ApiError conflictOn(const UniqueKey& key);

// The key of `keys` (not empty) that holds `field`; the last one when none does.
const UniqueKey& keyOf(std::span<const UniqueKey> keys, std::string_view field);

// The key of `keys` (not empty) a duplicate-key error names; the last one
// when it names none (MariaDB always names the key it refused a row for).
const UniqueKey& brokenKey(std::span<const UniqueKey> keys, const db::Error& duplicate);

// fn(), with a duplicate-key error turned into the 409 of the key it broke.
// Without keys, fn() as it is: a duplicate there is no client's doing.
template <class Fn>
auto translateDuplicate(std::span<const UniqueKey> keys, Fn&& fn) {
    if (keys.empty()) return fn();
    return db::onDuplicate(std::forward<Fn>(fn),
                           [keys](const db::Error& e) { return conflictOn(brokenKey(keys, e)); });
}

}  // namespace restd::support
