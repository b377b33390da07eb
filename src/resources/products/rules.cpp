// SPDX-License-Identifier: Apache-2.0
#include "resources/products/rules.h"

#include <algorithm>

namespace restd::products::rules {

using validation::BodyMode;
using validation::FieldRule;
using validation::Kind;

namespace {

constexpr int64_t kMaxPriceCents = 100000000;
constexpr int64_t kMaxStock = 1000000000;

void checkSku(std::string_view value, std::vector<std::string>& broken) {
    if (value.size() < 3 || value.size() > 32 ||
        !std::all_of(value.begin(), value.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        }))
        broken.emplace_back("SKU must be 3 to 32 characters of A-Z, 0-9 and '-'");
}

const validation::TextFormat kSku{.check = checkSku, .pattern = "^[A-Z0-9-]{3,32}$"};

const FieldRule kFields[] = {
    {.name = "sku",
     .kind = Kind::Format,
     .required = true,
     .format = &kSku,
     .description = "3-32 characters of [A-Z0-9-], unique"},
    {.name = "name",
     .kind = Kind::Text,
     .required = true,
     .trim = true,
     .min = 1,
     .max = 200,
     .description = "1-200 characters after trimming"},
    {.name = "description",
     .kind = Kind::Text,
     .required = false,
     .min = 0,
     .max = 10000,
     .description = "At most 10,000 characters; default empty"},
    {.name = "priceCents",
     .kind = Kind::Integer,
     .required = true,
     .min = 0,
     .max = kMaxPriceCents,
     .description = "Price in cents, an integer from 0 to 100,000,000"},
    {.name = "stock",
     .kind = Kind::Integer,
     .required = false,
     .min = 0,
     .max = kMaxStock,
     .description = "Units in stock, an integer from 0 to 1,000,000,000; default 0"},
};

const FieldRule kFilters[] = {
    {.name = "minPrice",
     .kind = Kind::Integer,
     .min = 0,
     .max = kMaxPriceCents,
     .description = "Only products priced at least this many cents (inclusive)"},
    {.name = "maxPrice",
     .kind = Kind::Integer,
     .min = 0,
     .max = kMaxPriceCents,
     .description = "Only products priced at most this many cents (inclusive); >= minPrice"},
    {.name = "inStock", .kind = Kind::Boolean, .description = "true: stock > 0; false: stock = 0"},
};

// The sort table of the products list: the columns of the repository's `products p`.
constexpr db::SortColumn kSorts[] = {
    {.field = "createdAt", .column = "p.created_at", .index = "idx_products_created"},
    {.field = "name", .column = "p.name", .index = "idx_products_name"},
    {.field = "priceCents",
     .column = "p.price_cents",
     .numeric = true,
     .index = "idx_products_price"},
    {.field = "id", .column = "p.id", .numeric = true},
};

}  // namespace

const validation::BodyRules kCreateProduct{kFields, BodyMode::Create};
const validation::BodyRules kReplaceProduct{kFields, BodyMode::Replace};
const validation::BodyRules kPatchProduct{kFields, BodyMode::Patch};
const validation::ListRules kListProducts{
    .sorts = kSorts,
    .filters = kFilters,
    .searchDescription = "Case-insensitive substring of the name or the SKU"};

}  // namespace restd::products::rules
