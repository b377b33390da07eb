// SPDX-License-Identifier: Apache-2.0
// OWASP API7:2023 Server Side Request Forgery, for restd.
//
// restd makes no outbound request from client input: its only connections
// are to MariaDB (fixed in its settings) and from nginx. The item cannot be
// exploited without a route that takes a URL, so this suite proves what can
// be proved from outside:
// - no operation of the route table (read from the OpenAPI document) takes
//   a URL-like field or parameter (url, uri, href, link, callback, webhook,
//   redirect, host, or a `format: uri` string), so a new one cannot slip in
//   unnoticed;
// - text fields that hold a URL are stored as text and never fetched: a
//   listener on a free local port sees no connection after restd stored and
//   served a post and a product pointing at it;
// - responses never carry the client's Host (or X-Forwarded-Host) in a
//   Location: 201 Locations are paths, and nginx's redirect for /docs does
//   not build an absolute URL from the Host header (a client-chosen host in
//   a redirect sends the next request wherever the attacker wants).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/owasp.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace restd::test::owasp;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Words of a camelCase, snake_case or kebab-case name, lower-cased
// ("webhookURL" -> webhook, url).
std::vector<std::string> words(const std::string& name) {
    std::vector<std::string> out(1);
    for (size_t i = 0; i < name.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        bool boundary =
            c == '_' || c == '-' ||
            (std::isupper(c) && i > 0 && !std::isupper(static_cast<unsigned char>(name[i - 1])));
        if (boundary && !out.back().empty()) out.emplace_back();
        if (c != '_' && c != '-') out.back() += static_cast<char>(std::tolower(c));
    }
    return out;
}

bool urlLikeName(const std::string& name) {
    for (const std::string& word : words(name)) {
        for (const char* risky : {"url", "uri", "urls", "uris", "href", "link", "links", "callback",
                                  "webhook", "redirect", "host", "endpoint", "origin"}) {
            if (word == risky) return true;
        }
    }
    return false;
}

// Names of properties and parameters anywhere under value, with "format: uri" flagged.
void collectUrlLike(const rapidjson::Value& value, const std::string& where,
                    std::vector<std::string>& found) {
    if (value.IsObject()) {
        if (value.HasMember("format") && value["format"].IsString()) {
            std::string format = value["format"].GetString();
            if (format == "uri" || format == "url" || format == "uri-reference") {
                found.push_back(where + " (format " + format + ")");
            }
        }
        if (value.HasMember("properties") && value["properties"].IsObject()) {
            for (const auto& property : value["properties"].GetObject()) {
                std::string name = property.name.GetString();
                if (urlLikeName(name)) found.push_back(where + " property " + name);
            }
        }
        if (value.HasMember("in") && value.HasMember("name") && value["name"].IsString()) {
            std::string name = value["name"].GetString();
            if (urlLikeName(name)) found.push_back(where + " parameter " + name);
        }
        for (const auto& member : value.GetObject()) {
            collectUrlLike(member.value, where, found);
        }
    } else if (value.IsArray()) {
        for (const auto& item : value.GetArray()) collectUrlLike(item, where, found);
    }
}

// A TCP listener on 127.0.0.1 at a free port; counts the connections it gets.
class Listener {
  public:
    Listener() {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        BOOST_REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = 0;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        BOOST_REQUIRE(listen(fd_, 16) == 0);
        socklen_t len = sizeof addr;
        BOOST_REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port_ = ntohs(addr.sin_port);
    }
    ~Listener() { close(fd_); }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    int port() const { return port_; }
    // Connections accepted so far, waiting up to waitMs for the first one.
    int connections(int waitMs) {
        pollfd p{fd_, POLLIN, 0};
        int count = 0;
        while (poll(&p, 1, count == 0 ? waitMs : 0) > 0) {
            int client = accept(fd_, nullptr, nullptr);
            if (client < 0) break;
            close(client);
            ++count;
        }
        return count;
    }

  private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(owasp_api07_ssrf)

BOOST_AUTO_TEST_CASE(no_documented_operation_takes_a_url) {
    HttpResponse response = send("GET", "/api/v1/openapi.json");
    BOOST_REQUIRE_EQUAL(response.status, 200);
    rapidjson::Document doc = json(response.body);
    const rapidjson::Value* paths = jsonAt(doc, "paths");
    BOOST_REQUIRE(paths != nullptr && paths->IsObject());
    std::vector<std::string> found;
    size_t operations = 0;
    for (const auto& path : paths->GetObject()) {
        for (const auto& operation : path.value.GetObject()) {
            std::string where = lower(operation.name.GetString()) + " " + path.name.GetString();
            ++operations;
            if (!operation.value.IsObject()) continue;
            if (operation.value.HasMember("parameters")) {
                collectUrlLike(operation.value["parameters"], where, found);
            }
            if (operation.value.HasMember("requestBody")) {
                collectUrlLike(operation.value["requestBody"], where, found);
            }
        }
    }
    // The request schemas may sit in components, referenced by $ref.
    if (const rapidjson::Value* schemas = jsonAt(doc, "components.schemas")) {
        for (const auto& schema : schemas->GetObject()) {
            std::string name = schema.name.GetString();
            // Response-only shapes name the API's own resources, not targets to fetch.
            collectUrlLike(schema.value, "schema " + name, found);
        }
    }
    BOOST_CHECK_GT(operations, 0u);
    for (const std::string& f : found) {
        BOOST_ERROR("a URL-like input: " << f
                                         << " (if restd must fetch it, it needs an "
                                            "allow-list and an SSRF test here)");
    }
}

BOOST_AUTO_TEST_CASE(urls_in_text_fields_are_stored_and_never_fetched) {
    Listener listener;
    const std::string url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/ssrf";
    Account author = registerAccount("a7u");
    const int64_t post = createPost(author, url, true, url);
    HttpResponse product = send("POST", "/api/v1/products", admin().token,
                                object({{"sku", str(newSku())},
                                        {"name", str(url)},
                                        {"description", str(url)},
                                        {"priceCents", "1"}}));
    rapidjson::Document productDoc = checkSuccess(product, 201);
    rapidjson::Document read = checkSuccess(send("GET", postPath(post), author.token), 200);
    BOOST_CHECK_EQUAL(jsonString(read, "data.title"), url);
    BOOST_CHECK_EQUAL(jsonString(productDoc, "data.description"), url);
    checkSuccess(send("GET", "/api/v1/posts?search=" + queryEscape("127.0.0.1:"), author.token),
                 200);
    BOOST_CHECK_EQUAL(listener.connections(300), 0);
}

BOOST_AUTO_TEST_CASE(created_resources_locate_themselves_by_path_whatever_the_host_header) {
    Account author = registerAccount("a7l");
    for (const std::string header :
         {"Host: evil.example", "X-Forwarded-Host: evil.example", "Forwarded: host=evil.example"}) {
        HttpResponse response =
            send("POST", "/api/v1/posts", author.token,
                 object({{"title", str("Located")}, {"body", str("B")}}), {header});
        BOOST_TEST_CONTEXT(header) {
            checkSuccess(response, 201);
            std::string location = response.header("Location").value_or("<none>");
            BOOST_CHECK_MESSAGE(location.starts_with("/api/v1/posts/"), "Location " << location);
            BOOST_CHECK(location.find("evil") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_docs_redirect_never_carries_the_clients_host) {
    for (const std::string header : {"Host: evil.example", "X-Forwarded-Host: evil.example"}) {
        HttpResponse response = request("GET", stack().url("/docs"), {header});
        BOOST_TEST_CONTEXT(header) {
            BOOST_CHECK_EQUAL(response.status, 301);
            std::string location = response.header("Location").value_or("<none>");
            BOOST_CHECK_MESSAGE(location.find("evil.example") == std::string::npos,
                                "Location " << location);
            BOOST_CHECK_MESSAGE(location.ends_with("/docs/"), "Location " << location);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
