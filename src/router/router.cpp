// SPDX-License-Identifier: Apache-2.0
#include "router/router.h"

namespace restd::router {

Router::Router(std::span<const Route> routes) : routes_(routes) {
    patterns_.reserve(routes.size());
    for (const Route& r : routes) patterns_.emplace_back(r.path);
}

Match Router::match(Method method, std::string_view rawPath) const {
    Match result;
    auto path = PathSegments::split(normalizePath(rawPath));
    if (!path) return result;
    Method wanted = method == Method::Head ? Method::Get : method;
    unsigned allowed = 0;  // a bit per Method that some route of the path has
    for (size_t i = 0; i < routes_.size(); ++i) {
        if (!patterns_[i].matches(*path)) continue;
        const Route& route = routes_[i];
        if (route.method == wanted) {  // the first such route wins
            result.kind = Match::Kind::Found;
            result.route = &route;
            result.params = patterns_[i].params(*path);
            return result;
        }
        allowed |= 1u << static_cast<unsigned>(route.method);
        if (route.method == Method::Get) allowed |= 1u << static_cast<unsigned>(Method::Head);
    }
    if (allowed == 0) return result;
    result.kind = Match::Kind::MethodNotAllowed;
    allowed |= 1u << static_cast<unsigned>(Method::Options);
    for (unsigned m = 0; m <= static_cast<unsigned>(Method::Other); ++m) {
        if (allowed & (1u << m)) result.allowed.push_back(static_cast<Method>(m));
    }
    return result;
}

std::string Router::allowHeader(const std::vector<Method>& methods) {
    std::string out;
    for (Method m : methods) {
        if (!out.empty()) out += ", ";
        out += methodName(m);
    }
    return out;
}

}  // namespace restd::router
