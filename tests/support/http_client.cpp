// SPDX-License-Identifier: Apache-2.0
#include "http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace restd::test {

namespace {

void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Requests run with CURLOPT_NOSIGNAL; a peer that closes while we write
        // must be an error on this request, not the death of the test binary.
        // Child processes (scripts/stack) get SIGPIPE back to the default.
        std::signal(SIGPIPE, SIG_IGN);
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("curl_global_init failed");
        }
    });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

size_t onBody(char* data, size_t size, size_t count, void* user) {
    static_cast<HttpResponse*>(user)->body.append(data, size * count);
    return size * count;
}

// Called once per header line, status lines included. A new status line starts
// a new response (after a 100 Continue), so only the final one's headers stay.
size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* response = static_cast<HttpResponse*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        response->headers.clear();
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
        response->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                       std::string(trim(line.substr(colon + 1))));
    }
    return size * count;
}

bool hasHeaderLine(const std::vector<std::string>& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(), [&](const std::string& line) {
        auto colon = line.find_first_of(":;");
        return colon != std::string::npos &&
               iequals(trim(std::string_view(line).substr(0, colon)), name);
    });
}

std::string versionName(long curlVersion) {
    switch (curlVersion) {
        case CURL_HTTP_VERSION_1_0:
            return "1.0";
        case CURL_HTTP_VERSION_1_1:
            return "1.1";
        case CURL_HTTP_VERSION_2_0:
            return "2";
        case CURL_HTTP_VERSION_3:
            return "3";
        default:
            return "unknown";
    }
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return std::nullopt;
}

std::vector<std::string> HttpResponse::headerValues(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) values.push_back(value);
    }
    return values;
}

bool HttpResponse::headerHasToken(std::string_view name, std::string_view token) const {
    for (const std::string& value : headerValues(name)) {
        std::string_view rest(value);
        while (!rest.empty()) {
            auto comma = rest.find(',');
            if (iequals(trim(rest.substr(0, comma)), token)) return true;
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return false;
}

std::string HttpResponse::summary() const {
    if (!completed()) return "transfer failed: " + error;
    constexpr size_t kMaxBody = 400;
    std::string text = "HTTP/" + httpVersion + " " + std::to_string(status) + " ";
    text += body.size() > kMaxBody ? body.substr(0, kMaxBody) + "..." : body;
    return text;
}

HttpResponse rawRequest(const std::string& baseUrl, const std::string& bytes, int timeoutSeconds) {
    initCurlOnce();  // SIGPIPE ignored
    HttpResponse response;
    size_t hostAt = baseUrl.find("://");
    size_t colon = baseUrl.rfind(':');
    if (hostAt == std::string::npos || colon <= hostAt + 3) {
        response.error = "not http://host:port: " + baseUrl;
        return response;
    }
    std::string host = baseUrl.substr(hostAt + 3, colon - hostAt - 3);
    int port = std::atoi(baseUrl.c_str() + colon + 1);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
        response.error = "not an IPv4 address: " + host;
        return response;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        response.error = std::string("connect: ") + std::strerror(errno);
        if (fd >= 0) close(fd);
        return response;
    }
    for (size_t sent = 0; sent < bytes.size();) {
        ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // nginx may answer and close before reading everything
        sent += static_cast<size_t>(n);
    }
    std::string in;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char buffer[16384];
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        in.append(buffer, static_cast<size_t>(n));
    }
    close(fd);
    size_t end = in.find("\r\n\r\n");
    if (!in.starts_with("HTTP/") || end == std::string::npos) {
        response.error = "no HTTP response in: " + in.substr(0, 200);
        return response;
    }
    size_t lineEnd = in.find("\r\n");
    std::string statusLine = in.substr(0, lineEnd);
    size_t space = statusLine.find(' ');
    response.httpVersion = statusLine.substr(5, space - 5);
    response.status = std::atol(statusLine.c_str() + space + 1);
    for (size_t pos = lineEnd + 2; pos < end;) {
        size_t next = in.find("\r\n", pos);
        std::string_view line(in.data() + pos, next - pos);
        pos = next + 2;
        size_t c = line.find(':');
        if (c == std::string_view::npos) continue;
        response.headers.emplace_back(std::string(trim(line.substr(0, c))),
                                      std::string(trim(line.substr(c + 1))));
    }
    response.body = in.substr(end + 4);
    if (auto length = response.header("Content-Length")) {
        response.body = response.body.substr(0, std::stoul(*length));
    }
    return response;
}

HttpResponse request(std::string_view method, const std::string& url,
                     const std::vector<std::string>& headers, const std::string& body,
                     const RequestOptions& options) {
    initCurlOnce();
    HttpResponse response;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) {
        response.error = "curl_easy_init failed";
        return response;
    }
    CURL* h = curl.get();
    const std::string methodName(method);

    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, options.timeoutSeconds);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, std::min(options.timeoutSeconds, 10L));
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    // "host!" makes curl take the name as an address, never an interface name.
    const std::string source = "host!" + options.sourceAddress;
    if (!options.sourceAddress.empty()) curl_easy_setopt(h, CURLOPT_INTERFACE, source.c_str());
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
                     options.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);

    const bool sendsBody =
        !body.empty() || methodName == "POST" || methodName == "PUT" || methodName == "PATCH";
    if (methodName == "HEAD") {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (sendsBody) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        if (methodName != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, methodName.c_str());
    } else if (methodName == "GET") {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, methodName.c_str());
    }

    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list(nullptr, curl_slist_free_all);
    auto append = [&list](const std::string& line) {
        curl_slist* next = curl_slist_append(list.get(), line.c_str());
        if (next == nullptr) throw std::runtime_error("curl_slist_append failed");
        list.release();
        list.reset(next);
    };
    for (const std::string& line : headers) append(line);
    // curl would add "Content-Type: application/x-www-form-urlencoded" to any body.
    if (sendsBody && !hasHeaderLine(headers, "Content-Type")) append("Content-Type:");
    if (list) curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());

    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errorBuffer);

    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        response.status = 0;
        response.error = errorBuffer[0] != '\0' ? errorBuffer : curl_easy_strerror(rc);
        return response;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    long version = 0;
    curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
    response.httpVersion = versionName(version);
    return response;
}

rapidjson::Document json(const std::string& body) {
    rapidjson::Document doc;
    doc.Parse(body.c_str(), body.size());
    return doc;
}

const rapidjson::Value* jsonAt(const rapidjson::Value& root, std::string_view path) {
    const rapidjson::Value* node = &root;
    while (!path.empty()) {
        auto dot = path.find('.');
        std::string_view step = path.substr(0, dot);
        path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
        if (node->IsObject()) {
            auto member = node->FindMember(
                rapidjson::Value(step.data(), static_cast<rapidjson::SizeType>(step.size())));
            if (member == node->MemberEnd()) return nullptr;
            node = &member->value;
        } else if (node->IsArray()) {
            if (step.empty() || !std::all_of(step.begin(), step.end(), [](char c) {
                    return std::isdigit(static_cast<unsigned char>(c));
                })) {
                return nullptr;
            }
            size_t index = std::stoul(std::string(step));
            if (index >= node->Size()) return nullptr;
            node = &(*node)[static_cast<rapidjson::SizeType>(index)];
        } else {
            return nullptr;
        }
    }
    return node;
}

std::string jsonString(const rapidjson::Value& root, std::string_view path) {
    if (root.IsObject() || root.IsArray()) {
        const rapidjson::Value* value = jsonAt(root, path);
        if (value == nullptr) return "<missing>";
        if (!value->IsString()) return "<not a string: " + jsonDump(*value) + ">";
        return std::string(value->GetString(), value->GetStringLength());
    }
    return "<missing>";
}

std::string jsonDump(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace restd::test
