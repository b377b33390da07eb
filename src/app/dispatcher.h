// SPDX-License-Identifier: Apache-2.0
// Dispatcher: the fixed steps every request goes through, in order (see
// serve()). It is the one place that turns exceptions into error envelopes.
// One per worker, shared by its threads; serve() is thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "app/idempotency.h"
#include "http/cors.h"
#include "router/context.h"
#include "router/router.h"

namespace restd::app {

// What the access log needs to know about a served request.
struct Served {
    std::string_view route;         // matched pattern ("/api/v1/users/{id}"), empty if none
    std::optional<int64_t> userId;  // the authenticated caller, if any
    const router::Deprecation* deprecation =
        nullptr;  // the matched route's, if it is on its way out
};

class Dispatcher {
  public:
    Dispatcher(const router::Router& router, router::Services& services);

    // Fills `res` for `req`. `req.requestId()` must be set. Never throws.
    Served serve(http::Request& req, http::Response& res) const;

  private:
    void route(http::Request& req, http::Response& res, Served& served) const;
    void runOnce(router::Context& ctx, const idempotency::Key& key) const;
    void finishRead(const http::Request& req, http::Response& res,
                    const router::Route& route) const;
    void fail(const http::Request& req, http::Response& res, const std::exception& e) const;

    const router::Router& router_;
    router::Services& services_;
    http::Cors cors_;
};

}  // namespace restd::app
