#include "router/router.h"

#include <algorithm>

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
    for (size_t i = 0; i < routes_.size(); ++i) {
        auto params = patterns_[i].match(*path);
        if (!params) continue;
        const Route& route = routes_[i];
        if (route.method == wanted && result.kind != Match::Kind::Found) {
            result.kind = Match::Kind::Found;
            result.route = &route;
            result.params = std::move(*params);
        }
        if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
            result.allowed.end()) {
            result.allowed.push_back(route.method);
            if (route.method == Method::Get) result.allowed.push_back(Method::Head);
        }
    }
    if (result.kind != Match::Kind::Found && !result.allowed.empty()) {
        result.kind = Match::Kind::MethodNotAllowed;
    }
    if (!result.allowed.empty()) result.allowed.push_back(Method::Options);
    std::sort(result.allowed.begin(), result.allowed.end());
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
