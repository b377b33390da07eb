// SPDX-License-Identifier: Apache-2.0
// Operational endpoints: liveness (/health, never touches the database) and
// readiness (/ready, one pooled SELECT 1).
#pragma once

#include "openapi/schema.h"
#include "router/context.h"

namespace restd::health {

void getHealth(router::Context& ctx);
void getReady(router::Context& ctx);

// OpenAPI schemas of their `data`.
extern const openapi::Schema kHealthSchema;
extern const openapi::Schema kReadySchema;

}  // namespace restd::health
