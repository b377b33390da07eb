// SPDX-License-Identifier: Apache-2.0
// Boost.Test checks shared by the integration tests: the JSON envelope of
// docs/api.md and the security header set nginx adds to every response. All are
// non-fatal (BOOST_CHECK family) and print the response on failure; wrap a
// call in BOOST_TEST_CONTEXT to say which request it was.
#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "http_client.h"

namespace restd::test {

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

// Status equals; returns whether it did.
bool checkStatus(const HttpResponse& response, long status);

// status, a JSON Content-Type, and the error envelope:
// {"success":false,"error":<non-empty string>,"code":code,"requestId":<the X-Request-ID header>}.
// Returns the parsed body for further checks.
rapidjson::Document checkError(const HttpResponse& response, long status, std::string_view code);

// status, Content-Type exactly kJsonContentType, {"success":true,"data":...}.
rapidjson::Document checkSuccess(const HttpResponse& response, long status);

// Each of X-Content-Type-Options, X-Frame-Options, Referrer-Policy,
// Content-Security-Policy and Cross-Origin-Resource-Policy exactly once with
// its value; Strict-Transport-Security (max-age=63072000) on HTTPS only; a
// Server header without version; no X-Powered-By.
void checkSecurityHeaders(const HttpResponse& response, bool https);

}  // namespace restd::test
