// SPDX-License-Identifier: Apache-2.0
#include "resources/products/handlers.h"

#include "resources/products/repository.h"
#include "resources/support/lists.h"
#include "resources/support/writes.h"

namespace restd::products {

using http::ApiError;

namespace {

// The SKU is the only unique key besides the id.
constexpr support::UniqueKey kUniqueKeys[] = {
    {.index = "uq_products_sku", .field = "sku", .message = "SKU is already taken"},
};

const support::Resource<Product> kProducts{
    .notFound = "Product not found",
    .find = repository::findById,
    .write = [](const router::Context&, http::JsonWriter& w,
                const Product& p) { writeProduct(w, p); },
    .uniqueKeys = kUniqueKeys,
};

void sendProduct(router::Context& ctx, int status, const Product& p) {
    ctx.res.sendData(status, [&](http::JsonWriter& w) { writeProduct(w, p); });
}

// PUT and PATCH (admin only, by the route).
void update(router::Context& ctx) {
    int64_t id = ctx.pathId();
    const auto& in = ctx.input;
    repository::Changes changes;
    if (auto v = in.text("sku")) changes.sku = *v;
    if (auto v = in.text("name")) changes.name = *v;
    if (auto v = in.text("description")) changes.description = *v;
    if (auto v = in.integer("priceCents")) changes.priceCents = *v;
    if (auto v = in.integer("stock")) changes.stock = *v;
    // PUT: optional fields omitted take their defaults.
    if (ctx.route.method == http::Method::Put) {
        if (!changes.description) changes.description = "";
        if (!changes.stock) changes.stock = 0;
    }
    Product product = support::update(
        ctx, kProducts, id, [&](db::Connection& conn) { repository::update(conn, id, changes); });
    sendProduct(ctx, 200, product);
}

}  // namespace

void listProducts(router::Context& ctx) {
    auto minPrice = ctx.list.filters.integer("minPrice");
    auto maxPrice = ctx.list.filters.integer("maxPrice");
    if (minPrice && maxPrice && *minPrice > *maxPrice) {
        throw ApiError::validation({{"minPrice", "Must not be greater than maxPrice", "query"}});
    }
    support::sendList(
        ctx, "products",
        [&](db::Connection& conn, const common::KeySet& key) {
            return repository::findPage(conn, ctx.list, key);
        },
        writeProduct);
}

void getProduct(router::Context& ctx) {
    int64_t id = ctx.pathId();
    Product product =
        ctx.read([&](db::Connection& conn) { return support::load(ctx, conn, kProducts, id); });
    sendProduct(ctx, 200, product);
}

void createProduct(router::Context& ctx) {
    const auto& in = ctx.input;
    const std::string* description = in.text("description");
    repository::NewProduct np{*in.text("sku"), *in.text("name"),
                              description ? *description : std::string(), *in.integer("priceCents"),
                              in.integer("stock").value_or(0)};
    Product product = support::create(
        ctx, kProducts, [&](db::Connection& conn) { return repository::insert(conn, np); });
    ctx.res.setHeader("Location", "/api/v1/products/" + std::to_string(product.id));
    sendProduct(ctx, 201, product);
}

void replaceProduct(router::Context& ctx) { update(ctx); }
void patchProduct(router::Context& ctx) { update(ctx); }

void deleteProduct(router::Context& ctx) {
    int64_t id = ctx.pathId();
    support::remove(ctx, kProducts, id,
                    [&](db::Connection& conn) { repository::remove(conn, id); });
    ctx.res.sendDeleted(id, "Product deleted");
}

}  // namespace restd::products
