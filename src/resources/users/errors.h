// SPDX-License-Identifier: Apache-2.0
// The unique keys of users besides the id: a write that would give a user
// another's email or username answers 409 naming the field.
#pragma once

#include <string_view>
#include <utility>

#include "resources/support/unique_keys.h"

namespace restd::users {

inline constexpr support::UniqueKey kUniqueKeys[] = {
    {.index = "uq_users_email", .field = "email", .message = "Email is already registered"},
    {.index = "uq_users_username", .field = "username", .message = "Username is already taken"},
};

// 409 CONFLICT naming "email" or "username".
inline http::ApiError duplicateOf(std::string_view field) {
    return support::conflictOn(support::keyOf(kUniqueKeys, field));
}

template <class Fn>
auto translateDuplicate(Fn&& fn) {
    return support::translateDuplicate(kUniqueKeys, std::forward<Fn>(fn));
}

}  // namespace restd::users
