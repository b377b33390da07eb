// SPDX-License-Identifier: Apache-2.0
// Router: matches a request (method, path) against the route table. A path
// known under other methods gives MethodNotAllowed with the allowed set; HEAD
// matches GET routes. Built once per worker; const and thread-safe after that.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "router/path_pattern.h"
#include "router/route.h"

namespace restd::router {

struct Match {
    enum class Kind { Found, NotFound, MethodNotAllowed };
    Kind kind = Kind::NotFound;
    const Route* route = nullptr;
    PathParams params;
    std::vector<Method> allowed;  // MethodNotAllowed (OPTIONS, which no route has, included)
};

class Router {
  public:
    explicit Router(std::span<const Route> routes);

    Match match(Method method, std::string_view path) const;
    // "GET, HEAD, POST" for an Allow header.
    static std::string allowHeader(const std::vector<Method>& methods);
    std::span<const Route> routes() const { return routes_; }

  private:
    std::span<const Route> routes_;
    std::vector<PathPattern> patterns_;  // parallel to routes_
};

}  // namespace restd::router
