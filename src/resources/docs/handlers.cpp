// SPDX-License-Identifier: Apache-2.0
#include "resources/docs/handlers.h"

namespace restd::docs {

void getOpenApi(router::Context& ctx) {
    // A bare document (no envelope), as OpenAPI tools expect.
    ctx.res.setRawBody(200, "application/json; charset=utf-8", ctx.services.openapi);
}

}  // namespace restd::docs
