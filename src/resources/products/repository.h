// SPDX-License-Identifier: Apache-2.0
// Products repository: every SQL statement about the products table. Takes a
// connection from the caller (which owns pooling and transactions); throws
// db::Error (a taken SKU is ErrorKind::Duplicate).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/list_query.h"
#include "db/transaction.h"
#include "resources/products/model.h"
#include "validation/validator.h"

namespace restd::products::repository {

std::optional<Product> findById(db::Connection& conn, int64_t id, db::Lock lock = db::Lock::None);

struct NewProduct {
    std::string sku;
    std::string name;
    std::string description;
    int64_t priceCents = 0;
    int64_t stock = 0;
};
// The row as stored, read back in the same round trip.
Product insert(db::Connection& conn, const NewProduct& product);

// Fields to change; every write bumps `version` and sets `updated_at`.
struct Changes {
    std::optional<std::string> sku;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<int64_t> priceCents;
    std::optional<int64_t> stock;
};
// False when no such product.
bool update(db::Connection& conn, int64_t id, const Changes& changes);
bool remove(db::Connection& conn, int64_t id);

using Page = db::ListPage<Product>;
// Filters minPrice/maxPrice (inclusive) and inStock from q.filters; search over
// name and SKU. `cursorKey` signs cursors. Throws ApiError 400 for a cursor
// that is forged or belongs to another sort.
Page findPage(db::Connection& conn, const validation::ListQuery& q,
              const common::KeySet& cursorKey);

}  // namespace restd::products::repository
