// Operational endpoints: liveness (/health, never touches the database) and
// readiness (/ready, one pooled SELECT 1).
#pragma once

#include "app/context.h"

namespace restd::health {

void getHealth(app::Context& ctx);
void getReady(app::Context& ctx);

}  // namespace restd::health
