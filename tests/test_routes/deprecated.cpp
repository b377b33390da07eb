// SPDX-License-Identifier: Apache-2.0
// GET /__test/deprecated: a route marked deprecated in the route table, so
// that the headers every deprecated route sends (docs/api.md, "Versions,
// deprecation and Link") are tested through nginx while no product route is
// deprecated. `?fail=1` answers an error, which must carry them too.
// Only in $(BIN)/restd-test (Makefile); bin/restd has no such route.
#include <span>
#include <string>

#include "http/api_error.h"
#include "router/context.h"
#include "router/route.h"
#include "routes.h"

namespace restd::test_routes {

using router::Method;
using router::Route;

namespace {

void deprecated(router::Context& ctx) {
    if (ctx.req.queryString().find("fail=1") != std::string_view::npos) {
        throw http::ApiError::notFound("Nothing here");
    }
    ctx.res.sendData(200, [](http::JsonWriter& w) {
        w.StartObject();
        w.Key("deprecated");
        w.Bool(true);
        w.EndObject();
    });
}

Route deprecatedRoute() {
    Route r =
        testRoute(Method::Get, "/__test/deprecated", deprecated, "Test only: a deprecated route");
    r.deprecation = {.since = 1767225600, .sunset = 1798761600, .successor = "/health"};
    return r;
}

}  // namespace

std::span<const Route> deprecatedRoutes() {
    static const Route kRoutes[] = {deprecatedRoute()};
    return kRoutes;
}

}  // namespace restd::test_routes
