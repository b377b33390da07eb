// SPDX-License-Identifier: Apache-2.0
#include "resources/users/model.h"

namespace restd::users {

namespace {
constexpr std::string_view kRoles[] = {"user", "admin"};
const openapi::Schema kEmail{.type = openapi::Type::String,
                             .description = "Shown to the user themself and to admins only",
                             .format = "email"};
const openapi::Schema kUsername{.type = openapi::Type::String};
const openapi::Schema kRole{.type = openapi::Type::String, .values = kRoles};
const openapi::Property kUserProps[] = {
    {"id", &openapi::kId}, {"email", &kEmail, false},           {"username", &kUsername},
    {"role", &kRole},      {"createdAt", &openapi::kTimestamp}, {"updatedAt", &openapi::kTimestamp},
};
}  // namespace

const openapi::Schema kUserSchema{.name = "User", .properties = kUserProps};

void writeUser(http::JsonWriter& w, const User& u, bool showEmail) {
    w.StartObject();
    w.Key("id");
    w.Int64(u.id);
    if (showEmail) {
        w.Key("email");
        http::writeString(w, u.email);
    }
    w.Key("username");
    http::writeString(w, u.username);
    w.Key("role");
    http::writeString(w, u.role);
    w.Key("createdAt");
    http::writeString(w, u.createdAt);
    w.Key("updatedAt");
    http::writeString(w, u.updatedAt);
    w.EndObject();
}

}  // namespace restd::users
