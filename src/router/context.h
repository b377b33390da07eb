// SPDX-License-Identifier: Apache-2.0
// Context: what a handler gets for one request: the parsed request and body,
// the response to fill, the matched route and its path params, its checked
// input, its caller, and the worker's shared services. Lives on the accepting
// thread's stack.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "auth/authenticate.h"
#include "auth/jwt.h"
#include "auth/principal.h"
#include "config/config.h"
#include "db/pool.h"
#include "db/read_pool.h"
#include "http/api_error.h"
#include "http/body.h"
#include "http/etag.h"
#include "http/request.h"
#include "http/response.h"
#include "router/path_pattern.h"
#include "router/route.h"
#include "validation/validator.h"

namespace restd::router {

// Per-worker services shared by every request of that worker. `openapi` and
// `metrics` come from the process above the resources (app/): the OpenAPI
// document of the route table and the metrics exposition (empty when there
// is none). `replicas`: the read pool, when DB_READ_HOSTS names replicas.
struct Services {
    const config::Config& config;
    db::Pool& pool;
    std::chrono::steady_clock::time_point startedAt;
    std::chrono::system_clock::time_point startedAtWall;
    std::string_view openapi = {};
    std::string (*metrics)() = nullptr;
    db::ReadPool* replicas = nullptr;
};

struct Context {
    const http::Request& req;
    http::Response& res;
    const http::Body& body;
    const Route& route;
    const PathParams& params;
    Services& services;
    auth::CallerCheck* caller = nullptr;  // set when the route requires auth
    std::optional<auth::Claims> claims;   // the verified token, on authenticated routes
    validation::Input input;              // body fields checked by route.body
    validation::ListQuery list;           // query checked by route.list

    // The authenticated caller (on a route that requires auth). Its row is
    // read on its own first unless a read of the handler carried it already;
    // throws 401/403 when it does not pass (auth/authenticate.h).
    const auth::Principal& user() const { return caller->admitted(services.pool); }

    // Runs fn(db::Connection&), a read outside any transaction: on a replica
    // that has caught up when the route allows it (Reads::Replica) and there
    // are replicas, else on the primary (db::Pool::read).
    template <class Fn>
    auto read(Fn&& fn) const {
        if (route.reads == Reads::Replica && services.replicas) {
            return services.replicas->read(std::forward<Fn>(fn));
        }
        return services.pool.read(std::forward<Fn>(fn));
    }

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
            throw http::ApiError(http::ErrorCode::PreconditionFailed,
                                 "The resource has changed since it was read (If-Match)");
        }
    }
};

}  // namespace restd::router
