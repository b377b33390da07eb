// SPDX-License-Identifier: Apache-2.0
// ApiError: the one exception type handlers throw to end a request with an
// error envelope. The dispatcher is its only catch site; it turns the error into
// {"success":false,"error","code","details","requestId"} with the given status.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace restd::http {

// One broken rule. `location` is "body", "query", "path" or "header".
struct FieldError {
    std::string field;
    std::string message;
    std::string location;
};

class ApiError : public std::runtime_error {
  public:
    ApiError(int status, std::string code, const std::string& message,
             std::vector<FieldError> details = {})
        : std::runtime_error(message),
          status_(status),
          code_(std::move(code)),
          details_(std::move(details)) {}

    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const std::vector<FieldError>& details() const { return details_; }
    // Extra response headers (Allow, Retry-After, WWW-Authenticate).
    const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
    ApiError& withHeader(std::string name, std::string value) {
        headers_.emplace_back(std::move(name), std::move(value));
        return *this;
    }

    static ApiError validation(std::vector<FieldError> details) {
        return {400, "VALIDATION_ERROR", "Validation failed", std::move(details)};
    }
    static ApiError malformedBody(const std::string& message) {
        return {400, "MALFORMED_BODY", message};
    }
    static ApiError unauthorized(const std::string& message) {
        return std::move(
            ApiError(401, "UNAUTHORIZED", message).withHeader("WWW-Authenticate", "Bearer"));
    }
    static ApiError forbidden(const std::string& message) { return {403, "FORBIDDEN", message}; }
    static ApiError notFound(const std::string& message) { return {404, "NOT_FOUND", message}; }
    static ApiError conflict(const std::string& message) { return {409, "CONFLICT", message}; }
    static ApiError payloadTooLarge(const std::string& message) {
        return {413, "PAYLOAD_TOO_LARGE", message};
    }
    static ApiError unsupportedMediaType(const std::string& message) {
        return {415, "UNSUPPORTED_MEDIA_TYPE", message};
    }
    static ApiError unavailable(const std::string& message) {
        return std::move(
            ApiError(503, "SERVICE_UNAVAILABLE", message).withHeader("Retry-After", "1"));
    }
    static ApiError internal() { return {500, "INTERNAL_ERROR", "Internal server error"}; }

  private:
    int status_;
    std::string code_;
    std::vector<FieldError> details_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace restd::http
