// SPDX-License-Identifier: Apache-2.0
#include "http/cors.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "app/route_table.h"
#include "router/router.h"

using namespace restd::http;

namespace {

const Cors kCors({"http://ok.example", "https://app.example:8443"});

Request request(std::string_view method, std::string_view origin = {}) {
    Params params = {{"REQUEST_METHOD", std::string(method)}, {"REQUEST_URI", "/api/v1/posts/1"}};
    if (!origin.empty()) params.emplace_back("HTTP_ORIGIN", std::string(origin));
    return Request::fromParams(params);
}

// The names of the Access-Control-* headers of a response, lower-cased.
std::vector<std::string> corsHeaders(const Response& res) {
    std::vector<std::string> out;
    for (const auto& [name, value] : res.headers()) {
        std::string lower;
        for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower.starts_with("access-control-")) out.push_back(lower);
    }
    return out;
}

// The comma-separated items of a header value.
std::vector<std::string> items(std::string_view value) {
    std::vector<std::string> out;
    while (!value.empty()) {
        size_t comma = value.find(',');
        std::string_view item = value.substr(0, comma);
        while (item.starts_with(' ')) item.remove_prefix(1);
        out.emplace_back(item);
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    }
    return out;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_cors)

BOOST_AUTO_TEST_CASE(only_listed_origins_are_allowed_exactly) {
    BOOST_TEST(kCors.allows("http://ok.example"));
    BOOST_TEST(kCors.allows("https://app.example:8443"));
    for (std::string_view other :
         {"https://ok.example", "http://ok.example/", "http://ok.example:80", "HTTP://OK.EXAMPLE",
          "http://evil.ok.example", "http://ok.example.evil", "https://app.example", "null", "*",
          ""}) {
        BOOST_TEST(!kCors.allows(other), other);
    }
    // No CLIENT_URL: no origin at all.
    const Cors none({});
    BOOST_TEST(!none.allows(""));
    BOOST_TEST(!none.allows("http://ok.example"));
}

BOOST_AUTO_TEST_CASE(an_allowed_origin_is_echoed_with_credentials) {
    for (std::string_view origin : {"http://ok.example", "https://app.example:8443"}) {
        Response res;
        kCors.apply(request("GET", origin), res);
        BOOST_TEST(res.header("Access-Control-Allow-Origin").value_or("") == origin);
        BOOST_TEST(res.header("Access-Control-Allow-Credentials").value_or("") == "true");
        BOOST_TEST(res.header("Vary").value_or("") == "Origin");
        // A browser script may read these response headers.
        auto exposed = items(res.header("Access-Control-Expose-Headers").value_or(""));
        for (std::string_view name : {"ETag", "Location", "X-Request-ID", "Retry-After",
                                      "Idempotent-Replayed", "Deprecation", "Sunset", "Link"}) {
            BOOST_TEST(contains(exposed, name), name);
        }
        // Not a preflight: no method, header or max-age answers.
        BOOST_TEST(!res.header("Access-Control-Allow-Methods"));
        BOOST_TEST(!res.header("Access-Control-Max-Age"));
    }
}

BOOST_AUTO_TEST_CASE(a_disallowed_or_missing_origin_gets_vary_and_nothing_else) {
    for (std::string_view origin : {"http://evil.example", "null", ""}) {
        Response res;
        kCors.apply(request("POST", origin), res);
        BOOST_TEST(corsHeaders(res).empty(), origin);
        // The answer still depends on Origin: a cache must not serve it to an allowed one.
        BOOST_TEST(res.header("Vary").value_or("") == "Origin", origin);
    }
}

BOOST_AUTO_TEST_CASE(a_preflight_from_an_allowed_origin_answers_204_with_the_methods) {
    Response res;
    kCors.preflight(request("OPTIONS", "http://ok.example"), res, "GET, HEAD, PUT, OPTIONS");
    BOOST_TEST(res.status() == 204);
    BOOST_TEST(res.body().empty());
    BOOST_TEST(!res.contentLength());
    BOOST_TEST(res.header("Allow").value_or("") == "GET, HEAD, PUT, OPTIONS");
    BOOST_TEST(res.header("Access-Control-Allow-Methods").value_or("") ==
               "GET, HEAD, PUT, OPTIONS");
    BOOST_TEST(res.header("Access-Control-Allow-Origin").value_or("") == "http://ok.example");
    BOOST_TEST(res.header("Access-Control-Allow-Credentials").value_or("") == "true");
    BOOST_TEST(res.header("Access-Control-Max-Age").value_or("") == "600");
    BOOST_TEST(res.header("Vary").value_or("") == "Origin");
    auto headers = items(res.header("Access-Control-Allow-Headers").value_or(""));
    for (std::string_view name : {"Authorization", "Content-Type", "If-Match", "If-None-Match",
                                  "X-Request-ID", "Idempotency-Key"}) {
        BOOST_TEST(contains(headers, name), name);
    }
}

BOOST_AUTO_TEST_CASE(a_preflight_from_a_disallowed_origin_gets_no_cors_headers) {
    for (std::string_view origin : {"http://evil.example", ""}) {
        Response res;
        kCors.preflight(request("OPTIONS", origin), res, "GET, HEAD, OPTIONS");
        BOOST_TEST(res.status() == 204, origin);
        BOOST_TEST(res.header("Allow").value_or("") == "GET, HEAD, OPTIONS", origin);
        BOOST_TEST(res.header("Vary").value_or("") == "Origin", origin);
        BOOST_TEST(corsHeaders(res).empty(), origin);
    }
}

// The methods a preflight offers are those of the path in the route table:
// every route's method is among them, for each path.
BOOST_AUTO_TEST_CASE(a_preflight_offers_the_method_of_every_route_of_the_path) {
    restd::router::Router router(restd::app::routeTable());
    for (const restd::router::Route& route : router.routes()) {
        // The pattern itself is a path its {params} match.
        std::string path(route.path);
        restd::router::Match m = router.match(Method::Options, path);
        BOOST_TEST_CONTEXT(path) {
            BOOST_REQUIRE((m.kind == restd::router::Match::Kind::MethodNotAllowed));
            Response res;
            kCors.preflight(request("OPTIONS", "http://ok.example"), res,
                            restd::router::Router::allowHeader(m.allowed));
            auto methods = items(res.header("Access-Control-Allow-Methods").value_or(""));
            BOOST_TEST(contains(methods, methodName(route.method)));
            BOOST_TEST(contains(methods, "OPTIONS"));
            BOOST_TEST(contains(methods, "HEAD") == contains(methods, "GET"));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
