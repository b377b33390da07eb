// SPDX-License-Identifier: Apache-2.0
#include "app/db_errors.h"

#include <string>

namespace restd::app {

using http::ApiError;

ApiError apiErrorOf(const db::Error& e) {
    switch (e.kind()) {
        case db::ErrorKind::Duplicate:
            return ApiError::conflict("Resource already exists");
        case db::ErrorKind::ForeignKey:
            return ApiError::conflict("A referenced resource does not exist");
        case db::ErrorKind::Deadlock:
            return ApiError::unavailable("Database is busy, retry shortly");
        case db::ErrorKind::Unavailable:
            return ApiError::unavailable("Database unavailable, retry shortly");
        case db::ErrorKind::ReadOnly:
            return ApiError::unavailable(
                "The database accepts no writes for now (read-only), retry shortly");
        case db::ErrorKind::Timeout:
            return ApiError::unavailable("Database query took too long");
        case db::ErrorKind::SearchTimeout:
            // The search text decides the cost: the client can change it.
            return ApiError::validation(
                {{"search",
                  "This search takes longer than a list may (" + std::to_string(e.limitMs()) +
                      " ms): narrow the list with a filter, or search for other text",
                  "query"}});
        case db::ErrorKind::ListTimeout:
            return ApiError::unavailable("The list took longer than a list may (" +
                                         std::to_string(e.limitMs()) + " ms), retry shortly");
        case db::ErrorKind::BadCursor:
            return ApiError::validation(
                {{"cursor", "Invalid cursor (it must come from meta.nextCursor of the same sort)",
                  "query"}});
        case db::ErrorKind::Other:
            break;
    }
    return ApiError::internal();
}

}  // namespace restd::app
