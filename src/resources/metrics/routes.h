// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>

#include "router/route.h"

namespace restd::metrics_endpoint {
std::span<const router::Route> routes();
}  // namespace restd::metrics_endpoint
