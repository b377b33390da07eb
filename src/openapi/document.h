// SPDX-License-Identifier: Apache-2.0
// The OpenAPI 3.1 document of the API, generated from the route table: each
// route's RouteDoc (summary, tag, statuses, `data` schema), its body and
// list rules (the same data the validator enforces) and its auth. Served at
// GET /api/v1/openapi.json and printed by `restd --openapi`. Pure; thread-safe.
#pragma once

#include <span>
#include <string>

#include "openapi/schema.h"
#include "router/route.h"

namespace restd::openapi {

// The document as compact JSON. Throws std::logic_error when a route is
// documented incompletely (no summary, tag or data schema, or a status
// without a description), so such a table never ships.
std::string buildDocument(std::span<const router::Route> routes);

}  // namespace restd::openapi
