// SPDX-License-Identifier: Apache-2.0
// Route: everything restd knows about one (method, path) pair. The route table
// (app/route_table.cpp) lists them; the router matches them; the dispatcher runs
// the generic steps each entry asks for; the OpenAPI document is built from them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "validation/rules.h"

namespace restd::openapi {
struct Schema;  // openapi/schema.h: the OpenAPI document sits above the router
}

namespace restd::router {

using http::Method;

// Who may call a route: the dispatcher authenticates the caller of every
// route but None (auth/authenticate.h). Ownership (self-or-admin) is checked
// by the handler.
enum class Auth { None, User, Admin };

// Cache-Control of a successful GET (errors and writes are always no-store).
enum class Cache {
    NoStore,  // "no-store": health, anything carrying secrets
    Private,  // "private, no-cache": depends on who asks; revalidate with the ETag
    Public,   // "public, max-age=30": the same for everyone; nginx micro-caches it
};

// Whether a POST honours Idempotency-Key (idempotency.h). Routes whose
// responses carry credentials (login, refresh, register) do not: restd never
// stores tokens, so it cannot replay them. See honoursIdempotencyKey().
enum class Idempotency { Honoured, Ignored };

// Where a route's reads may go. Replica: to a replica of the read pool
// (db/read_pool.h, DB_READ_HOSTS) through Context::read(), which waits for
// the replica to apply what the primary had committed, so the answer is
// never older than the request. For GET routes whose read costs the primary
// more than the trivial statement a replica read still takes there (the
// lists: a page, a COUNT, a search); a read by primary key costs the primary
// the same either way, and twice the round trips. Every write, and every
// read of a write's unit of work, stays on the primary.
enum class Reads { Primary, Replica };

// A route on its way out (docs/api.md, "Versions, deprecation and Link"):
// every response of a route with `since` set carries Deprecation, Sunset and
// Link (router/deprecation.h), and the OpenAPI document marks it deprecated.
struct Deprecation {
    int64_t since = 0;                // Unix time it was deprecated; 0: it is not
    int64_t sunset = 0;               // Unix time it stops answering
    std::string_view successor = {};  // the path that replaces it
    explicit operator bool() const { return since != 0; }
};

struct Context;  // router/context.h
using Handler = void (*)(Context&);

// What the OpenAPI document says about a route (openapi/document.cpp). Every
// route has a summary, a tag and a `data` schema (a unit test checks).
struct RouteDoc {
    std::string_view summary;
    std::string_view tag;
    int ok = 200;                           // status of success
    std::vector<int> errors;                // statuses of the error envelopes it can answer
    const openapi::Schema* data = nullptr;  // `data` of the success envelope (one item, for lists)
    std::string_view raw = {};              // media type of a document sent without the envelope
    std::string_view description = {};
};

struct Route {
    Method method = Method::Get;
    std::string_view path;  // pattern, "/api/v1/users/{id}"
    Auth auth = Auth::None;
    const validation::BodyRules* body = nullptr;  // validated before the handler runs
    const validation::ListRules* list = nullptr;  // collection GET query
    Cache cache = Cache::NoStore;
    Idempotency idempotency = Idempotency::Honoured;
    Reads reads = Reads::Primary;
    Handler handle = nullptr;
    RouteDoc doc;
    Deprecation deprecation = {};
};

// Whether restd keeps a record for the route's Idempotency-Key: POST routes
// marked Honoured whose caller is known. On a public route (logout among
// them) the header is ignored: records are kept per user, and an anonymous
// client sending a new key each time would make restd store a row per request
// for 24 hours.
inline bool honoursIdempotencyKey(const Route& r) {
    return r.method == Method::Post && r.idempotency == Idempotency::Honoured &&
           r.auth != Auth::None;
}

}  // namespace restd::router
