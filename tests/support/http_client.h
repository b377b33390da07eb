// SPDX-License-Identifier: Apache-2.0
// HTTP client of the integration tests: libcurl, one easy handle (and one
// connection) per request, so every request is independent of the last.
// Tests talk to nginx only, over plain HTTP or TLS (the stack's self-signed
// certificate is accepted), never through a proxy. Responses keep every header
// of the final response in arrival order; lookups ignore the case of the name.
// Also: JSON helpers that never assert inside RapidJSON (a missing member is a
// test failure, not an abort). Thread-safe: no shared state after the first
// call initialises libcurl.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restd::test {

struct HttpResponse {
    long status = 0;  // 0 when the transfer failed (see error)
    std::vector<std::pair<std::string, std::string>> headers;  // final response, arrival order
    std::string body;
    std::string httpVersion;  // "1.0", "1.1", "2" or "3"
    std::string error;        // curl's message when the transfer failed

    bool completed() const { return status != 0; }
    // First value of the header, if present.
    std::optional<std::string> header(std::string_view name) const;
    // Every value of the header, in arrival order (one per header line).
    std::vector<std::string> headerValues(std::string_view name) const;
    bool hasHeader(std::string_view name) const { return header(name).has_value(); }
    // True when a comma-separated list header (Vary, Allow, ...) holds the token,
    // over all lines of that header, ignoring case.
    bool headerHasToken(std::string_view name, std::string_view token) const;
    // "HTTP/1.1 404 <body, cut>" or "transfer failed: <error>", for failure messages.
    std::string summary() const;
};

struct RequestOptions {
    bool http2 = false;  // negotiate HTTP/2 over TLS (ALPN); otherwise HTTP/1.1
    long timeoutSeconds = 30;
    // Local IPv4 address to send from (e.g. "127.0.0.7"); empty: the system's
    // choice. Any 127.0.0.0/8 address works on loopback, so a test can get its
    // own nginx limit_req bucket (keyed on the client address).
    std::string sourceAddress = {};
};

// Sends one request. headers are "Name: value" lines ("Name:" removes a header
// curl would add). A body is sent as is; curl's default form Content-Type is
// never added (pass the Content-Type you mean). HEAD reads no body.
HttpResponse request(std::string_view method, const std::string& url,
                     const std::vector<std::string>& headers = {}, const std::string& body = {},
                     const RequestOptions& options = {});

inline HttpResponse get(const std::string& url, const std::vector<std::string>& headers = {},
                        const RequestOptions& options = {}) {
    return request("GET", url, headers, {}, options);
}

// Sends `bytes` exactly as given over a fresh plain connection to `baseUrl`
// ("http://127.0.0.1:PORT") and reads until the server closes the connection
// or `timeoutSeconds` pass: for requests curl refuses to send (a bad request
// line, a NUL escape, a header twice). Send "Connection: close". The status,
// headers and body of the first response are parsed; status 0 and `error`
// when there is none.
HttpResponse rawRequest(const std::string& baseUrl, const std::string& bytes,
                        int timeoutSeconds = 10);

// Parses a body; check HasParseError() (or use the accessors below, which
// treat a parse error as "missing").
rapidjson::Document json(const std::string& body);

// Value at a dotted path ("data.status"; array elements by index: "data.0.id"),
// or nullptr when any step is missing or of the wrong type.
const rapidjson::Value* jsonAt(const rapidjson::Value& root, std::string_view path);
// The pointer would outlive a temporary document: keep the document in a variable.
const rapidjson::Value* jsonAt(const rapidjson::Document&& root, std::string_view path) = delete;
// The string at path, or "<missing>" / "<not a string: ...>" so that an
// equality check fails with a readable message.
std::string jsonString(const rapidjson::Value& root, std::string_view path);
// Compact serialisation, for messages.
std::string jsonDump(const rapidjson::Value& value);

bool iequals(std::string_view a, std::string_view b);

}  // namespace restd::test
