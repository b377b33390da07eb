// SPDX-License-Identifier: Apache-2.0
#include "router/context.h"

#include <charconv>

namespace restd::router {

int64_t Context::pathId(std::string_view name) const {
    for (const auto& [key, value] : params) {
        if (key != name) continue;
        int64_t id = 0;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
        if (ec == std::errc() && ptr == value.data() + value.size() && id > 0) return id;
        throw http::ApiError::validation(
            {{std::string(name), "Must be a positive integer", "path"}});
    }
    throw http::ApiError::internal();
}

}  // namespace restd::router
