// Turns a unique-key violation on users into a 409 that names the field.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "db/error.h"
#include "http/api_error.h"

namespace restd::users {

template <class Fn>
auto translateDuplicate(Fn&& fn) {
    return db::onDuplicate(std::forward<Fn>(fn), [](const db::Error& e) {
        std::string_view what = e.what();
        bool email = what.find("uq_users_email") != std::string_view::npos;
        std::string field = email ? "email" : "username";
        std::string message = email ? "Email is already registered" : "Username is already taken";
        return http::ApiError(409, "CONFLICT", message, {{field, message, "body"}});
    });
}

}  // namespace restd::users
