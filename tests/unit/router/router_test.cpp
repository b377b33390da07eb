#include "router/router.h"

#include <boost/test/unit_test.hpp>

#include "router/path_pattern.h"

using namespace restd::router;

namespace {

void noop(restd::app::Context&) {}

const Route kRoutes[] = {
    {.method = Method::Get, .path = "/api/v1/users", .handle = noop, .doc = {}},
    {.method = Method::Post, .path = "/api/v1/users", .handle = noop, .doc = {}},
    {.method = Method::Get, .path = "/api/v1/users/{id}", .handle = noop, .doc = {}},
    {.method = Method::Delete, .path = "/api/v1/users/{id}", .handle = noop, .doc = {}},
    {.method = Method::Get, .path = "/api/v1/users/{id}/posts", .handle = noop, .doc = {}},
    {.method = Method::Get, .path = "/", .handle = noop, .doc = {}},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(router_path_pattern)

BOOST_AUTO_TEST_CASE(captures_named_segments) {
    PathPattern p("/api/v1/users/{id}/posts");
    auto m = p.match("/api/v1/users/42/posts");
    BOOST_REQUIRE(m);
    BOOST_REQUIRE_EQUAL(m->size(), 1u);
    BOOST_TEST((*m)[0].first == "id");
    BOOST_TEST((*m)[0].second == "42");
    BOOST_TEST(p.paramNames().size() == 1u);
}

BOOST_AUTO_TEST_CASE(rejects_extra_missing_and_empty_segments) {
    PathPattern p("/api/v1/users/{id}");
    BOOST_TEST(!p.match("/api/v1/users"));
    BOOST_TEST(!p.match("/api/v1/users/1/posts"));
    BOOST_TEST(!p.match("/api/v1/users//"));
    BOOST_TEST(!p.match("/api/v1/Users/1"));
    BOOST_TEST(!p.match("api/v1/users/1"));
}

BOOST_AUTO_TEST_CASE(normalizes_one_trailing_slash) {
    BOOST_TEST(normalizePath("/api/v1/users/") == "/api/v1/users");
    BOOST_TEST(normalizePath("/") == "/");
    BOOST_TEST(normalizePath("/health") == "/health");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(router_router)

BOOST_AUTO_TEST_CASE(matches_method_and_path) {
    Router r(kRoutes);
    Match m = r.match(Method::Delete, "/api/v1/users/7");
    BOOST_REQUIRE(m.kind == Match::Kind::Found);
    BOOST_TEST(m.route == &kRoutes[3]);
    BOOST_TEST(m.params[0].second == "7");
}

BOOST_AUTO_TEST_CASE(accepts_trailing_slash) {
    Router r(kRoutes);
    BOOST_TEST(r.match(Method::Get, "/api/v1/users/").route == &kRoutes[0]);
    BOOST_TEST(r.match(Method::Get, "/").route == &kRoutes[5]);
}

BOOST_AUTO_TEST_CASE(head_uses_the_get_route) {
    Router r(kRoutes);
    Match m = r.match(Method::Head, "/api/v1/users/1/posts");
    BOOST_TEST(m.route == &kRoutes[4]);
}

BOOST_AUTO_TEST_CASE(unknown_path_is_not_found) {
    Router r(kRoutes);
    Match m = r.match(Method::Get, "/api/v1/nope");
    BOOST_TEST((m.kind == Match::Kind::NotFound));
    BOOST_TEST(m.allowed.empty());
}

BOOST_AUTO_TEST_CASE(paths_deeper_than_any_route_or_without_a_leading_slash_are_not_found) {
    Router r(kRoutes);
    std::string deep = "/api/v1/users/7";
    for (size_t i = 0; i < PathSegments::kMax; ++i) deep += "/x";
    BOOST_TEST((r.match(Method::Get, deep).kind == Match::Kind::NotFound));
    BOOST_TEST((r.match(Method::Get, "api/v1/users/7").kind == Match::Kind::NotFound));
    BOOST_TEST(!PathSegments::split(deep));
    auto split = PathSegments::split("/a//b");
    BOOST_REQUIRE(split);
    BOOST_TEST(split->size() == 3u);
    BOOST_TEST((*split)[1].empty());
}

BOOST_AUTO_TEST_CASE(known_path_with_wrong_method_lists_allowed_methods) {
    Router r(kRoutes);
    Match m = r.match(Method::Put, "/api/v1/users/3");
    BOOST_TEST((m.kind == Match::Kind::MethodNotAllowed));
    BOOST_TEST(Router::allowHeader(m.allowed) == "GET, HEAD, DELETE, OPTIONS");
    Match collection = r.match(Method::Patch, "/api/v1/users");
    BOOST_TEST(Router::allowHeader(collection.allowed) == "GET, HEAD, POST, OPTIONS");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(router_route_table)

// The real table: unique method+path, every entry documented and handled.
BOOST_AUTO_TEST_CASE(entries_are_unique_documented_and_handled) {
    auto table = routeTable();
    BOOST_REQUIRE(!table.empty());
    for (size_t i = 0; i < table.size(); ++i) {
        const Route& r = table[i];
        BOOST_TEST_CONTEXT(r.path) {
            BOOST_TEST(r.handle != nullptr);
            BOOST_TEST(!r.doc.summary.empty());
            BOOST_TEST(!r.doc.tag.empty());
            BOOST_TEST(r.path.front() == '/');
            // A handler-loaded caller is admitted only after the handler has
            // read: fine for reads, but an Idempotency-Key (scoped to the
            // caller) must know the caller before a write runs.
            if (r.callerLoad == CallerLoad::Handler) {
                BOOST_TEST((r.method == Method::Get && r.auth != Auth::None));
            }
            for (size_t j = i + 1; j < table.size(); ++j) {
                BOOST_TEST(!(table[j].method == r.method && table[j].path == r.path));
            }
        }
    }
}

// Idempotency-Key records belong to a user: a public POST (logout among
// them) must never keep one, or each new anonymous key would be a row.
BOOST_AUTO_TEST_CASE(only_authenticated_posts_honour_idempotency_keys) {
    bool logoutSeen = false;
    for (const Route& r : routeTable()) {
        BOOST_TEST_CONTEXT(r.path) {
            if (r.auth == Auth::None) BOOST_TEST(!honoursIdempotencyKey(r));
            if (r.method != Method::Post) BOOST_TEST(!honoursIdempotencyKey(r));
            if (r.path == "/api/v1/auth/logout") {
                logoutSeen = true;
                BOOST_TEST(!honoursIdempotencyKey(r));
            }
            if (r.path == "/api/v1/posts" && r.method == Method::Post) {
                BOOST_TEST(honoursIdempotencyKey(r));
            }
        }
    }
    BOOST_TEST(logoutSeen);
}

BOOST_AUTO_TEST_SUITE_END()
