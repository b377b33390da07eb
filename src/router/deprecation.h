// SPDX-License-Identifier: Apache-2.0
// The headers of a deprecated route's responses: Deprecation (RFC 9745, a
// structured-field date), Sunset (RFC 8594, an HTTP date) and Link to the
// successor and to the documentation of the change.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "router/route.h"

namespace restd::router {

std::vector<std::pair<std::string, std::string>> deprecationHeaders(const Deprecation& d);

}  // namespace restd::router
