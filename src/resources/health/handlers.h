// Operational endpoints: liveness (/health, never touches the database) and
// readiness (/ready, one pooled SELECT 1).
#pragma once

#include "app/context.h"
#include "openapi/schema.h"

namespace restd::health {

void getHealth(app::Context& ctx);
void getReady(app::Context& ctx);

// OpenAPI schemas of their `data`.
extern const openapi::Schema kHealthSchema;
extern const openapi::Schema kReadySchema;

}  // namespace restd::health
