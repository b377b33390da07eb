// SPDX-License-Identifier: Apache-2.0
// Foundation behaviour through nginx: operational endpoints, routing errors,
// request ids, security headers, body limits, CORS, and the process model's
// resilience (a killed worker, a database outage). docs/api.md is the contract.
#include <signal.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../support/checks.h"
#include "../support/fcgi_client.h"
#include "../support/http_client.h"
#include "../support/restd_control.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace std::chrono_literals;

namespace {

HttpResponse send(std::string_view method, std::string_view path,
                  const std::vector<std::string>& headers = {}, const std::string& body = {}) {
    return request(method, stack().url(path), headers, body);
}

const std::vector<std::string> kJsonHeader = {"Content-Type: application/json"};

// A JSON string document of exactly size bytes.
std::string jsonBodyOfSize(size_t size) { return '"' + std::string(size - 2, 'a') + '"'; }

constexpr size_t kNginxLimit = 1024 * 1024;  // client_max_body_size of the stack
constexpr size_t kRestdLimit = 65536;        // MAX_BODY_BYTES of kTestSettings

bool isGeneratedRequestId(const std::string& id) {
    return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// Seconds since the epoch of "2026-11-22T23:34:45.123Z", or -1 when the text
// is not exactly that shape. (No std::regex: GCC 12 warns inside it under ASan.)
long long parseIsoMillis(const std::string& text) {
    constexpr std::string_view kShape = "0000-00-00T00:00:00.000Z";  // 0: a digit
    if (text.size() != kShape.size()) return -1;
    for (size_t i = 0; i < kShape.size(); ++i) {
        bool ok = kShape[i] == '0' ? (text[i] >= '0' && text[i] <= '9') : text[i] == kShape[i];
        if (!ok) return -1;
    }
    auto number = [&text](size_t pos, size_t len) { return std::stoi(text.substr(pos, len)); };
    std::tm tm{};
    tm.tm_year = number(0, 4) - 1900;
    tm.tm_mon = number(5, 2) - 1;
    tm.tm_mday = number(8, 2);
    tm.tm_hour = number(11, 2);
    tm.tm_min = number(14, 2);
    tm.tm_sec = number(17, 2);
    return static_cast<long long>(timegm(&tm));
}

// 200 {"success":true,"data":{"status":"healthy","timestamp","uptime","version"}}
void checkHealth(const HttpResponse& response) {
    rapidjson::Document body = checkSuccess(response, 200);
    BOOST_CHECK_EQUAL(jsonString(body, "data.status"), "healthy");

    std::string timestamp = jsonString(body, "data.timestamp");
    long long seconds = parseIsoMillis(timestamp);
    BOOST_CHECK_MESSAGE(seconds >= 0, "timestamp is not ISO 8601 UTC with ms: " << timestamp);
    if (seconds >= 0) {
        long long skew = seconds - static_cast<long long>(std::time(nullptr));
        BOOST_CHECK_MESSAGE(skew > -300 && skew < 300,
                            "timestamp " << timestamp << " is " << skew << " s off the clock");
    }

    const rapidjson::Value* uptime = jsonAt(body, "data.uptime");
    BOOST_CHECK_MESSAGE(uptime != nullptr && uptime->IsNumber() && uptime->GetDouble() >= 0,
                        "uptime is not a number >= 0: " << response.summary());
    const rapidjson::Value* version = jsonAt(body, "data.version");
    BOOST_CHECK_MESSAGE(version != nullptr && version->IsString() && version->GetStringLength() > 0,
                        "version is not a non-empty string: " << response.summary());
}

std::string pidList(const std::vector<pid_t>& pids) {
    std::string text = "[";
    for (pid_t pid : pids) text += (text.size() > 1 ? " " : "") + std::to_string(pid);
    return text + "]";
}

bool healthOk() {
    HttpResponse response = send("GET", "/health");
    if (response.status != 200) return false;
    rapidjson::Document body = json(response.body);
    const rapidjson::Value* success = jsonAt(body, "success");
    return success != nullptr && success->IsTrue();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(health)

BOOST_AUTO_TEST_CASE(health_over_http_is_200_with_status_timestamp_uptime_and_version) {
    checkHealth(send("GET", "/health"));
}

BOOST_AUTO_TEST_CASE(health_over_https_negotiates_http2_and_has_the_same_shape) {
    HttpResponse response = request("GET", stack().httpsUrl("/health"), {}, {}, {.http2 = true});
    BOOST_REQUIRE_MESSAGE(response.completed(), response.summary());
    BOOST_CHECK_EQUAL(response.httpVersion, "2");
    checkHealth(response);
}

BOOST_AUTO_TEST_CASE(head_health_is_200_without_body) {
    HttpResponse response = send("HEAD", "/health");
    checkStatus(response, 200);
    BOOST_CHECK_EQUAL(response.body, "");
    BOOST_CHECK_EQUAL(response.header("Content-Type").value_or("<none>"),
                      std::string(kJsonContentType));
    BOOST_CHECK(response.hasHeader("X-Request-ID"));
}

// restd announces each body's length, so nginx passes it on as it is instead
// of chunking it (HEAD: conditional_test).
BOOST_AUTO_TEST_CASE(responses_announce_their_length_instead_of_chunking) {
    for (const char* path : {"/health", "/api/v1/no-such-route"}) {
        BOOST_TEST_CONTEXT(path) {
            HttpResponse get = send("GET", path);
            BOOST_REQUIRE(!get.body.empty());
            BOOST_CHECK(get.header("Content-Length") == std::to_string(get.body.size()));
            BOOST_CHECK(!get.hasHeader("Transfer-Encoding"));
        }
    }
}

BOOST_AUTO_TEST_CASE(trailing_slash_is_accepted_on_health) { checkHealth(send("GET", "/health/")); }

BOOST_AUTO_TEST_CASE(ready_is_200_when_the_database_answers) {
    rapidjson::Document body = checkSuccess(send("GET", "/ready"), 200);
    BOOST_CHECK_EQUAL(jsonString(body, "data.status"), "ready");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(routing)

BOOST_AUTO_TEST_CASE(unknown_path_is_404_with_cannot_message) {
    rapidjson::Document body = checkError(send("GET", "/api/v1/nope"), 404, "NOT_FOUND");
    BOOST_CHECK_EQUAL(jsonString(body, "error"), "Cannot GET /api/v1/nope");
}

BOOST_AUTO_TEST_CASE(unknown_path_outside_the_api_names_the_method) {
    rapidjson::Document body = checkError(send("DELETE", "/nope"), 404, "NOT_FOUND");
    BOOST_CHECK_EQUAL(jsonString(body, "error"), "Cannot DELETE /nope");
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow_header) {
    HttpResponse response = send("POST", "/health", kJsonHeader, "{}");
    checkError(response, 405, "METHOD_NOT_ALLOWED");
    BOOST_CHECK_EQUAL(response.header("Allow").value_or("<none>"), "GET, HEAD, OPTIONS");
}

BOOST_AUTO_TEST_SUITE_END()

// Errors nginx answers before restd sees the request: each is the envelope
// with a code the error tables list, and a 405 says what is allowed.
BOOST_AUTO_TEST_SUITE(nginx_own_errors)

HttpResponse raw(const std::string& requestText) {
    return rawRequest(stack().env("BASE_URL"), requestText);
}

BOOST_AUTO_TEST_CASE(trace_is_405_with_allow_and_connect_is_an_envelope) {
    for (const char* path : {"/api/v1/products", "/"}) {
        BOOST_TEST_CONTEXT(path) {
            HttpResponse trace = raw(std::string("TRACE ") + path +
                                     " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            checkError(trace, 405, "METHOD_NOT_ALLOWED");
            BOOST_CHECK_MESSAGE(trace.headerHasToken("Allow", "GET"),
                                "Allow: " << trace.header("Allow").value_or("<none>"));
            BOOST_CHECK(!trace.headerHasToken("Allow", "TRACE"));
        }
    }
    HttpResponse docs =
        raw("TRACE /docs/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    checkError(docs, 405, "METHOD_NOT_ALLOWED");
    BOOST_CHECK_EQUAL(docs.header("Allow").value_or("<none>"), "GET, HEAD");
    // nginx 1.22 takes CONNECT for a malformed request; later ones answer 405.
    HttpResponse connect =
        raw("CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\nConnection: close\r\n\r\n");
    if (connect.status == 405) {
        checkError(connect, 405, "METHOD_NOT_ALLOWED");
        BOOST_CHECK(connect.hasHeader("Allow"));
    } else {
        checkError(connect, 400, "BAD_REQUEST");
    }
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_400_bad_request_envelopes) {
    struct Case {
        const char* what;
        std::string text;
    };
    const Case cases[] = {
        {"two Authorization headers",
         "GET /api/v1/auth/me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer a\r\n"
         "Authorization: Bearer b\r\nConnection: close\r\n\r\n"},
        {"%00 in the path",
         "GET /api/v1/products/%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"},
        {"a header over nginx's buffers (494)",
         "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(40000, 'a') +
             "\r\nConnection: close\r\n\r\n"},
        {"a request line that is no request line", "GARBAGE\r\n\r\n"},
        {"no Host in HTTP/1.1", "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.what) { checkError(raw(c.text), 400, "BAD_REQUEST"); }
    }
    // BAD_REQUEST is a documented code.
    HttpResponse openapi = send("GET", "/api/v1/openapi.json");
    BOOST_CHECK(openapi.body.find("`BAD_REQUEST`") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(if_match_on_a_micro_cached_read_is_a_412_envelope) {
    // nginx checks If-Match itself once the product list is in its cache.
    const std::string path = "/api/v1/products?limit=3&probe=if-match";
    BOOST_REQUIRE_EQUAL(send("GET", path).status, 200);
    HttpResponse response = send("GET", path, {"If-Match: \"no-such-tag\""});
    checkError(response, 412, "PRECONDITION_FAILED");
}

BOOST_AUTO_TEST_SUITE_END()

// Redirects nginx makes itself name a path, never the client's Host.
BOOST_AUTO_TEST_SUITE(redirects)

BOOST_AUTO_TEST_CASE(docs_redirect_never_carries_the_client_host) {
    for (const std::string& base : {stack().url(""), stack().httpsUrl("")}) {
        BOOST_TEST_CONTEXT(base) {
            HttpResponse response = request("GET", base + "/docs", {"Host: evil.example"});
            BOOST_CHECK_EQUAL(response.status, 301);
            std::string location = response.header("Location").value_or("<none>");
            BOOST_CHECK_EQUAL(location, "/docs/");
            BOOST_CHECK(location.find("evil.example") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(request_id)

BOOST_AUTO_TEST_CASE(every_response_carries_exactly_one_generated_request_id) {
    for (const char* path : {"/health", "/api/v1/nope"}) {
        BOOST_TEST_CONTEXT("GET " << path) {
            HttpResponse response = send("GET", path);
            std::vector<std::string> ids = response.headerValues("X-Request-ID");
            BOOST_REQUIRE_EQUAL(ids.size(), 1u);
            BOOST_CHECK_MESSAGE(isGeneratedRequestId(ids.front()),
                                "not 32 hex chars: " << ids.front());
        }
    }
    auto first = send("GET", "/health").header("X-Request-ID");
    auto second = send("GET", "/health").header("X-Request-ID");
    BOOST_CHECK(first && second && *first != *second);
}

BOOST_AUTO_TEST_CASE(valid_client_request_id_is_echoed_in_header_and_body) {
    for (const std::string& id : {std::string("abc-123.XYZ_9"), std::string(128, 'a')}) {
        BOOST_TEST_CONTEXT("X-Request-ID: " << id) {
            HttpResponse ok = send("GET", "/health", {"X-Request-ID: " + id});
            BOOST_CHECK(ok.headerValues("X-Request-ID") == std::vector<std::string>{id});

            HttpResponse missing = send("GET", "/api/v1/nope", {"X-Request-ID: " + id});
            BOOST_CHECK(missing.headerValues("X-Request-ID") == std::vector<std::string>{id});
            rapidjson::Document body = checkError(missing, 404, "NOT_FOUND");
            BOOST_CHECK_EQUAL(jsonString(body, "requestId"), id);
        }
    }
}

BOOST_AUTO_TEST_CASE(invalid_client_request_id_is_replaced_by_a_generated_one) {
    for (const std::string& id :
         {std::string("abc 123"), std::string(129, 'a'), std::string("abc\"123")}) {
        BOOST_TEST_CONTEXT("X-Request-ID: " << id) {
            HttpResponse response = send("GET", "/api/v1/nope", {"X-Request-ID: " + id});
            std::vector<std::string> ids = response.headerValues("X-Request-ID");
            BOOST_REQUIRE_EQUAL(ids.size(), 1u);
            BOOST_CHECK_MESSAGE(isGeneratedRequestId(ids.front()),
                                "not 32 hex chars: " << ids.front());
            rapidjson::Document body = checkError(response, 404, "NOT_FOUND");
            BOOST_CHECK_EQUAL(jsonString(body, "requestId"), ids.front());
        }
    }
}

BOOST_AUTO_TEST_CASE(client_request_id_is_echoed_on_the_413_nginx_generates) {
    const std::string id = "nginx-413.check_1";
    HttpResponse response =
        send("POST", "/health", {"Content-Type: application/json", "X-Request-ID: " + id},
             jsonBodyOfSize(kNginxLimit + 1));
    BOOST_CHECK(response.headerValues("X-Request-ID") == std::vector<std::string>{id});
    rapidjson::Document body = checkError(response, 413, "PAYLOAD_TOO_LARGE");
    BOOST_CHECK_EQUAL(jsonString(body, "requestId"), id);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(security_headers)

BOOST_AUTO_TEST_CASE(security_headers_are_on_200_404_405_and_413_over_http) {
    struct Case {
        const char* what;
        long status;
        HttpResponse response;
    };
    const Case cases[] = {
        {"GET /health", 200, send("GET", "/health")},
        {"GET /api/v1/nope", 404, send("GET", "/api/v1/nope")},
        {"DELETE /nope", 404, send("DELETE", "/nope")},
        {"POST /health", 405, send("POST", "/health", kJsonHeader, "{}")},
        {"POST 1 MiB + 1 (nginx)", 413,
         send("POST", "/health", kJsonHeader, jsonBodyOfSize(kNginxLimit + 1))},
        {"POST 100000 bytes (restd)", 413,
         send("POST", "/health", kJsonHeader, jsonBodyOfSize(100000))},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.what) {
            checkStatus(c.response, c.status);
            checkSecurityHeaders(c.response, false);
        }
    }
}

BOOST_AUTO_TEST_CASE(https_responses_add_hsts_to_the_same_headers) {
    for (bool http2 : {false, true}) {
        for (const char* path : {"/health", "/api/v1/nope"}) {
            BOOST_TEST_CONTEXT("GET " << path << (http2 ? " over HTTP/2" : " over HTTP/1.1")) {
                HttpResponse response =
                    request("GET", stack().httpsUrl(path), {}, {}, {.http2 = http2});
                checkStatus(response, std::string_view(path) == "/health" ? 200 : 404);
                checkSecurityHeaders(response, true);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(body_limits)

BOOST_AUTO_TEST_CASE(body_over_one_mebibyte_is_413_envelope_from_nginx) {
    HttpResponse response = send("POST", "/health", kJsonHeader, jsonBodyOfSize(kNginxLimit + 1));
    rapidjson::Document body = checkError(response, 413, "PAYLOAD_TOO_LARGE");
    // restd's own 413 names its limit; nginx's must have answered before restd saw it.
    BOOST_CHECK_MESSAGE(jsonString(body, "error").find("65536") == std::string::npos,
                        "the 1 MiB + 1 body reached restd: " << response.summary());
}

BOOST_AUTO_TEST_CASE(body_over_restd_limit_is_413_naming_the_limit) {
    HttpResponse response = send("POST", "/health", kJsonHeader, jsonBodyOfSize(100000));
    rapidjson::Document body = checkError(response, 413, "PAYLOAD_TOO_LARGE");
    BOOST_CHECK_MESSAGE(
        jsonString(body, "error").find(stack().setting("MAX_BODY_BYTES")) != std::string::npos,
        "error does not name the limit: " << response.summary());
}

BOOST_AUTO_TEST_CASE(body_of_exactly_the_limit_passes_the_size_check) {
    // Routing comes after the size check, so a body that fits reaches the 405.
    HttpResponse response = send("POST", "/health", kJsonHeader, jsonBodyOfSize(kRestdLimit));
    checkError(response, 405, "METHOD_NOT_ALLOWED");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cors)

BOOST_AUTO_TEST_CASE(allowed_origin_is_echoed_with_credentials_and_vary) {
    HttpResponse response = send("GET", "/health", {"Origin: http://localhost:3000"});
    checkStatus(response, 200);
    BOOST_CHECK_EQUAL(response.header("Access-Control-Allow-Origin").value_or("<none>"),
                      "http://localhost:3000");
    BOOST_CHECK_EQUAL(response.header("Access-Control-Allow-Credentials").value_or("<none>"),
                      "true");
    BOOST_CHECK_MESSAGE(response.headerHasToken("Vary", "Origin"),
                        "Vary: " << response.header("Vary").value_or("<none>"));
}

BOOST_AUTO_TEST_CASE(disallowed_origin_gets_no_cors_headers) {
    for (const char* origin :
         {"http://evil.example", "null", "http://localhost:3000.evil.example"}) {
        BOOST_TEST_CONTEXT("Origin: " << origin) {
            HttpResponse response = send("GET", "/health", {std::string("Origin: ") + origin});
            checkStatus(response, 200);
            BOOST_CHECK(!response.hasHeader("Access-Control-Allow-Origin"));
            BOOST_CHECK(!response.hasHeader("Access-Control-Allow-Credentials"));
        }
    }
}

BOOST_AUTO_TEST_CASE(preflight_from_allowed_origin_is_204_with_methods_headers_and_max_age) {
    HttpResponse response =
        send("OPTIONS", "/health",
             {"Origin: http://127.0.0.1:5173", "Access-Control-Request-Method: GET",
              "Access-Control-Request-Headers: authorization, content-type"});
    checkStatus(response, 204);
    BOOST_CHECK_EQUAL(response.body, "");
    BOOST_CHECK_EQUAL(response.header("Access-Control-Allow-Origin").value_or("<none>"),
                      "http://127.0.0.1:5173");
    BOOST_CHECK_EQUAL(response.header("Access-Control-Allow-Credentials").value_or("<none>"),
                      "true");
    BOOST_CHECK_MESSAGE(
        response.headerHasToken("Access-Control-Allow-Methods", "GET"),
        "Allow-Methods: " << response.header("Access-Control-Allow-Methods").value_or("<none>"));
    for (const char* name :
         {"Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-ID"}) {
        BOOST_CHECK_MESSAGE(response.headerHasToken("Access-Control-Allow-Headers", name),
                            "Allow-Headers lacks "
                                << name << ": "
                                << response.header("Access-Control-Allow-Headers").value_or(""));
    }
    BOOST_CHECK_EQUAL(response.header("Access-Control-Max-Age").value_or("<none>"), "600");
}

BOOST_AUTO_TEST_CASE(preflight_from_disallowed_origin_gets_no_allow_origin) {
    HttpResponse response =
        send("OPTIONS", "/health",
             {"Origin: http://evil.example", "Access-Control-Request-Method: GET"});
    BOOST_REQUIRE_MESSAGE(response.completed(), response.summary());
    BOOST_CHECK(!response.hasHeader("Access-Control-Allow-Origin"));
    BOOST_CHECK(!response.hasHeader("Access-Control-Allow-Credentials"));
}

// The errors nginx answers itself (here a 413: the body never reaches restd)
// carry the same CORS headers, from nginx's copy of CLIENT_URL: a browser app
// can read their envelope.
BOOST_AUTO_TEST_CASE(nginx_errors_carry_cors_headers_for_each_allowed_origin) {
    for (const char* origin : {"http://localhost:3000", "http://127.0.0.1:5173"}) {
        BOOST_TEST_CONTEXT("Origin: " << origin) {
            HttpResponse response =
                send("POST", "/health", {kJsonHeader[0], std::string("Origin: ") + origin},
                     jsonBodyOfSize(kNginxLimit + 1));
            checkError(response, 413, "PAYLOAD_TOO_LARGE");
            BOOST_CHECK_EQUAL(response.header("Access-Control-Allow-Origin").value_or("<none>"),
                              origin);
            BOOST_CHECK_EQUAL(
                response.header("Access-Control-Allow-Credentials").value_or("<none>"), "true");
            BOOST_CHECK_MESSAGE(response.headerHasToken("Vary", "Origin"),
                                "Vary: " << response.header("Vary").value_or("<none>"));
        }
    }
}

// Matched as restd matches: exactly, so no other case, suffix or port passes.
BOOST_AUTO_TEST_CASE(nginx_errors_carry_no_cors_headers_for_other_origins) {
    for (const char* origin : {"http://evil.example", "null", "HTTP://LOCALHOST:3000",
                               "http://localhost:3000.evil.example", "http://localhost:30000",
                               "http://127.0.0.1:5173/x", "http://127.0.0.105173"}) {
        BOOST_TEST_CONTEXT("Origin: " << origin) {
            HttpResponse response =
                send("POST", "/health", {kJsonHeader[0], std::string("Origin: ") + origin},
                     jsonBodyOfSize(kNginxLimit + 1));
            checkError(response, 413, "PAYLOAD_TOO_LARGE");
            BOOST_CHECK(!response.hasHeader("Access-Control-Allow-Origin"));
            BOOST_CHECK(!response.hasHeader("Access-Control-Allow-Credentials"));
        }
    }
}

BOOST_AUTO_TEST_CASE(preflight_on_unknown_path_is_404) {
    HttpResponse response =
        send("OPTIONS", "/api/v1/nope",
             {"Origin: http://localhost:3000", "Access-Control-Request-Method: GET"});
    rapidjson::Document body = checkError(response, 404, "NOT_FOUND");
    BOOST_CHECK_EQUAL(jsonString(body, "error"), "Cannot OPTIONS /api/v1/nope");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(resilience)

// nginx keeps up to 64 idle connections per nginx worker, many more than the
// test stack's WORKERS x THREADS_PER_WORKER. Idle kept connections wait in
// the workers' epoll sets, not on threads: a thread that sat on its kept
// connection would leave the connections past the thread count unserved.
BOOST_AUTO_TEST_CASE(more_kept_connections_than_threads_are_all_served_again) {
    Stack& s = stack();
    const int threads = s.workers() * std::stoi(s.setting("THREADS_PER_WORKER"));
    const int count = 3 * threads;
    std::vector<std::unique_ptr<FcgiConnection>> connections;
    for (int i = 0; i < count; ++i) {
        connections.push_back(std::make_unique<FcgiConnection>(s.env("RESTD_SOCKET")));
        FcgiResponse first = connections.back()->request("GET", "/health", 10s);
        BOOST_REQUIRE_MESSAGE(
            first.completed() && first.status == 200,
            "first request on kept connection " << i << " of " << count << ": " << first.summary());
    }
    for (int i = count - 1; i >= 0; --i) {  // the oldest last: none may be starved
        FcgiResponse again = connections[static_cast<size_t>(i)]->request("GET", "/health", 10s);
        BOOST_CHECK_MESSAGE(again.completed() && again.status == 200,
                            "second request on kept connection " << i << ": " << again.summary());
    }
}

BOOST_AUTO_TEST_CASE(killed_worker_is_replaced_and_health_keeps_answering) {
    Stack& s = stack();
    const size_t workers = static_cast<size_t>(s.workers());
    const pid_t master = s.masterPid();
    std::vector<pid_t> before;
    BOOST_REQUIRE_MESSAGE(
        waitUntil(
            [&] {
                before = s.workerPids();
                return before.size() == workers;
            },
            10s),
        "expected " << workers << " workers of " << master << ", found " << before.size());

    const pid_t victim = before.front();
    BOOST_REQUIRE_EQUAL(kill(victim, SIGKILL), 0);
    s.noteWorkerKilled();

    int sent = 0;
    int failed = 0;
    std::vector<pid_t> after;
    bool replaced = waitUntil(
        [&] {
            ++sent;
            if (!healthOk()) ++failed;
            after = s.workerPids();
            return after.size() == workers &&
                   std::find(after.begin(), after.end(), victim) == after.end();
        },
        10s, 50ms);
    BOOST_CHECK_MESSAGE(
        replaced, "10 s after killing worker " << victim << ", the workers are " << pidList(after));
    BOOST_CHECK_MESSAGE(failed <= 2,
                        failed << " of " << sent << " GET /health failed in the kill window");
    BOOST_CHECK_MESSAGE(processAlive(master), "the master " << master << " died");

    int consecutive = 0;
    while (consecutive < 20 && healthOk()) ++consecutive;
    BOOST_CHECK_EQUAL(consecutive, 20);
}

BOOST_AUTO_TEST_CASE(database_outage_turns_ready_to_503_and_recovers_without_restart) {
    Stack& s = stack();
    const pid_t master = s.masterPid();
    HttpResponse ready = send("GET", "/ready");
    BOOST_REQUIRE_MESSAGE(ready.status == 200, "before the outage: " << ready.summary());

    DatabaseRestarter restarter;
    restarter.down = true;  // also when stop-db fails half-way
    BOOST_REQUIRE_EQUAL(s.runStack("stop-db"), 0);

    bool unavailable = waitUntil(
        [&] {
            ready = send("GET", "/ready");
            return ready.status == 503;
        },
        10s, 200ms);
    BOOST_CHECK_MESSAGE(unavailable, "GET /ready during the outage: " << ready.summary());
    if (unavailable) {
        checkError(ready, 503, "SERVICE_UNAVAILABLE");
        std::string retryAfter = ready.header("Retry-After").value_or("");
        bool seconds =
            !retryAfter.empty() && std::all_of(retryAfter.begin(), retryAfter.end(),
                                               [](char c) { return c >= '0' && c <= '9'; });
        BOOST_CHECK_MESSAGE(seconds,
                            "Retry-After is not a number of seconds: '" << retryAfter << "'");
    }
    for (int i = 0; i < 5; ++i) {
        HttpResponse health = send("GET", "/health");
        BOOST_CHECK_MESSAGE(health.status == 200,
                            "GET /health during the outage: " << health.summary());
    }

    BOOST_REQUIRE_EQUAL(s.runStack("start-db"), 0);
    restarter.down = false;
    s.reloadEnv();

    bool recovered = waitUntil(
        [&] {
            ready = send("GET", "/ready");
            return ready.status == 200;
        },
        20s, 200ms);
    BOOST_CHECK_MESSAGE(recovered, "GET /ready after start-db: " << ready.summary());
    if (recovered) {
        rapidjson::Document body = checkSuccess(ready, 200);
        BOOST_CHECK_EQUAL(jsonString(body, "data.status"), "ready");
    }
    BOOST_CHECK_EQUAL(s.masterPid(), master);
    BOOST_CHECK_MESSAGE(processAlive(master), "the master " << master << " is gone");
}

BOOST_AUTO_TEST_SUITE_END()
