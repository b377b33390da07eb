// SPDX-License-Identifier: Apache-2.0
// GET /__test/injectable?name=... pastes its parameter into its SQL, the
// mistake the product's prepared statements rule out. It is the positive
// control of make scan (scan/run): sqlmap must find this parameter
// injectable, or a clean result on the product's routes proves nothing.
// Only in $(BIN)/restd-test (Makefile); bin/restd has no such route.
#include <span>
#include <string>

#include "db/error.h"
#include "db/pool.h"
#include "http/body.h"
#include "router/context.h"
#include "router/route.h"
#include "routes.h"

namespace restd::test_routes {

using router::Method;
using router::Route;

namespace {

void injectable(router::Context& ctx) {
    std::string name;
    if (auto fields = http::parseUrlEncoded(ctx.req.queryString())) {
        for (const auto& [key, value] : *fields) {
            if (key == "name") name = value;
        }
    }
    // Whether a user of that name exists: a page that differs with the
    // answer, as a login form's would. A statement that fails (sqlmap's
    // broken quotes) answers like one that found nothing.
    bool found = false;
    try {
        db::Pool::Lease lease = ctx.services.pool.acquire();
        found = lease->prepare("SELECT id FROM users WHERE username = '" + name + "' LIMIT 1")
                    .query()
                    .next();
    } catch (const db::Error&) {
    }
    ctx.res.sendData(200, [&](http::JsonWriter& w) {
        w.StartObject();
        w.Key("found");
        w.Bool(found);
        w.EndObject();
    });
}

}  // namespace

std::span<const Route> injectableRoutes() {
    static const Route kRoutes[] = {
        testRoute(Method::Get, "/__test/injectable", injectable,
                  "Test only: SQL pasted together from the query"),
    };
    return kRoutes;
}

}  // namespace restd::test_routes
