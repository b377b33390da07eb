// Context: what a handler gets for one request: the parsed request and body,
// the response to fill, the matched route and its path params, and the
// worker's shared services. Lives on the accepting thread's stack.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "auth/jwt.h"
#include "auth/principal.h"
#include "config/config.h"
#include "db/pool.h"
#include "http/api_error.h"
#include "http/body.h"
#include "http/etag.h"
#include "http/request.h"
#include "http/response.h"
#include "router/path_pattern.h"
#include "router/route.h"
#include "validation/validator.h"

namespace restd::app {

// Per-worker services shared by every request of that worker.
struct Services {
    const config::Config& config;
    db::Pool& pool;
    std::chrono::steady_clock::time_point startedAt;
    std::chrono::system_clock::time_point startedAtWall;
};

struct Context {
    const http::Request& req;
    http::Response& res;
    const http::Body& body;
    const router::Route& route;
    const router::PathParams& params;
    Services& services;
    std::optional<auth::Principal> principal;  // set when the route requires auth
    std::optional<auth::Claims> claims;        // the verified token, on authenticated routes
    validation::Input input;                   // body fields checked by route.body
    validation::ListQuery list;                // query checked by route.list

    // The authenticated caller (the route requires auth, so it is always set;
    // on a CallerLoad::Handler route, once the handler has called admit()).
    const auth::Principal& user() const { return *principal; }

    // CallerLoad::Handler routes: the id of the caller to load with the
    // handler's own rows, then its row (nullopt when there is none). admit()
    // answers 401 when the row is gone or the token version is stale, and 403
    // on an Admin route when the caller is no admin.
    int64_t callerId() const { return claims->sub; }
    void admit(std::optional<users::CallerRow> caller);

    // The value of path param `name` as a positive integer; 400 VALIDATION_ERROR
    // (location "path") otherwise.
    int64_t pathId(std::string_view name = "id") const;

    // If-Match on PUT/PATCH/DELETE: 412 PRECONDITION_FAILED unless the header
    // is absent or matches the ETag a GET of the current data (written by
    // `writeData`) carries. Call it inside the write's transaction, after
    // loading the row with a locking read, so that of two clients racing with
    // the same tag exactly one wins.
    template <class DataFn>
    void requireIfMatch(DataFn&& writeData) const {
        auto header = req.header("if-match");
        if (!header) return;
        if (!http::ifMatchHolds(*header, http::etagOf(http::renderData(writeData)))) {
            throw http::ApiError(412, "PRECONDITION_FAILED",
                                 "The resource has changed since it was read (If-Match)");
        }
    }
};

}  // namespace restd::app
