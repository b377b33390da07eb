// SPDX-License-Identifier: Apache-2.0
// The request pipeline as pure code: a Dispatcher over a test route table,
// fed with FastCGI-style params. There is no database: the pool's socket
// does not exist, so a request that needs its caller's row gets 503.
#include "app/dispatcher.h"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>

#include "auth/jwt.h"
#include "router/context.h"

using namespace restd;
using http::Method;

namespace {

int gEchoCalls = 0;

// Echoes what the body parser produced, so tests can see it.
void echo(router::Context& ctx) {
    ++gEchoCalls;
    int64_t id = ctx.params.empty() ? 0 : ctx.pathId();
    ctx.res.sendData(200, [&](http::JsonWriter& w) {
        w.StartObject();
        w.Key("kind");
        w.Int(static_cast<int>(ctx.body.kind));
        w.Key("fields");
        w.Int(static_cast<int>(ctx.body.fields.size()));
        w.Key("id");
        w.Int64(id);
        w.EndObject();
    });
}

void boom(router::Context&) { throw std::runtime_error("secret detail /src/x.cpp"); }

// An authenticated route whose handler reads nothing: the dispatcher must
// still read the caller's row before the answer leaves.
void readsNothing(router::Context& ctx) {
    ctx.res.sendData(200, [](http::JsonWriter& w) { w.String("secret"); });
}

const validation::FieldRule kNameFields[] = {
    {.name = "name", .kind = validation::Kind::Text, .required = true, .min = 1}};
const validation::BodyRules kNameRules{kNameFields};

const router::Route kRoutes[] = {
    {.method = Method::Post, .path = "/things", .handle = echo, .doc = {}},
    {.method = Method::Get, .path = "/things/{id}", .handle = echo, .doc = {}},
    {.method = Method::Get, .path = "/boom", .handle = boom, .doc = {}},
    {.method = Method::Get,
     .path = "/reads-nothing",
     .auth = router::Auth::User,
     .handle = readsNothing,
     .doc = {}},
    {.method = Method::Post,
     .path = "/reads-nothing/{id}",
     .auth = router::Auth::Admin,
     .body = &kNameRules,
     .handle = readsNothing,
     .doc = {}},
};

struct Fixture {
    config::Config config = [] {
        config::Config c;
        c.maxBodyBytes = 128;
        c.appEnv = config::AppEnv::Production;
        c.clientUrls = {"http://ok.example"};
        c.jwtKeys = common::KeySet("dispatcher-test-secret");
        c.db.socket = "/nonexistent/restd-dispatcher-test.sock";
        c.db.poolWaitMs = 10;
        return c;
    }();
    db::Pool pool{config.db};
    router::Services services{config, pool, {}, {}};
    router::Router router{kRoutes};
    app::Dispatcher dispatcher{router, services};
    http::Response res;

    rapidjson::Document send(std::string method, std::string uri, std::string contentType = "",
                             std::string body = "", http::Params extra = {}) {
        http::Params p = {{"REQUEST_METHOD", method},
                          {"REQUEST_URI", uri},
                          {"CONTENT_LENGTH", std::to_string(body.size())}};
        if (!contentType.empty()) p.emplace_back("CONTENT_TYPE", contentType);
        for (auto& e : extra) p.push_back(e);
        http::Request req = http::Request::fromParams(p);
        req.mutableBody() = body;
        req.setRequestId("rid");
        dispatcher.serve(req, res);
        rapidjson::Document d;
        if (!res.body().empty()) d.Parse(res.body().data(), res.body().size());
        return d;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(app_dispatcher, Fixture)

// A token for user 7 at token version 3.
http::Params bearer(const config::Config& config, http::Params more = {}) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    std::string token = auth::signToken({7, "user", 3, now, now + 60}, config.jwtKeys);
    more.emplace_back("HTTP_AUTHORIZATION", "Bearer " + token);
    return more;
}

BOOST_AUTO_TEST_CASE(a_missing_token_is_refused_before_the_handler_runs) {
    send("GET", "/reads-nothing");
    BOOST_TEST(res.status() == 401);
    BOOST_TEST(res.body().find("secret") == std::string::npos);
}

// No handler can answer for a caller whose row was not read: here it cannot
// be (no database), so the handler's answer never leaves.
BOOST_AUTO_TEST_CASE(a_handler_that_reads_nothing_still_waits_for_its_callers_row) {
    send("GET", "/reads-nothing", "", "", bearer(config));
    BOOST_TEST(res.status() == 503);
    BOOST_TEST(res.body().find("secret") == std::string::npos);
}

// A client error found before the caller's row was read (a bad id, a bad
// body) is answered only after the row: the caller's 401/403 comes first.
BOOST_AUTO_TEST_CASE(client_errors_wait_for_the_callers_row_too) {
    send("POST", "/reads-nothing/x", "application/json", "{}", bearer(config));
    BOOST_TEST(res.status() == 503);
    send("POST", "/reads-nothing/1", "application/json", R"({"name":""})", bearer(config));
    BOOST_TEST(res.status() == 503);
}

BOOST_AUTO_TEST_CASE(unknown_path_is_404_naming_method_and_path) {
    auto d = send("DELETE", "/nope?x=1");
    BOOST_TEST(res.status() == 404);
    BOOST_TEST(d["error"].GetString() == std::string("Cannot DELETE /nope"));
    BOOST_TEST(d["requestId"].GetString() == std::string("rid"));
    BOOST_TEST(res.header("X-Request-ID").value_or("") == "rid");
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
    auto d = send("PUT", "/things/1");
    BOOST_TEST(res.status() == 405);
    BOOST_TEST(d["code"].GetString() == std::string("METHOD_NOT_ALLOWED"));
    BOOST_TEST(res.header("Allow").value_or("") == "GET, HEAD, OPTIONS");
}

BOOST_AUTO_TEST_CASE(unknown_method_on_known_path_is_405) {
    send("TRACE", "/things/1");
    BOOST_TEST(res.status() == 405);
}

BOOST_AUTO_TEST_CASE(head_runs_the_get_handler_without_body) {
    send("HEAD", "/things/9");
    BOOST_TEST(res.status() == 200);
    BOOST_TEST(res.body().empty());
}

BOOST_AUTO_TEST_CASE(path_id_must_be_a_positive_integer) {
    for (std::string bad : {"0", "-1", "abc", "1e3", "99999999999999999999", "1.5"}) {
        BOOST_TEST_CONTEXT(bad) {
            auto d = send("GET", "/things/" + bad);
            BOOST_TEST(res.status() == 400);
            BOOST_TEST(d["code"].GetString() == std::string("VALIDATION_ERROR"));
            BOOST_TEST(d["details"][0]["location"].GetString() == std::string("path"));
        }
    }
    auto ok = send("GET", "/things/42/");
    BOOST_TEST(ok["data"]["id"].GetInt64() == 42);
}

BOOST_AUTO_TEST_CASE(json_body_is_parsed) {
    auto d = send("POST", "/things", "application/json", R"({"a":1})");
    BOOST_TEST(res.status() == 200);
    BOOST_TEST(d["data"]["kind"].GetInt() == static_cast<int>(http::Body::Kind::Json));
}

BOOST_AUTO_TEST_CASE(form_bodies_become_fields) {
    auto d = send("POST", "/things", "application/x-www-form-urlencoded", "a=1&b=2");
    BOOST_TEST(d["data"]["fields"].GetInt() == 2);
}

BOOST_AUTO_TEST_CASE(other_media_type_is_415) {
    auto d = send("POST", "/things", "text/plain", "hello");
    BOOST_TEST(res.status() == 415);
    BOOST_TEST(d["code"].GetString() == std::string("UNSUPPORTED_MEDIA_TYPE"));
}

BOOST_AUTO_TEST_CASE(malformed_and_too_deep_json_are_400_malformed_body) {
    auto d = send("POST", "/things", "application/json", "{\"a\":");
    BOOST_TEST(res.status() == 400);
    BOOST_TEST(d["code"].GetString() == std::string("MALFORMED_BODY"));
    std::string deep = std::string(33, '[') + std::string(33, ']');
    d = send("POST", "/things", "application/json", deep);
    BOOST_TEST(d["code"].GetString() == std::string("MALFORMED_BODY"));
}

BOOST_AUTO_TEST_CASE(body_over_the_limit_is_413_before_routing) {
    int before = gEchoCalls;
    auto d = send("POST", "/things", "application/json", std::string(129, ' '));
    BOOST_TEST(res.status() == 413);
    BOOST_TEST(d["code"].GetString() == std::string("PAYLOAD_TOO_LARGE"));
    BOOST_TEST(gEchoCalls == before);
}

BOOST_AUTO_TEST_CASE(unexpected_exception_is_a_generic_500_in_production) {
    auto d = send("GET", "/boom");
    BOOST_TEST(res.status() == 500);
    BOOST_TEST(d["code"].GetString() == std::string("INTERNAL_ERROR"));
    BOOST_TEST(res.body().find("secret") == std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(preflight_from_allowed_origin_gets_cors_headers) {
    send("OPTIONS", "/things/1", "", "",
         {{"HTTP_ORIGIN", "http://ok.example"}, {"HTTP_ACCESS_CONTROL_REQUEST_METHOD", "GET"}});
    BOOST_TEST(res.status() == 204);
    BOOST_TEST(res.header("Access-Control-Allow-Origin").value_or("") == "http://ok.example");
    BOOST_TEST(res.header("Access-Control-Allow-Methods").value_or("") == "GET, HEAD, OPTIONS");
    BOOST_TEST(res.header("Access-Control-Max-Age").value_or("") == "600");
    BOOST_TEST(res.header("Access-Control-Allow-Headers").value_or("").find("If-Match") !=
               std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(disallowed_origin_gets_no_cors_headers) {
    send("GET", "/things/1", "", "", {{"HTTP_ORIGIN", "http://evil.example"}});
    BOOST_TEST(res.status() == 200);
    BOOST_TEST(!res.header("Access-Control-Allow-Origin"));
    send("OPTIONS", "/things/1", "", "", {{"HTTP_ORIGIN", "http://evil.example"}});
    BOOST_TEST(!res.header("Access-Control-Allow-Origin"));
}

BOOST_AUTO_TEST_CASE(allowed_origin_is_echoed_with_credentials_on_errors_too) {
    send("GET", "/missing", "", "", {{"HTTP_ORIGIN", "http://ok.example"}});
    BOOST_TEST(res.status() == 404);
    BOOST_TEST(res.header("Access-Control-Allow-Origin").value_or("") == "http://ok.example");
    BOOST_TEST(res.header("Access-Control-Allow-Credentials").value_or("") == "true");
    BOOST_TEST(res.header("Vary").value_or("") == "Origin");
}

BOOST_AUTO_TEST_CASE(options_on_unknown_path_is_404) {
    send("OPTIONS", "/missing");
    BOOST_TEST(res.status() == 404);
}

BOOST_AUTO_TEST_SUITE_END()
