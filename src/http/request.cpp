// SPDX-License-Identifier: Apache-2.0
#include "http/request.h"

#include <algorithm>
#include <cctype>
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

template <class ForEach>
Request Request::build(ForEach&& forEach) {
    // One block for all the text: each name and value as given, and each
    // header's name once more, lower-cased.
    size_t size = 0;
    size_t params = 0;
    size_t headers = 0;
    forEach([&](std::string_view key, std::string_view value) {
        size += 2 * key.size() + value.size();
        ++params;
        headers += key.starts_with("HTTP_") || key == "CONTENT_TYPE";
    });
    Request req;
    req.text_.reset(new char[size]);
    req.params_.reserve(params);
    req.headers_.reserve(headers);
    char* end = req.text_.get();
    auto keep = [&end](std::string_view s) {
        std::copy(s.begin(), s.end(), end);
        std::string_view kept(end, s.size());
        end += s.size();
        return kept;
    };
    // "HTTP_X_REQUEST_ID" -> "x-request-id"; CONTENT_TYPE/CONTENT_LENGTH are
    // headers too, without the HTTP_ prefix.
    auto headerName = [&end](std::string_view param) {
        std::string_view kept(end, param.size());
        for (char c : param) *end++ = (c == '_') ? '-' : static_cast<char>(std::tolower(c));
        return kept;
    };

    std::string_view uri;
    forEach([&](std::string_view givenKey, std::string_view givenValue) {
        std::string_view key = keep(givenKey);
        std::string_view value = keep(givenValue);
        req.params_.emplace_back(key, value);
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
            req.headers_.emplace_back(headerName(key), value);
        } else if (key.starts_with("HTTP_")) {
            req.headers_.emplace_back(headerName(key.substr(5)), value);
        }
    });
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

Request Request::fromParams(const Params& params) {
    return build([&params](auto&& fn) {
        for (const auto& [key, value] : params) fn(key, value);
    });
}

Request Request::fromEnvironment(const char* const* envp) {
    return build([envp](auto&& fn) {
        for (const char* const* p = envp; p != nullptr && *p != nullptr; ++p) {
            std::string_view kv(*p);
            size_t eq = kv.find('=');
            if (eq != std::string_view::npos) fn(kv.substr(0, eq), kv.substr(eq + 1));
        }
    });
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
