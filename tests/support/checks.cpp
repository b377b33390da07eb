// SPDX-License-Identifier: Apache-2.0
#include "checks.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>

namespace restd::test {

bool checkStatus(const HttpResponse& response, long status) {
    BOOST_CHECK_MESSAGE(response.status == status,
                        "expected status " << status << ", got " << response.summary());
    return response.status == status;
}

rapidjson::Document checkError(const HttpResponse& response, long status, std::string_view code) {
    checkStatus(response, status);
    std::string contentType = response.header("Content-Type").value_or("<none>");
    BOOST_CHECK_MESSAGE(contentType.starts_with("application/json"),
                        "error Content-Type is " << contentType);
    rapidjson::Document body = json(response.body);
    BOOST_CHECK_MESSAGE(body.IsObject(), "error body is not a JSON object: " << response.summary());
    if (!body.IsObject()) return body;

    const rapidjson::Value* success = jsonAt(body, "success");
    BOOST_CHECK_MESSAGE(success != nullptr && success->IsFalse(),
                        "success is not false: " << response.summary());
    BOOST_CHECK_EQUAL(jsonString(body, "code"), std::string(code));
    const rapidjson::Value* error = jsonAt(body, "error");
    BOOST_CHECK_MESSAGE(error != nullptr && error->IsString() && error->GetStringLength() > 0,
                        "error is not a non-empty string: " << response.summary());
    std::string requestId = response.header("X-Request-ID").value_or("<no X-Request-ID header>");
    BOOST_CHECK_EQUAL(jsonString(body, "requestId"), requestId);
    return body;
}

rapidjson::Document checkSuccess(const HttpResponse& response, long status) {
    checkStatus(response, status);
    BOOST_CHECK_EQUAL(response.header("Content-Type").value_or("<none>"),
                      std::string(kJsonContentType));
    rapidjson::Document body = json(response.body);
    BOOST_CHECK_MESSAGE(body.IsObject(), "body is not a JSON object: " << response.summary());
    if (!body.IsObject()) return body;
    const rapidjson::Value* success = jsonAt(body, "success");
    BOOST_CHECK_MESSAGE(success != nullptr && success->IsTrue(),
                        "success is not true: " << response.summary());
    BOOST_CHECK_MESSAGE(jsonAt(body, "data") != nullptr, "no data: " << response.summary());
    return body;
}

void checkSecurityHeaders(const HttpResponse& response, bool https) {
    static const std::pair<const char*, const char*> kFixed[] = {
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
    };
    for (const auto& [name, value] : kFixed) {
        std::vector<std::string> values = response.headerValues(name);
        BOOST_CHECK_MESSAGE(values.size() == 1,
                            name << " appears " << values.size() << " times, expected once");
        if (!values.empty()) BOOST_CHECK_EQUAL(values.front(), value);
    }

    std::vector<std::string> hsts = response.headerValues("Strict-Transport-Security");
    if (https) {
        BOOST_CHECK_MESSAGE(hsts.size() == 1, "Strict-Transport-Security appears "
                                                  << hsts.size() << " times over HTTPS");
        if (!hsts.empty()) {
            BOOST_CHECK_MESSAGE(hsts.front().find("max-age=63072000") != std::string::npos,
                                "Strict-Transport-Security is " << hsts.front());
        }
    } else {
        BOOST_CHECK_MESSAGE(hsts.empty(), "Strict-Transport-Security sent over plain HTTP");
    }

    for (const std::string& server : response.headerValues("Server")) {
        BOOST_CHECK_EQUAL(server, "nginx");
    }
    BOOST_CHECK_MESSAGE(!response.hasHeader("X-Powered-By"),
                        "X-Powered-By: " << response.header("X-Powered-By").value_or(""));
}

}  // namespace restd::test
