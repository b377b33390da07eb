// SPDX-License-Identifier: Apache-2.0
// Response schemas as data, for the OpenAPI document (openapi/document.cpp).
// Each resource describes the `data` of its responses next to the code that
// writes them (its model.cpp); routes point at them through RouteDoc. Only the
// JSON Schema subset both OpenAPI 3.1 and draft-04 validators understand:
// type (with "null" for nullable), properties, required, items, enum,
// minimum/maximum, minLength/maxLength, format.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace restd::openapi {

enum class Type { Object, Array, String, Integer, Number, Boolean, Null };

struct Schema;

struct Property {
    std::string_view name;
    const Schema* schema = nullptr;
    bool required = true;  // false: the member may be absent (never null unless nullable)
};

struct Schema {
    Type type = Type::Object;
    std::string_view name = {};  // set: a named component, referenced with $ref
    std::string_view description = {};
    std::string_view format = {};  // "date-time", "email"
    bool nullable = false;
    std::span<const Property> properties = {};      // Object
    bool closed = true;                             // Object: no other members
    const Schema* items = nullptr;                  // Array
    std::span<const std::string_view> values = {};  // String: enum
    std::optional<int64_t> minimum = {};
    std::optional<int64_t> maximum = {};
};

// Building blocks shared by resources.
inline constexpr Schema kId{.type = Type::Integer, .description = "Positive integer", .minimum = 1};
inline constexpr Schema kTimestamp{
    .type = Type::String, .description = "ISO 8601 UTC with milliseconds", .format = "date-time"};
inline constexpr Schema kString{.type = Type::String};
inline constexpr Schema kInteger{.type = Type::Integer};
inline constexpr Schema kBoolean{.type = Type::Boolean};
inline constexpr Schema kNumber{.type = Type::Number};
// `data: null` (logout and the like).
inline constexpr Schema kNull{.type = Type::Null};
// `data: {"id": N}` of a DELETE.
inline constexpr Property kDeletedProps[] = {{"id", &kId}};
inline constexpr Schema kDeleted{.name = "Deleted", .properties = kDeletedProps};

}  // namespace restd::openapi
