#include "resources/docs/handlers.h"

#include "openapi/document.h"

namespace restd::docs {

void getOpenApi(app::Context& ctx) {
    // A bare document (no envelope), as OpenAPI tools expect.
    ctx.res.setRawBody(200, "application/json; charset=utf-8", openapi::document());
}

}  // namespace restd::docs
