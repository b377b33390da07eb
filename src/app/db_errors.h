// SPDX-License-Identifier: Apache-2.0
// The one place a database failure becomes part of the HTTP contract: the
// dispatcher answers every db::Error that a handler lets through with
// apiErrorOf(). src/db itself knows nothing of HTTP. A resource that gives an
// error a meaning of its own (a taken email is a 409 naming `email`) catches
// it first (db::onDuplicate).
#pragma once

#include "db/error.h"
#include "http/api_error.h"

namespace restd::app {

// The envelope error for `error`. Never carries the server's message. Other
// -> 500 (the dispatcher logs it with the request id).
http::ApiError apiErrorOf(const db::Error& error);

}  // namespace restd::app
