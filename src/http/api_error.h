// SPDX-License-Identifier: Apache-2.0
// ApiError: the one exception type handlers throw to end a request with an
// error envelope. The dispatcher is its only catch site; it turns the error into
// {"success":false,"error","code","details","requestId"}, with the status of
// its code (http/error_code.h).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/error_code.h"

namespace restd::http {

// One broken rule. `location` is "body", "query", "path" or "header".
struct FieldError {
    std::string field;
    std::string message;
    std::string location;
};

class ApiError : public std::runtime_error {
  public:
    ApiError(ErrorCode code, const std::string& message, std::vector<FieldError> details = {})
        : std::runtime_error(message), code_(code), details_(std::move(details)) {}

    int status() const { return http::status(code_); }
    std::string_view code() const { return http::name(code_); }
    const std::vector<FieldError>& details() const { return details_; }
    // Extra response headers (Allow, Retry-After, WWW-Authenticate).
    const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
    ApiError& withHeader(std::string name, std::string value) {
        headers_.emplace_back(std::move(name), std::move(value));
        return *this;
    }

    static ApiError validation(std::vector<FieldError> details) {
        return {ErrorCode::ValidationError, "Validation failed", std::move(details)};
    }
    static ApiError malformedBody(const std::string& message) {
        return {ErrorCode::MalformedBody, message};
    }
    static ApiError unauthorized(const std::string& message) {
        return std::move(
            ApiError(ErrorCode::Unauthorized, message).withHeader("WWW-Authenticate", "Bearer"));
    }
    static ApiError forbidden(const std::string& message) {
        return {ErrorCode::Forbidden, message};
    }
    static ApiError notFound(const std::string& message) { return {ErrorCode::NotFound, message}; }
    static ApiError conflict(const std::string& message) { return {ErrorCode::Conflict, message}; }
    static ApiError payloadTooLarge(const std::string& message) {
        return {ErrorCode::PayloadTooLarge, message};
    }
    static ApiError unsupportedMediaType(const std::string& message) {
        return {ErrorCode::UnsupportedMediaType, message};
    }
    static ApiError unavailable(const std::string& message) {
        return std::move(
            ApiError(ErrorCode::ServiceUnavailable, message).withHeader("Retry-After", "1"));
    }
    static ApiError internal() { return {ErrorCode::InternalError, "Internal server error"}; }

  private:
    ErrorCode code_;
    std::vector<FieldError> details_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace restd::http
