// SPDX-License-Identifier: Apache-2.0
// The OpenAPI document, generated from the route table (openapi/document.h).
#pragma once

#include "router/context.h"

namespace restd::docs {

void getOpenApi(router::Context& ctx);

}  // namespace restd::docs
