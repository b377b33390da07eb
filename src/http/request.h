// SPDX-License-Identifier: Apache-2.0
// Request: one HTTP request as restd sees it, built from FastCGI params and the
// (already bounded) body. It owns copies of everything, so it outlives the
// libfcgi buffers: all param text in one block, which the params and headers
// view. Movable, not copyable. Not thread-safe; one per request.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restd::http {

enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };

Method parseMethod(std::string_view name);
std::string_view methodName(Method m);

using Params = std::vector<std::pair<std::string, std::string>>;

class Request {
  public:
    // `params` are the FastCGI params (REQUEST_METHOD, REQUEST_URI, HTTP_*...).
    static Request fromParams(const Params& params);
    // The same from a FastCGI environment: "NAME=value" strings up to a null.
    static Request fromEnvironment(const char* const* envp);

    Request() = default;
    Request(Request&&) = default;
    Request& operator=(Request&&) = default;

    Method method() const { return method_; }
    const std::string& methodText() const { return methodText_; }
    // The path without query string and with percent-escapes decoded.
    const std::string& path() const { return path_; }
    const std::string& queryString() const { return queryString_; }
    const std::string& remoteAddr() const { return remoteAddr_; }
    // Header lookup by lower-case name with dashes ("content-type").
    std::optional<std::string_view> header(std::string_view lowerName) const;
    std::optional<std::string_view> param(std::string_view name) const;  // raw FastCGI param
    // Declared CONTENT_LENGTH (0 when absent or malformed).
    size_t contentLength() const { return contentLength_; }

    const std::string& body() const { return body_; }
    std::string& mutableBody() { return body_; }

    const std::string& requestId() const { return requestId_; }
    void setRequestId(std::string id) { requestId_ = std::move(id); }

  private:
    // Builds from forEach(fn), which calls fn(name, value) for each param.
    template <class ForEach>
    static Request build(ForEach&& forEach);

    Method method_ = Method::Other;
    std::string methodText_;
    std::string path_;
    std::string queryString_;
    std::string remoteAddr_;
    size_t contentLength_ = 0;
    std::unique_ptr<char[]> text_;  // every param's name and value, then the header names
    std::vector<std::pair<std::string_view, std::string_view>> headers_;  // lower-case names
    std::vector<std::pair<std::string_view, std::string_view>> params_;
    std::string body_;
    std::string requestId_;
};

}  // namespace restd::http
