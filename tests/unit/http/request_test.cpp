// SPDX-License-Identifier: Apache-2.0
#include "http/request.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "http/request_id.h"

using namespace restd::http;

BOOST_AUTO_TEST_SUITE(http_request)

BOOST_AUTO_TEST_CASE(reads_method_path_query_and_headers_from_params) {
    Request r = Request::fromParams({{"REQUEST_METHOD", "PATCH"},
                                     {"REQUEST_URI", "/api/v1/users/%31?x=1&y=2"},
                                     {"QUERY_STRING", "x=1&y=2"},
                                     {"CONTENT_TYPE", "application/json"},
                                     {"CONTENT_LENGTH", "17"},
                                     {"HTTP_IF_MATCH", "\"abc\""},
                                     {"REMOTE_ADDR", "127.0.0.1"}});
    BOOST_TEST((r.method() == Method::Patch));
    BOOST_TEST(r.path() == "/api/v1/users/1");
    BOOST_TEST(r.queryString() == "x=1&y=2");
    BOOST_TEST(r.header("content-type").value_or("") == "application/json");
    BOOST_TEST(r.header("if-match").value_or("") == "\"abc\"");
    BOOST_TEST(r.contentLength() == 17u);
    BOOST_TEST(r.remoteAddr() == "127.0.0.1");
}

BOOST_AUTO_TEST_CASE(reads_a_fastcgi_environment_and_outlives_it) {
    std::string authorization = "HTTP_AUTHORIZATION=Bearer " + std::string(300, 'a');
    std::vector<std::string> env = {"REQUEST_METHOD=GET",  "REQUEST_URI=/api/v1/users?page=2",
                                    "QUERY_STRING=page=2", "NO_EQUALS_SIGN",
                                    "HTTP_X_EMPTY=",       authorization,
                                    "REQUEST_ID=a=b"};
    std::vector<const char*> envp;
    for (const std::string& e : env) envp.push_back(e.c_str());
    envp.push_back(nullptr);
    Request r = Request::fromEnvironment(envp.data());
    // The request keeps its own copy: the environment may go.
    for (std::string& e : env) e.assign(e.size(), 'z');
    Request moved = std::move(r);
    BOOST_TEST((moved.method() == Method::Get));
    BOOST_TEST(moved.path() == "/api/v1/users");
    BOOST_TEST(moved.queryString() == "page=2");
    BOOST_TEST(moved.header("authorization").value_or("") == "Bearer " + std::string(300, 'a'));
    BOOST_TEST(moved.header("x-empty").has_value());
    BOOST_TEST(moved.header("x-empty")->empty());
    BOOST_TEST(moved.param("REQUEST_ID").value_or("") == "a=b");  // split at the first '='
    BOOST_TEST(!moved.param("NO_EQUALS_SIGN"));
    BOOST_TEST(Request::fromEnvironment(nullptr).path() == "/");
}

BOOST_AUTO_TEST_CASE(undecodable_path_is_kept_raw_and_json_safe) {
    Request r = Request::fromParams({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/a%zz/\xff"}});
    BOOST_TEST(r.path() == "/a%zz/?");
}

BOOST_AUTO_TEST_CASE(unknown_method_keeps_its_text) {
    Request r = Request::fromParams({{"REQUEST_METHOD", "TRACE"}, {"REQUEST_URI", "/"}});
    BOOST_TEST((r.method() == Method::Other));
    BOOST_TEST(r.methodText() == "TRACE");
}

BOOST_AUTO_TEST_CASE(malformed_content_length_counts_as_zero) {
    Request r = Request::fromParams({{"REQUEST_METHOD", "POST"}, {"CONTENT_LENGTH", "12x"}});
    BOOST_TEST(r.contentLength() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_request_id)

BOOST_AUTO_TEST_CASE(accepts_only_short_safe_ids) {
    BOOST_TEST(isValidRequestId("abc-123.XYZ_9"));
    BOOST_TEST(isValidRequestId(std::string(128, 'a')));
    BOOST_TEST(!isValidRequestId(std::string(129, 'a')));
    BOOST_TEST(!isValidRequestId(""));
    BOOST_TEST(!isValidRequestId("a b"));
    BOOST_TEST(!isValidRequestId("a\nb"));
    BOOST_TEST(!isValidRequestId("a\"b"));
}

BOOST_AUTO_TEST_CASE(new_ids_are_32_hex_and_distinct) {
    std::string a = newRequestId(), b = newRequestId();
    BOOST_TEST(a.size() == 32u);
    BOOST_TEST(a.find_first_not_of("0123456789abcdef") == std::string::npos);
    BOOST_TEST(a != b);
}

BOOST_AUTO_TEST_CASE(prefers_nginx_param_then_valid_header) {
    Request both = Request::fromParams({{"REQUEST_ID", "from-nginx"}, {"HTTP_X_REQUEST_ID", "h"}});
    BOOST_TEST(pickRequestId(both) == "from-nginx");
    Request header = Request::fromParams({{"HTTP_X_REQUEST_ID", "client-1"}});
    BOOST_TEST(pickRequestId(header) == "client-1");
    Request bad = Request::fromParams({{"HTTP_X_REQUEST_ID", "bad id"}});
    BOOST_TEST(pickRequestId(bad).size() == 32u);
}

BOOST_AUTO_TEST_SUITE_END()
