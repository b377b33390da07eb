// SPDX-License-Identifier: Apache-2.0
// The route table: every resource's routes (route_table.cpp).
#pragma once

#include <span>
#include <string>

#include "router/route.h"

namespace restd::app {

// The whole table, in declaration order.
std::span<const router::Route> routeTable();

// The OpenAPI document of the table (openapi::buildDocument), built once.
const std::string& openapiDocument();

}  // namespace restd::app
