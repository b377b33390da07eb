// SPDX-License-Identifier: Apache-2.0
#include "resources/posts/repository.h"

#include "common/time.h"
#include "db/list_query.h"
#include "db/partial_update.h"
#include "resources/support/page_query.h"

namespace restd::posts::repository {

namespace {

constexpr int kPostColumns = 8;  // read by readPost
constexpr std::string_view kSelect =
    "SELECT p.id, p.author_id, u.username, p.title, p.body, p.published, "
    "CAST(p.created_at AS CHAR) created_at, CAST(p.updated_at AS CHAR) updated_at";
// Lists: posts drive the join (STRAIGHT_JOIN), so the sort index of posts
// is walked and each page row picks up its author's name by primary key.
// The sort columns (posts' rules) are of this `posts p`.
constexpr support::ListSource kList{.select = kSelect,
                                    .table = "posts p",
                                    .joins = "STRAIGHT_JOIN users u ON u.id = p.author_id",
                                    .idColumn = "p.id"};
const db::RowQuery kById{.select = kSelect,
                         .from = "posts p JOIN users u ON u.id = p.author_id",
                         .where = "p.id = ?",
                         .key = "p.id"};
const std::string kFindById = std::string(kSelect) + " FROM " + std::string(kById.from) +
                              " WHERE " + std::string(kById.where);

// The new row comes back in the same round trip (MariaDB's RETURNING).
constexpr std::string_view kInsert =
    "INSERT INTO posts (author_id, title, body, published, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, NOW(3), NOW(3)) "
    "RETURNING id, author_id, (SELECT u.username FROM users u WHERE u.id = author_id), "
    "title, body, published, CAST(created_at AS CHAR) created_at, "
    "CAST(updated_at AS CHAR) updated_at";
constexpr std::string_view kDelete = "DELETE FROM posts WHERE id = ?";

Post readPost(const db::Rows& r) {
    Post p;
    p.id = r.getInt64(1);
    p.authorId = r.getInt64(2);
    p.authorUsername = r.getString(3);
    p.title = r.getString(4);
    p.body = r.getString(5);
    p.published = r.getBool(6);
    p.createdAt = common::isoFromSql(r.getString(7));
    p.updatedAt = common::isoFromSql(r.getString(8));
    return p;
}

}  // namespace

std::optional<Post> findById(db::Connection& conn, int64_t id, db::Lock lock) {
    static const std::string kFindByIdForUpdate = kFindById + " FOR UPDATE";
    // A plain read of one row carries the request's caller (db/rider.h).
    db::Rows rows =
        (lock == db::Lock::ForUpdate ? conn.prepare(kFindByIdForUpdate) : conn.prepareRow(kById))
            .bind(id)
            .query();
    if (!rows.next()) return std::nullopt;
    return readPost(rows);
}

Post insert(db::Connection& conn, const NewPost& p) {
    db::Rows rows = conn.prepare(kInsert)
                        .bind(p.authorId)
                        .bind(std::string_view(p.title))
                        .bind(std::string_view(p.body))
                        .bind(p.published)
                        .query();
    rows.next();
    return readPost(rows);
}

bool update(db::Connection& conn, int64_t id, const Changes& c) {
    return db::PartialUpdate("posts")
        .set("title", c.title)
        .set("body", c.body)
        .set("published", c.published)
        .run(conn, id);
}

bool remove(db::Connection& conn, int64_t id) {
    return conn.prepare(kDelete).bind(id).execute() > 0;
}

Page findPage(db::Connection& conn, const validation::ListQuery& q, const Viewer& viewer,
              std::optional<int64_t> authorId, const common::KeySet& cursorKey) {
    db::PageQuery pq = support::pageQuery(q, kList, cursorKey);
    if (!authorId) authorId = q.filters.integer("authorId");
    if (authorId) pq.where.add("p.author_id = ?", *authorId);
    if (auto published = q.filters.boolean("published"))
        pq.where.add("p.published = ?", *published);
    if (!viewer.admin) pq.where.add("(p.published = TRUE OR p.author_id = ?)", viewer.id);
    if (q.search) pq.where.add("p.title LIKE ? ESCAPE '!'", db::containsPattern(*q.search));
    return db::fetchPage<Post>(conn, pq, kPostColumns, cursorKey, readPost);
}

}  // namespace restd::posts::repository
