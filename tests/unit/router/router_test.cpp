// SPDX-License-Identifier: Apache-2.0
#include "router/router.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>

#include "app/route_table.h"
#include "http/request.h"
#include "router/path_pattern.h"

using namespace restd::router;

namespace {

void noop(restd::router::Context&) {}

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

BOOST_AUTO_TEST_CASE(literal_segments_match_exactly_and_params_capture_in_order) {
    PathPattern p("/shops/{shop}/items/{item}");
    BOOST_TEST(p.paramNames().size() == 2u);
    BOOST_TEST(p.paramNames()[0] == "shop");
    BOOST_TEST(p.paramNames()[1] == "item");
    auto m = p.match("/shops/s1/items/i2");
    BOOST_REQUIRE(m);
    BOOST_REQUIRE_EQUAL(m->size(), 2u);
    BOOST_TEST((*m)[0].first == "shop");
    BOOST_TEST((*m)[0].second == "s1");
    BOOST_TEST((*m)[1].first == "item");
    BOOST_TEST((*m)[1].second == "i2");
    for (std::string_view other : {"/shops/s1/item/i2", "/shops/s1/items", "/shop/s1/items/i2",
                                   "/shops/s1/itemsx/i2", "/shops/s1/ITEMS/i2"}) {
        BOOST_TEST(!p.match(other), other);
    }
    // A pattern without params captures nothing.
    PathPattern literal("/api/v1/auth/me");
    BOOST_TEST(literal.paramNames().empty());
    BOOST_REQUIRE(literal.match("/api/v1/auth/me"));
    BOOST_TEST(literal.match("/api/v1/auth/me")->empty());
    BOOST_TEST(!literal.match("/api/v1/auth/you"));
    BOOST_TEST(literal.text() == "/api/v1/auth/me");
}

BOOST_AUTO_TEST_CASE(a_param_takes_any_non_empty_segment_as_it_is) {
    PathPattern p("/users/{id}");
    // The router matches decoded paths and decodes nothing itself: "%31"
    // is the text of a path that was "%2531" on the wire.
    for (std::string_view segment : {"7", "abc", "-1", "%31", "{id}", "..", "\u00E9", " "}) {
        auto m = p.match("/users/" + std::string(segment));
        BOOST_REQUIRE(m);
        BOOST_TEST((*m)[0].second == segment);
    }
    BOOST_TEST(!p.match("/users/"));
    // "{}" names nothing: it is a literal segment.
    PathPattern braces("/a/{}");
    BOOST_TEST(braces.paramNames().empty());
    BOOST_TEST(braces.match("/a/{}").has_value());
    BOOST_TEST(!braces.match("/a/b"));
}

BOOST_AUTO_TEST_CASE(empty_segments_match_no_param_and_no_literal) {
    PathPattern p("/api/v1/users/{id}/posts");
    BOOST_TEST(!p.match("/api/v1/users//posts"));
    BOOST_TEST(!p.match("//api/v1/users/1/posts"));
    BOOST_TEST(!p.match("/api//v1/users/1/posts"));
    BOOST_TEST(!p.match("/api/v1/users/1/posts/"));  // not normalized: one segment more
    BOOST_TEST(!p.match(""));
    PathPattern root("/");
    BOOST_TEST(root.match("/").has_value());
    BOOST_TEST(!root.match("/x"));
}

BOOST_AUTO_TEST_CASE(normalizing_removes_one_trailing_slash_only) {
    BOOST_TEST(normalizePath("/api/v1/users//") == "/api/v1/users/");
    BOOST_TEST(normalizePath("/api/v1/users/7/") == "/api/v1/users/7");
    BOOST_TEST(normalizePath("") == "");
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

BOOST_AUTO_TEST_CASE(trailing_slash_is_one_slash_and_empty_segments_are_not_found) {
    Router r(kRoutes);
    Match m = r.match(Method::Get, "/api/v1/users/7/");
    BOOST_REQUIRE(m.kind == Match::Kind::Found);
    BOOST_TEST(m.route == &kRoutes[2]);
    BOOST_TEST(m.params[0].second == "7");
    for (std::string_view path :
         {"/api/v1/users//", "/api/v1/users//posts", "/api//v1/users", "/api/v1/users/7//", ""}) {
        Match none = r.match(Method::Get, path);
        BOOST_TEST((none.kind == Match::Kind::NotFound), path);
        BOOST_TEST(none.allowed.empty(), path);
        BOOST_TEST(!none.route, path);
    }
}

BOOST_AUTO_TEST_CASE(a_percent_encoded_path_routes_by_its_decoded_text) {
    Router r(kRoutes);
    auto routed = [&](std::string_view uri) {
        auto req = restd::http::Request::fromParams(
            {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", std::string(uri)}});
        return r.match(req.method(), req.path());
    };
    Match m = routed("/api/v1/%75sers/%37");
    BOOST_REQUIRE(m.kind == Match::Kind::Found);
    BOOST_TEST(m.route == &kRoutes[2]);
    BOOST_TEST(m.params[0].second == "7");
    // Decoded once: "%2537" reaches the handler as "%37", which no id is.
    Match once = routed("/api/v1/users/%2537");
    BOOST_REQUIRE(once.kind == Match::Kind::Found);
    BOOST_TEST(once.params[0].second == "%37");
    // A path that does not decode is matched as it came: a param takes
    // its text (and the handler refuses it), a literal does not match it.
    BOOST_TEST(routed("/api/v1/users/%zz").params.at(0).second == "%zz");
    BOOST_TEST((routed("/api/v1/%zzsers").kind == Match::Kind::NotFound));
}

BOOST_AUTO_TEST_CASE(method_not_allowed_lists_the_methods_of_every_matching_route) {
    // Allow is the union over the path's routes, in a fixed order, and
    // always offers OPTIONS (the preflight); HEAD comes with GET only.
    const Route routes[] = {
        {.method = Method::Post, .path = "/jobs", .handle = noop, .doc = {}},
        {.method = Method::Get, .path = "/jobs/{id}", .handle = noop, .doc = {}},
        {.method = Method::Delete, .path = "/jobs/{id}", .handle = noop, .doc = {}},
        {.method = Method::Put, .path = "/jobs/latest", .handle = noop, .doc = {}},
    };
    Router r(routes);
    Match postOnly = r.match(Method::Get, "/jobs");
    BOOST_TEST((postOnly.kind == Match::Kind::MethodNotAllowed));
    BOOST_TEST(Router::allowHeader(postOnly.allowed) == "POST, OPTIONS");
    BOOST_TEST((r.match(Method::Head, "/jobs").kind == Match::Kind::MethodNotAllowed));
    // "/jobs/latest" is matched by a literal and a param route.
    Match both = r.match(Method::Patch, "/jobs/latest");
    BOOST_TEST((both.kind == Match::Kind::MethodNotAllowed));
    BOOST_TEST(Router::allowHeader(both.allowed) == "GET, HEAD, PUT, DELETE, OPTIONS");
    Match param = r.match(Method::Patch, "/jobs/9");
    BOOST_TEST(Router::allowHeader(param.allowed) == "GET, HEAD, DELETE, OPTIONS");
    // An unknown method and OPTIONS are not allowed either: the dispatcher
    // answers OPTIONS itself from this list.
    for (Method m : {Method::Other, Method::Options}) {
        Match other = r.match(m, "/jobs/9");
        BOOST_TEST((other.kind == Match::Kind::MethodNotAllowed));
        BOOST_TEST(Router::allowHeader(other.allowed) == "GET, HEAD, DELETE, OPTIONS");
    }
    BOOST_TEST(Router::allowHeader({}) == "");
}

BOOST_AUTO_TEST_CASE(head_is_found_only_where_get_is) {
    Router r(kRoutes);
    Match users = r.match(Method::Head, "/api/v1/users/5");
    BOOST_REQUIRE(users.kind == Match::Kind::Found);
    BOOST_TEST(users.route == &kRoutes[2]);  // the GET route
    BOOST_TEST(users.params[0].second == "5");
    const Route postOnly[] = {{.method = Method::Post, .path = "/x", .handle = noop, .doc = {}}};
    Router p(postOnly);
    BOOST_TEST((p.match(Method::Head, "/x").kind == Match::Kind::MethodNotAllowed));
}

BOOST_AUTO_TEST_CASE(the_first_route_of_the_table_that_matches_wins) {
    const Route literalFirst[] = {
        {.method = Method::Get, .path = "/users/me", .handle = noop, .doc = {}},
        {.method = Method::Get, .path = "/users/{id}", .handle = noop, .doc = {}},
    };
    Router a(literalFirst);
    BOOST_TEST(a.match(Method::Get, "/users/me").route == &literalFirst[0]);
    BOOST_TEST(a.match(Method::Get, "/users/7").route == &literalFirst[1]);

    const Route paramFirst[] = {
        {.method = Method::Get, .path = "/users/{id}", .handle = noop, .doc = {}},
        {.method = Method::Get, .path = "/users/me", .handle = noop, .doc = {}},
    };
    Router b(paramFirst);
    Match m = b.match(Method::Get, "/users/me");
    BOOST_TEST(m.route == &paramFirst[0]);
    BOOST_TEST(m.params[0].second == "me");

    // The method counts before the order: a later route of the right method
    // wins over an earlier one of another method.
    const Route mixed[] = {
        {.method = Method::Get, .path = "/users/me", .handle = noop, .doc = {}},
        {.method = Method::Put, .path = "/users/{id}", .handle = noop, .doc = {}},
    };
    Router c(mixed);
    Match put = c.match(Method::Put, "/users/me");
    BOOST_REQUIRE(put.kind == Match::Kind::Found);
    BOOST_TEST(put.route == &mixed[1]);
    BOOST_TEST(put.params[0].second == "me");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(router_route_table)

// The real table: unique method+path, every entry documented and handled.
BOOST_AUTO_TEST_CASE(entries_are_unique_documented_and_handled) {
    auto table = restd::app::routeTable();
    BOOST_REQUIRE(!table.empty());
    for (size_t i = 0; i < table.size(); ++i) {
        const Route& r = table[i];
        BOOST_TEST_CONTEXT(r.path) {
            BOOST_TEST(r.handle != nullptr);
            BOOST_TEST(!r.doc.summary.empty());
            BOOST_TEST(!r.doc.tag.empty());
            BOOST_TEST(r.path.front() == '/');
            for (size_t j = i + 1; j < table.size(); ++j) {
                BOOST_TEST(!(table[j].method == r.method && table[j].path == r.path));
            }
        }
    }
}

// The test-only routes (tests/test_routes, linked into restd-test) never
// reach the product's table: nothing under /__test/ matches.
BOOST_AUTO_TEST_CASE(the_product_table_has_no_test_route) {
    for (const Route& r : restd::app::routeTable()) {
        BOOST_TEST_CONTEXT(r.path) { BOOST_TEST(!r.path.starts_with("/__test/")); }
    }
    Router r(restd::app::routeTable());
    BOOST_TEST((r.match(Method::Post, "/__test/crash").kind == Match::Kind::NotFound));
    BOOST_TEST((r.match(Method::Get, "/__test/injectable").kind == Match::Kind::NotFound));
}

// Idempotency-Key records belong to a user: a public POST (logout among
// them) must never keep one, or each new anonymous key would be a row.
BOOST_AUTO_TEST_CASE(only_authenticated_posts_honour_idempotency_keys) {
    bool logoutSeen = false;
    for (const Route& r : restd::app::routeTable()) {
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

// Every route of the real table is found for its own method and pattern,
// never shadowed by an earlier entry.
BOOST_AUTO_TEST_CASE(every_route_is_reachable) {
    Router r(restd::app::routeTable());
    for (const Route& route : restd::app::routeTable()) {
        BOOST_TEST_CONTEXT(route.path) {
            Match m = r.match(route.method, route.path);
            BOOST_TEST((m.kind == Match::Kind::Found));
            BOOST_TEST(m.route == &route);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
