#include "http/request.h"

#include <charconv>

#include "http/body.h"

namespace restd::http {

namespace {

struct MethodName {
    Method method;
    std::string_view name;
};
constexpr MethodName kMethods[] = {
    {Method::Get, "GET"},         {Method::Head, "HEAD"},   {Method::Post, "POST"},
    {Method::Put, "PUT"},         {Method::Patch, "PATCH"}, {Method::Delete, "DELETE"},
    {Method::Options, "OPTIONS"},
};

// "HTTP_X_REQUEST_ID" -> "x-request-id"; CONTENT_TYPE/CONTENT_LENGTH are
// headers too, without the HTTP_ prefix.
std::string headerName(std::string_view param) {
    std::string name(param);
    for (char& c : name) c = (c == '_') ? '-' : static_cast<char>(std::tolower(c));
    return name;
}

}  // namespace

Method parseMethod(std::string_view name) {
    for (const auto& m : kMethods)
        if (m.name == name) return m.method;
    return Method::Other;
}

std::string_view methodName(Method m) {
    for (const auto& entry : kMethods)
        if (entry.method == m) return entry.name;
    return "OTHER";
}

Request Request::fromParams(const Params& params) {
    Request req;
    req.params_ = params;
    std::string_view uri;
    for (const auto& [key, value] : params) {
        if (key == "REQUEST_METHOD") {
            req.methodText_ = value;
            req.method_ = parseMethod(value);
        } else if (key == "REQUEST_URI") {
            uri = value;
        } else if (key == "QUERY_STRING") {
            req.queryString_ = value;
        } else if (key == "REMOTE_ADDR") {
            req.remoteAddr_ = value;
        } else if (key == "CONTENT_LENGTH") {
            size_t n = 0;
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec == std::errc() && ptr == value.data() + value.size()) req.contentLength_ = n;
        } else if (key == "CONTENT_TYPE") {
            req.headers_.emplace_back("content-type", value);
        } else if (key.starts_with("HTTP_")) {
            req.headers_.emplace_back(headerName(std::string_view(key).substr(5)), value);
        }
    }
    std::string_view rawPath = uri.substr(0, uri.find('?'));
    // A path that does not decode stays raw (non-ASCII bytes masked so that it
    // can be echoed in JSON): it matches no route and 404s.
    if (auto decoded = percentDecode(rawPath, false)) {
        req.path_ = std::move(*decoded);
    } else {
        req.path_ = rawPath;
        for (char& c : req.path_)
            if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
    if (req.path_.empty()) req.path_ = "/";
    return req;
}

std::optional<std::string_view> Request::header(std::string_view lowerName) const {
    for (const auto& [name, value] : headers_)
        if (name == lowerName) return value;
    return std::nullopt;
}

std::optional<std::string_view> Request::param(std::string_view name) const {
    for (const auto& [key, value] : params_)
        if (key == name) return value;
    return std::nullopt;
}

}  // namespace restd::http
