// The OpenAPI document, generated from the route table (openapi/document.h).
#pragma once

#include "app/context.h"

namespace restd::docs {

void getOpenApi(app::Context& ctx);

}  // namespace restd::docs
