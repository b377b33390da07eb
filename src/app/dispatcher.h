// Dispatcher: the fixed steps every request goes through, in order (see
// serve()). It is the one place that turns exceptions into error envelopes.
// One per worker, shared by its threads; serve() is thread-safe.
#pragma once

#include "app/context.h"
#include "http/cors.h"
#include "router/router.h"

namespace restd::app {

class Dispatcher {
  public:
    Dispatcher(const router::Router& router, Services& services);

    // Fills `res` for `req`. `req.requestId()` must be set. Never throws.
    void serve(http::Request& req, http::Response& res) const;

  private:
    void route(http::Request& req, http::Response& res, const router::Route*& matched) const;
    void fail(const http::Request& req, http::Response& res, const std::exception& e) const;

    const router::Router& router_;
    Services& services_;
    http::Cors cors_;
};

}  // namespace restd::app
