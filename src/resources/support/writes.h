// SPDX-License-Identifier: Apache-2.0
// Write steps shared by the resources' handlers. A resource declares once
// what they need to know of it (Resource); they load the row a write changes
// under a lock with the checks in their order (404, ownership, If-Match), and
// run the create, update (PUT and PATCH) and delete flows around the
// repository call the handler passes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "auth/policy.h"
#include "db/transaction.h"
#include "http/api_error.h"
#include "resources/support/unique_keys.h"
#include "router/context.h"

namespace restd::support {

template <class Row>
struct Resource {
    std::string_view notFound;  // the 404's message, "Post not found"
    // The row `id`, locked until commit with db::Lock::ForUpdate.
    std::optional<Row> (*find)(db::Connection& conn, int64_t id, db::Lock lock);
    // The row as a GET by this caller shows it: If-Match compares its ETag.
    void (*write)(const router::Context& ctx, http::JsonWriter& w, const Row& row);
    // Whether the caller may see the row; nullptr: everyone may. A row hidden
    // from the caller does not exist for them (404), it is not forbidden.
    bool (*visible)(const router::Context& ctx, const Row& row) = nullptr;
    // The user who owns the row, for self-or-admin writes; nullptr: the
    // route's auth alone decides who writes.
    int64_t (*owner)(const Row& row) = nullptr;
    // Its unique keys besides the id: a write breaking one answers 409.
    std::span<const UniqueKey> uniqueKeys = {};
};

// The row `id` as the caller may see it; 404 when missing or hidden.
template <class Row>
Row load(const router::Context& ctx, db::Connection& conn, const Resource<Row>& r, int64_t id,
         db::Lock lock = db::Lock::None) {
    std::optional<Row> row = r.find(conn, id, lock);
    if (!row || (r.visible && !r.visible(ctx, *row)))
        throw http::ApiError::notFound(std::string(r.notFound));
    return std::move(*row);
}

// 412 when If-Match names another version of `current` than the caller's GET
// would show.
template <class Row>
void requireIfMatch(const router::Context& ctx, const Resource<Row>& r, const Row& current) {
    ctx.requireIfMatch([&](http::JsonWriter& w) { r.write(ctx, w, current); });
}

// The row a write changes, locked until commit, once a write's checks pass
// in this order: 404 when missing or hidden, 403 unless the caller owns it or
// is an admin (when the resource has owners), 412 (requireIfMatch).
template <class Row>
Row loadForWrite(const router::Context& ctx, db::Connection& conn, const Resource<Row>& r,
                 int64_t id) {
    Row current = load(ctx, conn, r, id, db::Lock::ForUpdate);
    if (r.owner) auth::requireSelfOrAdmin(ctx.user(), r.owner(current));
    requireIfMatch(ctx, r, current);
    return current;
}

// POST: the row `insert(conn)` adds in autocommit (read back in the same
// round trip); a broken unique key answers 409.
template <class Row, class Insert>
Row create(const router::Context& ctx, const Resource<Row>& r, Insert&& insert) {
    return translateDuplicate(r.uniqueKeys,
                              [&] { return db::withAutocommit(ctx.services.pool, insert); });
}

// PUT and PATCH, once the handler has gathered the changes: in one
// transaction, the row is loaded for write, `apply(conn)` changes it and the
// row is read back as stored; a broken unique key answers 409.
template <class Row, class Apply>
Row update(const router::Context& ctx, const Resource<Row>& r, int64_t id, Apply&& apply) {
    return translateDuplicate(r.uniqueKeys, [&] {
        return db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
            loadForWrite(ctx, conn, r, id);
            apply(conn);
            return *r.find(conn, id, db::Lock::None);
        });
    });
}

// DELETE: in one transaction, the row is loaded for write and `apply(conn)`
// removes it.
template <class Row, class Apply>
void remove(const router::Context& ctx, const Resource<Row>& r, int64_t id, Apply&& apply) {
    db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
        loadForWrite(ctx, conn, r, id);
        apply(conn);
    });
}

}  // namespace restd::support
