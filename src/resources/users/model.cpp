#include "resources/users/model.h"

namespace restd::users {

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
