#include "resources/products/handlers.h"

#include "db/error.h"
#include "db/transaction.h"
#include "resources/products/repository.h"
#include "router/list_response.h"

namespace restd::products {

using http::ApiError;

namespace {

void sendProduct(router::Context& ctx, int status, const Product& p) {
    ctx.res.sendData(status, [&](http::JsonWriter& w) { writeProduct(w, p); });
}

// A taken SKU (the only unique key besides the id) becomes a 409 naming it.
template <class Fn>
auto translateDuplicate(Fn&& fn) {
    return db::onDuplicate(std::forward<Fn>(fn), [](const db::Error&) {
        const std::string message = "SKU is already taken";
        return ApiError(409, "CONFLICT", message, {{"sku", message, "body"}});
    });
}

// The product about to be written, locked until commit; 404 when missing, 412
// when If-Match names another version than a GET would show.
Product loadForWrite(const router::Context& ctx, db::Connection& conn, int64_t id) {
    auto current = repository::findById(conn, id, db::Lock::ForUpdate);
    if (!current) throw ApiError::notFound("Product not found");
    ctx.requireIfMatch([&](http::JsonWriter& w) { writeProduct(w, *current); });
    return *current;
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
    Product product = translateDuplicate([&] {
        return db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
            loadForWrite(ctx, conn, id);
            repository::update(conn, id, changes);
            return *repository::findById(conn, id);
        });
    });
    sendProduct(ctx, 200, product);
}

}  // namespace

void listProducts(router::Context& ctx) {
    auto minPrice = ctx.list.filters.integer("minPrice");
    auto maxPrice = ctx.list.filters.integer("maxPrice");
    if (minPrice && maxPrice && *minPrice > *maxPrice) {
        throw ApiError::validation({{"minPrice", "Must not be greater than maxPrice", "query"}});
    }
    std::string key = router::cursorKey(ctx, "products");
    auto page = ctx.services.pool.read(
        [&](db::Connection& conn) { return repository::findPage(conn, ctx.list, key); });
    router::sendPage(ctx, page, writeProduct);
}

void getProduct(router::Context& ctx) {
    int64_t id = ctx.pathId();
    auto product = ctx.services.pool.read(
        [&](db::Connection& conn) { return repository::findById(conn, id); });
    if (!product) throw ApiError::notFound("Product not found");
    sendProduct(ctx, 200, *product);
}

void createProduct(router::Context& ctx) {
    const auto& in = ctx.input;
    const std::string* description = in.text("description");
    repository::NewProduct np{*in.text("sku"), *in.text("name"),
                              description ? *description : std::string(), *in.integer("priceCents"),
                              in.integer("stock").value_or(0)};
    Product product = translateDuplicate([&] {
        return db::withAutocommit(
            ctx.services.pool, [&](db::Connection& conn) { return repository::insert(conn, np); });
    });
    ctx.res.setHeader("Location", "/api/v1/products/" + std::to_string(product.id));
    sendProduct(ctx, 201, product);
}

void replaceProduct(router::Context& ctx) { update(ctx); }
void patchProduct(router::Context& ctx) { update(ctx); }

void deleteProduct(router::Context& ctx) {
    int64_t id = ctx.pathId();
    db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
        loadForWrite(ctx, conn, id);
        repository::remove(conn, id);
    });
    ctx.res.sendDeleted(id, "Product deleted");
}

}  // namespace restd::products
