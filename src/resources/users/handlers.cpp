#include "resources/users/handlers.h"

#include "app/list_response.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "db/transaction.h"
#include "resources/users/errors.h"
#include "resources/users/repository.h"

namespace restd::users {

using http::ApiError;

namespace {

bool showsEmail(const app::Context& ctx, int64_t userId) {
    return ctx.user().isAdmin() || ctx.user().id() == userId;
}

void sendUser(app::Context& ctx, int status, const User& u) {
    bool show = showsEmail(ctx, u.id);
    ctx.res.sendData(status, [&](http::JsonWriter& w) { writeUser(w, u, show); });
}

std::string hashOrThrow(const app::Context& ctx, const std::string& password) {
    auto hash = auth::hashPassword(password, ctx.services.config.bcryptCost);
    if (!hash) throw std::runtime_error("password hashing failed");
    return *hash;
}

// The user about to be written, locked until commit; 404 when missing, 412
// when If-Match names another version than the caller's GET would show.
User loadForWrite(const app::Context& ctx, db::Connection& conn, int64_t id) {
    auto current = repository::findById(conn, id, db::Lock::ForUpdate);
    if (!current) throw ApiError::notFound("User not found");
    bool show = showsEmail(ctx, id);
    ctx.requireIfMatch([&](http::JsonWriter& w) { writeUser(w, *current, show); });
    return *current;
}

// PUT and PATCH: self or admin; only admins touch `role`.
void update(app::Context& ctx) {
    int64_t id = ctx.pathId();
    auth::requireSelfOrAdmin(ctx.user(), id);
    const auto& in = ctx.input;
    if (in.has("role") && !ctx.user().isAdmin())
        throw ApiError::forbidden("Only admins may change a role");
    repository::Changes changes;
    if (auto v = in.text("email")) changes.email = *v;
    if (auto v = in.text("username")) changes.username = *v;
    if (auto v = in.text("role")) changes.role = *v;
    if (auto v = in.text("password")) changes.passwordHash = hashOrThrow(ctx, *v);
    auto user = translateDuplicate([&] {
        return db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
            User current = loadForWrite(ctx, conn, id);
            repository::update(conn, id, changes);
            return *repository::findById(conn, id);
        });
    });
    sendUser(ctx, 200, user);
}

}  // namespace

// The caller (CallerLoad::Handler) and the page in one round trip. Admins'
// searches also match emails: the token's role decides the query, and the
// rare caller whose role changed since the token was issued gets it again.
void listUsers(app::Context& ctx) {
    bool tokenAdmin = ctx.claims->role == "admin";
    std::string key = app::cursorKey(ctx, "users");
    auto found = ctx.services.pool.read([&](db::Connection& conn) {
        return repository::findPageWithCaller(conn, ctx.list, tokenAdmin, key, ctx.callerId());
    });
    ctx.admit(std::move(found.caller));
    bool admin = ctx.user().isAdmin();
    auto& page = found.page;
    if (admin != tokenAdmin && ctx.list.search) {
        page = ctx.services.pool.read(
            [&](db::Connection& conn) { return repository::findPage(conn, ctx.list, admin, key); });
    }
    int64_t self = ctx.user().id();
    app::sendPage(ctx, page, [&](http::JsonWriter& w, const User& u) {
        writeUser(w, u, admin || u.id == self);
    });
}

// The caller (CallerLoad::Handler) and the user asked for in one round trip.
// (A malformed id's 400 is preceded by the dispatcher's own caller check.)
void getUser(app::Context& ctx) {
    int64_t id = ctx.pathId();
    auto found = ctx.services.pool.read(
        [&](db::Connection& conn) { return repository::findWithCaller(conn, ctx.callerId(), id); });
    ctx.admit(std::move(found.caller));
    if (!found.user) throw ApiError::notFound("User not found");
    sendUser(ctx, 200, *found.user);
}

void createUser(app::Context& ctx) {
    const auto& in = ctx.input;
    repository::NewUser nu{*in.text("email"), *in.text("username"),
                           hashOrThrow(ctx, *in.text("password")),
                           in.text("role") ? *in.text("role") : "user"};
    User user = translateDuplicate([&] {
        return db::withAutocommit(
            ctx.services.pool, [&](db::Connection& conn) { return repository::insert(conn, nu); });
    });
    ctx.res.setHeader("Location", "/api/v1/users/" + std::to_string(user.id));
    sendUser(ctx, 201, user);
}

void replaceUser(app::Context& ctx) { update(ctx); }
void patchUser(app::Context& ctx) { update(ctx); }

void deleteUser(app::Context& ctx) {
    int64_t id = ctx.pathId();
    // Posts and refresh tokens go with the user (ON DELETE CASCADE), atomically.
    db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
        loadForWrite(ctx, conn, id);
        repository::remove(conn, id);
    });
    ctx.res.sendDeleted(id, "User deleted");
}

}  // namespace restd::users
