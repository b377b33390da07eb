#include "auth/authenticate.h"

#include <strings.h>

#include "auth/jwt.h"
#include "resources/users/repository.h"

namespace restd::auth {

using http::ApiError;

Principal authenticate(const http::Request& req, app::Services& services) {
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
    auto result = verifyToken(token, services.config.jwtSecret, now);
    if (auto* err = std::get_if<TokenError>(&result)) {
        if (*err == TokenError::Expired) {
            throw std::move(ApiError(401, "TOKEN_EXPIRED", "Access token expired")
                                .withHeader("WWW-Authenticate",
                                            "Bearer error=\"invalid_token\", "
                                            "error_description=\"expired\""));
        }
        throw ApiError::unauthorized("Invalid access token");
    }
    const Claims& claims = std::get<Claims>(result);
    auto user = services.pool.read(
        [&](db::Connection& conn) { return users::repository::findById(conn, claims.sub); });
    if (!user || user->tokenVersion != claims.ver)
        throw ApiError::unauthorized("Access token revoked");
    return Principal{std::move(*user)};
}

}  // namespace restd::auth
