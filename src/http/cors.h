// SPDX-License-Identifier: Apache-2.0
// Cors: the CORS policy of docs/api.md. Allowed origins come from CLIENT_URL; an
// allowed Origin is echoed with credentials allowed, a disallowed one gets no
// CORS header at all. Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace restd::http {

class Cors {
  public:
    explicit Cors(std::vector<std::string> allowedOrigins);

    bool allows(std::string_view origin) const;
    // Headers for an actual (non-preflight) response.
    void apply(const Request& req, Response& res) const;
    // A preflight answer for a known path: 204 with Allow and, for an allowed
    // origin, the Access-Control-Allow-* headers.
    void preflight(const Request& req, Response& res, const std::string& allowedMethods) const;

  private:
    std::vector<std::string> origins_;
};

}  // namespace restd::http
