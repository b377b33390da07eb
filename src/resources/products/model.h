// SPDX-License-Identifier: Apache-2.0
// Product: the representation of a catalogue item. Prices are integer cents,
// never floating point. Plain values; not shared between threads.
#pragma once

#include <cstdint>
#include <string>

#include "http/response.h"
#include "openapi/schema.h"

namespace restd::products {

struct Product {
    int64_t id = 0;
    std::string sku;  // 3-32 of [A-Z0-9-], unique
    std::string name;
    std::string description;
    int64_t priceCents = 0;
    int64_t stock = 0;
    std::string createdAt;  // ISO 8601 UTC with ms
    std::string updatedAt;
};

// {id, sku, name, description, priceCents, stock, createdAt, updatedAt}
void writeProduct(http::JsonWriter& w, const Product& p);

// The OpenAPI schema of what writeProduct writes.
extern const openapi::Schema kProductSchema;

}  // namespace restd::products
