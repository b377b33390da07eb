// SPDX-License-Identifier: Apache-2.0
#include "resources/products/model.h"

namespace restd::products {

namespace {
const openapi::Schema kCents{.type = openapi::Type::Integer,
                             .description = "Price in cents",
                             .minimum = 0,
                             .maximum = 100000000};
const openapi::Schema kStock{.type = openapi::Type::Integer, .minimum = 0, .maximum = 1000000000};
const openapi::Property kProductProps[] = {
    {"id", &openapi::kId},
    {"sku", &openapi::kString},
    {"name", &openapi::kString},
    {"description", &openapi::kString},
    {"priceCents", &kCents},
    {"stock", &kStock},
    {"createdAt", &openapi::kTimestamp},
    {"updatedAt", &openapi::kTimestamp},
};
}  // namespace

const openapi::Schema kProductSchema{.name = "Product", .properties = kProductProps};

void writeProduct(http::JsonWriter& w, const Product& p) {
    w.StartObject();
    w.Key("id");
    w.Int64(p.id);
    w.Key("sku");
    http::writeString(w, p.sku);
    w.Key("name");
    http::writeString(w, p.name);
    w.Key("description");
    http::writeString(w, p.description);
    w.Key("priceCents");
    w.Int64(p.priceCents);
    w.Key("stock");
    w.Int64(p.stock);
    w.Key("createdAt");
    http::writeString(w, p.createdAt);
    w.Key("updatedAt");
    http::writeString(w, p.updatedAt);
    w.EndObject();
}

}  // namespace restd::products
