// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>

#include "router/route.h"

namespace restd::posts {
std::span<const router::Route> routes();
}  // namespace restd::posts
