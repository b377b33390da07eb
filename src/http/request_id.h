// SPDX-License-Identifier: Apache-2.0
// Request ids: the client's own X-Request-ID when it is 1-128 characters of
// [A-Za-z0-9._-] (nginx already applies the same rule and passes the result as
// the REQUEST_ID param), else a fresh 32-hex-character id. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace restd::http {

class Request;

bool isValidRequestId(std::string_view id);
std::string newRequestId();
// REQUEST_ID param, else a valid X-Request-ID header, else a new id.
std::string pickRequestId(const Request& req);

}  // namespace restd::http
