// SPDX-License-Identifier: Apache-2.0
#include "app/dispatcher.h"

#include "app/db_errors.h"
#include "app/idempotency.h"
#include "auth/authenticate.h"
#include "common/log.h"
#include "db/error.h"
#include "http/etag.h"
#include "router/deprecation.h"

namespace restd::app {

using http::ApiError;
using http::Method;

Dispatcher::Dispatcher(const router::Router& router, router::Services& services)
    : router_(router), services_(services), cors_(services.config.clientUrls) {}

Served Dispatcher::serve(http::Request& req, http::Response& res) const {
    res.reset();
    Served served;
    try {
        route(req, res, served);
    } catch (const std::exception& e) {
        fail(req, res, e);
    }
    // On errors too: a client should learn it calls a route on its way out
    // whatever the answer.
    if (served.deprecation) {
        for (const auto& [name, value] : router::deprecationHeaders(*served.deprecation))
            res.setHeader(name, value);
    }
    cors_.apply(req, res);
    res.setHeader("X-Request-ID", req.requestId());
    if (!res.header("Cache-Control")) res.setHeader("Cache-Control", "no-store");
    if (req.method() == Method::Head) res.clearBodyForHead();
    return served;
}

// Steps in order: body size (transport level, like nginx's own limit), route
// match (404, 405 with Allow), CORS preflight, body parsing (415/400), the
// bearer token (401), validation (400), handler. The caller's row (401/403)
// is checked with the handler's first statement, and in any case before an
// answer leaves: a client error found earlier still answers 401/403 first.
void Dispatcher::route(http::Request& req, http::Response& res, Served& served) const {
    if (req.contentLength() > services_.config.maxBodyBytes ||
        req.body().size() > services_.config.maxBodyBytes) {
        throw ApiError::payloadTooLarge("Request body exceeds " +
                                        std::to_string(services_.config.maxBodyBytes) + " bytes");
    }

    router::Match m = router_.match(req.method(), req.path());
    if (m.kind == router::Match::Kind::NotFound) {
        throw ApiError::notFound("Cannot " + req.methodText() + " " + req.path());
    }
    if (req.method() == Method::Options) {
        cors_.preflight(req, res, router::Router::allowHeader(m.allowed));
        return;
    }
    if (m.kind == router::Match::Kind::MethodNotAllowed) {
        throw std::move(ApiError(http::ErrorCode::MethodNotAllowed,
                                 "Method " + req.methodText() + " not allowed on " + req.path())
                            .withHeader("Allow", router::Router::allowHeader(m.allowed)));
    }
    served.route = m.route->path;
    if (m.route->deprecation) served.deprecation = &m.route->deprecation;

    http::Body body;
    bool carriesBody = req.method() == Method::Post || req.method() == Method::Put ||
                       req.method() == Method::Patch;
    if (carriesBody) {
        body = http::parseBody(req.header("content-type").value_or(""), req.body());
    }

    router::Context ctx{req, res, body, *m.route, m.params, services_, nullptr, {}, {}, {}};
    // Authentication: the token now, the caller's row with the handler's
    // first statement (or on its own: auth/authenticate.h).
    std::optional<auth::CallerCheck> caller;
    std::optional<db::Rider::Scope> riding;
    if (m.route->auth != router::Auth::None) {
        ctx.claims = auth::verifyBearer(req, services_.config.jwtKeys);
        caller.emplace(*ctx.claims, m.route->auth == router::Auth::Admin);
        ctx.caller = &*caller;
        riding.emplace(*caller);
    }
    auto noteCaller = [&] {
        if (caller && caller->principal()) served.userId = caller->principal()->id();
    };
    try {
        if (m.route->body) ctx.input = validation::validateBody(body, *m.route->body);
        if (m.route->list) ctx.list = validation::validateList(req.queryString(), *m.route->list);
        if (router::honoursIdempotencyKey(*m.route) && req.header("idempotency-key")) {
            // The record belongs to the caller: admitted before it is kept.
            int64_t userId = ctx.user().id();
            served.userId = userId;
            runOnce(ctx, idempotency::keyOf(req, userId));
            return;
        }
        m.route->handle(ctx);
        // A handler that read nothing: its caller is checked before it answers.
        if (caller) ctx.user();
    } catch (...) {
        // An error found before the caller's row was read (a bad query, id
        // or cursor) still answers 401 or 403 first.
        if (caller && !caller->arrived()) ctx.user();
        noteCaller();
        throw;
    }
    noteCaller();
    if (req.method() == Method::Get || req.method() == Method::Head) {
        finishRead(req, res, *m.route);
    }
}

// A POST with Idempotency-Key: the handler runs only for the first request
// with that key; its response, errors included, is stored for retries.
void Dispatcher::runOnce(router::Context& ctx, const idempotency::Key& key) const {
    if (!idempotency::claim(services_.pool, key, ctx.req.requestId(), ctx.res)) return;  // replayed
    try {
        ctx.route.handle(ctx);
    } catch (const std::exception& e) {
        fail(ctx.req, ctx.res, e);
    }
    idempotency::finish(services_.pool, key, ctx.res);
}

// A successful GET gets its ETag and Cache-Control; a client whose
// If-None-Match lists that tag gets 304 without the body.
void Dispatcher::finishRead(const http::Request& req, http::Response& res,
                            const router::Route& route) const {
    if (res.status() != 200) return;
    std::string tag = http::etagOf(res.body());
    res.setHeader("ETag", tag);
    switch (route.cache) {
        case router::Cache::NoStore:
            res.setHeader("Cache-Control", "no-store");
            break;
        case router::Cache::Private:
            res.setHeader("Cache-Control", "private, no-cache");
            break;
        case router::Cache::Public:
            res.setHeader("Cache-Control", "public, max-age=30");
            break;
    }
    if (auto header = req.header("if-none-match"); header && http::noneMatchHits(*header, tag)) {
        res.setStatus(304);
        res.clearBody();
    }
}

void Dispatcher::fail(const http::Request& req, http::Response& res,
                      const std::exception& e) const {
    res.reset();
    if (const auto* api = dynamic_cast<const ApiError*>(&e)) {
        res.sendError(*api, req.requestId());
        return;
    }
    if (const auto* dbe = dynamic_cast<const db::Error*>(&e)) {
        ApiError api = apiErrorOf(*dbe);
        if (api.status() >= 500) {
            log::error(
                "database error",
                {{"requestId", req.requestId()}, {"code", dbe->code()}, {"error", dbe->what()}});
        }
        res.sendError(api, req.requestId());
        return;
    }
    log::error("unhandled exception", {{"requestId", req.requestId()}, {"error", e.what()}});
    if (services_.config.appEnv == config::AppEnv::Development) {
        res.sendError(ApiError(http::ErrorCode::InternalError, e.what()), req.requestId());
    } else {
        res.sendError(ApiError::internal(), req.requestId());
    }
}

}  // namespace restd::app
