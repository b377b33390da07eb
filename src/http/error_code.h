// SPDX-License-Identifier: Apache-2.0
// Every `code` an error envelope can carry, with its one status. ApiError takes
// an ErrorCode, so a code missing here does not compile; the OpenAPI document's
// Error schema lists these names as an enum. The nginx-only codes are the ones
// nginx's own error map (nginx/restd-http.conf) answers with before restd sees
// the request; the integration tests check that map against this table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace restd::http {

enum class ErrorCode : std::uint8_t {
    BadRequest,
    ValidationError,
    MalformedBody,
    Unauthorized,
    TokenExpired,
    InvalidCredentials,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    IdempotencyInProgress,
    LengthRequired,
    PreconditionFailed,
    PayloadTooLarge,
    UriTooLong,
    UnsupportedMediaType,
    IdempotencyKeyMismatch,
    RateLimited,
    InternalError,
    NotImplemented,
    BadGateway,
    ServiceUnavailable,
    GatewayTimeout,
    HttpVersionNotSupported,
};

struct ErrorCodeInfo {
    ErrorCode code;
    std::string_view name;
    int status;
    bool nginxOnly;  // answered by nginx itself, never by restd
};

// In the order of the enum (checked below), which is the order of status.
inline constexpr std::array kErrorCodes{
    ErrorCodeInfo{ErrorCode::BadRequest, "BAD_REQUEST", 400, true},
    ErrorCodeInfo{ErrorCode::ValidationError, "VALIDATION_ERROR", 400, false},
    ErrorCodeInfo{ErrorCode::MalformedBody, "MALFORMED_BODY", 400, false},
    ErrorCodeInfo{ErrorCode::Unauthorized, "UNAUTHORIZED", 401, false},
    ErrorCodeInfo{ErrorCode::TokenExpired, "TOKEN_EXPIRED", 401, false},
    ErrorCodeInfo{ErrorCode::InvalidCredentials, "INVALID_CREDENTIALS", 401, false},
    ErrorCodeInfo{ErrorCode::Forbidden, "FORBIDDEN", 403, false},
    ErrorCodeInfo{ErrorCode::NotFound, "NOT_FOUND", 404, false},
    ErrorCodeInfo{ErrorCode::MethodNotAllowed, "METHOD_NOT_ALLOWED", 405, false},
    ErrorCodeInfo{ErrorCode::Conflict, "CONFLICT", 409, false},
    ErrorCodeInfo{ErrorCode::IdempotencyInProgress, "IDEMPOTENCY_IN_PROGRESS", 409, false},
    ErrorCodeInfo{ErrorCode::LengthRequired, "LENGTH_REQUIRED", 411, true},
    ErrorCodeInfo{ErrorCode::PreconditionFailed, "PRECONDITION_FAILED", 412, false},
    ErrorCodeInfo{ErrorCode::PayloadTooLarge, "PAYLOAD_TOO_LARGE", 413, false},
    ErrorCodeInfo{ErrorCode::UriTooLong, "URI_TOO_LONG", 414, true},
    ErrorCodeInfo{ErrorCode::UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", 415, false},
    ErrorCodeInfo{ErrorCode::IdempotencyKeyMismatch, "IDEMPOTENCY_KEY_MISMATCH", 422, false},
    ErrorCodeInfo{ErrorCode::RateLimited, "RATE_LIMITED", 429, false},
    ErrorCodeInfo{ErrorCode::InternalError, "INTERNAL_ERROR", 500, false},
    ErrorCodeInfo{ErrorCode::NotImplemented, "NOT_IMPLEMENTED", 501, true},
    ErrorCodeInfo{ErrorCode::BadGateway, "BAD_GATEWAY", 502, true},
    ErrorCodeInfo{ErrorCode::ServiceUnavailable, "SERVICE_UNAVAILABLE", 503, false},
    ErrorCodeInfo{ErrorCode::GatewayTimeout, "GATEWAY_TIMEOUT", 504, true},
    ErrorCodeInfo{ErrorCode::HttpVersionNotSupported, "HTTP_VERSION_NOT_SUPPORTED", 505, true},
};

constexpr bool inEnumOrder() {
    for (std::size_t i = 0; i < kErrorCodes.size(); ++i)
        if (static_cast<std::size_t>(kErrorCodes[i].code) != i) return false;
    return kErrorCodes.size() == static_cast<std::size_t>(ErrorCode::HttpVersionNotSupported) + 1;
}
static_assert(inEnumOrder(), "kErrorCodes must list every ErrorCode once, in enum order");

constexpr const ErrorCodeInfo& info(ErrorCode code) {
    return kErrorCodes[static_cast<std::size_t>(code)];
}
constexpr std::string_view name(ErrorCode code) { return info(code).name; }
constexpr int status(ErrorCode code) { return info(code).status; }

}  // namespace restd::http
