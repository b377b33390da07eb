// SPDX-License-Identifier: Apache-2.0
// The API's own description: GET /api/v1/openapi.json.
#pragma once

#include <span>

#include "router/route.h"

namespace restd::docs {

std::span<const router::Route> routes();

}  // namespace restd::docs
