#include "auth/authenticate.h"

#include <strings.h>

#include "auth/verified_tokens.h"
#include "resources/users/repository.h"

namespace restd::auth {

using http::ApiError;

namespace {

// verifyToken() through this thread's cache: a token verified before skips
// the signature and the parsing, never the clock.
std::variant<Claims, TokenError> verifyRemembered(std::string_view token, std::string_view secret,
                                                  int64_t now) {
    thread_local VerifiedTokens verified;
    if (const Claims* known = verified.find(token, secret)) {
        if (auto err = checkTimes(*known, now)) return *err;
        return *known;
    }
    auto result = verifyToken(token, secret, now);
    if (auto* claims = std::get_if<Claims>(&result)) verified.remember(token, secret, *claims);
    return result;
}

}  // namespace

Claims verifyBearer(const http::Request& req, const config::Config& config) {
    auto header = req.header("authorization");
    if (!header) throw ApiError::unauthorized("Authentication required");
    std::string_view h = *header;
    if (h.size() < 7 || strncasecmp(h.data(), "Bearer ", 7) != 0)
        throw ApiError::unauthorized("Authorization must be a Bearer token");
    std::string_view token = h.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);

    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auto result = verifyRemembered(token, config.jwtSecret, now);
    if (auto* err = std::get_if<TokenError>(&result)) {
        if (*err == TokenError::Expired) {
            throw std::move(ApiError(401, "TOKEN_EXPIRED", "Access token expired")
                                .withHeader("WWW-Authenticate",
                                            "Bearer error=\"invalid_token\", "
                                            "error_description=\"expired\""));
        }
        throw ApiError::unauthorized("Invalid access token");
    }
    return std::get<Claims>(std::move(result));
}

Principal admit(const Claims& claims, std::optional<users::CallerRow> caller) {
    if (!caller || caller->id != claims.sub || caller->tokenVersion != claims.ver)
        throw ApiError::unauthorized("Access token revoked");
    return Principal{caller->id, std::move(caller->role)};
}

std::optional<users::CallerRow> loadCaller(const Claims& claims, app::Services& services) {
    return services.pool.read(
        [&](db::Connection& conn) { return users::repository::findCaller(conn, claims.sub); });
}

Principal authenticate(const http::Request& req, app::Services& services) {
    Claims claims = verifyBearer(req, services.config);
    return admit(claims, loadCaller(claims, services));
}

}  // namespace restd::auth
