// SPDX-License-Identifier: Apache-2.0
#include "resources/products/repository.h"

#include "common/time.h"
#include "db/list_query.h"
#include "db/partial_update.h"
#include "resources/support/page_query.h"

namespace restd::products::repository {

namespace {

constexpr int kProductColumns = 8;  // read by readProduct
constexpr std::string_view kSelect =
    "SELECT p.id, p.sku, p.name, p.description, p.price_cents, p.stock, "
    "CAST(p.created_at AS CHAR) created_at, CAST(p.updated_at AS CHAR) updated_at";
// The sort columns (products' rules) are of this `products p`.
constexpr support::ListSource kList{
    .select = kSelect, .table = "products p", .joins = {}, .idColumn = "p.id"};
const db::RowQuery kById{
    .select = kSelect, .from = "products p", .where = "p.id = ?", .key = "p.id"};
const std::string kFindById = std::string(kSelect) + " FROM " + std::string(kById.from) +
                              " WHERE " + std::string(kById.where);

// The new row comes back in the same round trip (MariaDB's RETURNING).
constexpr std::string_view kInsert =
    "INSERT INTO products (sku, name, description, price_cents, stock, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, NOW(3), NOW(3)) "
    "RETURNING id, sku, name, description, price_cents, stock, "
    "CAST(created_at AS CHAR) created_at, CAST(updated_at AS CHAR) updated_at";
constexpr std::string_view kDelete = "DELETE FROM products WHERE id = ?";

// The SKU column is ascii_bin; searching it as utf8mb4 text under the table's
// collation makes the match case-insensitive and accepts any search text.
constexpr std::string_view kSearch =
    "(p.name LIKE ? ESCAPE '!' OR "
    "CONVERT(p.sku USING utf8mb4) COLLATE utf8mb4_unicode_520_ci LIKE ? ESCAPE '!')";

Product readProduct(const db::Rows& r) {
    Product p;
    p.id = r.getInt64(1);
    p.sku = r.getString(2);
    p.name = r.getString(3);
    p.description = r.getString(4);
    p.priceCents = r.getInt64(5);
    p.stock = r.getInt64(6);
    p.createdAt = common::isoFromSql(r.getString(7));
    p.updatedAt = common::isoFromSql(r.getString(8));
    return p;
}

}  // namespace

std::optional<Product> findById(db::Connection& conn, int64_t id, db::Lock lock) {
    static const std::string kFindByIdForUpdate = kFindById + " FOR UPDATE";
    // A plain read of one row carries the request's caller (db/rider.h).
    db::Rows rows =
        (lock == db::Lock::ForUpdate ? conn.prepare(kFindByIdForUpdate) : conn.prepareRow(kById))
            .bind(id)
            .query();
    if (!rows.next()) return std::nullopt;
    return readProduct(rows);
}

Product insert(db::Connection& conn, const NewProduct& p) {
    db::Rows rows = conn.prepare(kInsert)
                        .bind(std::string_view(p.sku))
                        .bind(std::string_view(p.name))
                        .bind(std::string_view(p.description))
                        .bind(p.priceCents)
                        .bind(p.stock)
                        .query();
    rows.next();
    return readProduct(rows);
}

bool update(db::Connection& conn, int64_t id, const Changes& c) {
    return db::PartialUpdate("products")
        .set("sku", c.sku)
        .set("name", c.name)
        .set("description", c.description)
        .set("price_cents", c.priceCents)
        .set("stock", c.stock)
        .run(conn, id);
}

bool remove(db::Connection& conn, int64_t id) {
    return conn.prepare(kDelete).bind(id).execute() > 0;
}

Page findPage(db::Connection& conn, const validation::ListQuery& q,
              const common::KeySet& cursorKey) {
    db::PageQuery pq = support::pageQuery(q, kList, cursorKey);
    if (auto minPrice = q.filters.integer("minPrice"))
        pq.where.add("p.price_cents >= ?", *minPrice);
    if (auto maxPrice = q.filters.integer("maxPrice"))
        pq.where.add("p.price_cents <= ?", *maxPrice);
    if (auto inStock = q.filters.boolean("inStock"))
        pq.where.add(*inStock ? "p.stock > 0" : "p.stock = 0");
    if (q.search) {
        std::string pattern = db::containsPattern(*q.search);
        pq.where.add(kSearch, pattern, pattern);
    }
    return db::fetchPage<Product>(conn, pq, kProductColumns, cursorKey, readProduct);
}

}  // namespace restd::products::repository
