// Turns a unique-key violation on users into a 409 that names the field.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "db/error.h"
#include "http/api_error.h"

namespace restd::users {

// 409 CONFLICT naming "email" or "username".
inline http::ApiError duplicateOf(std::string_view field) {
    bool email = field == "email";
    std::string message = email ? "Email is already registered" : "Username is already taken";
    return http::ApiError(409, "CONFLICT", message, {{std::string(field), message, "body"}});
}

template <class Fn>
auto translateDuplicate(Fn&& fn) {
    return db::onDuplicate(std::forward<Fn>(fn), [](const db::Error& e) {
        std::string_view what = e.what();
        bool email = what.find("uq_users_email") != std::string_view::npos;
        return duplicateOf(email ? "email" : "username");
    });
}

}  // namespace restd::users
