// SPDX-License-Identifier: Apache-2.0
#include "http/response.h"

#include <strings.h>

namespace restd::http {

namespace {
constexpr std::string_view kJson = "application/json; charset=utf-8";

bool sameName(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

void Response::reset() {
    status_ = 200;
    headers_.clear();
    contentType_.clear();
    buffer_.Clear();
    writer_.Reset(buffer_);
    headLength_.reset();
}

void Response::setHeader(std::string_view name, std::string_view value) {
    for (auto& [n, v] : headers_) {
        if (sameName(n, name)) {
            v = value;
            return;
        }
    }
    headers_.emplace_back(name, value);
}

std::optional<std::string_view> Response::header(std::string_view name) const {
    for (const auto& [n, v] : headers_)
        if (sameName(n, name)) return v;
    return std::nullopt;
}

void Response::setRawBody(int status, std::string_view contentType, std::string_view body) {
    status_ = status;
    contentType_ = contentType;
    buffer_.Clear();
    char* out = buffer_.Push(body.size());
    std::copy(body.begin(), body.end(), out);
}

void Response::prepare(int status) {
    status_ = status;
    contentType_ = kJson;
    buffer_.Clear();
    writer_.Reset(buffer_);
}

JsonWriter& Response::begin(int status) {
    prepare(status);
    writer_.StartObject();
    writer_.Key("success");
    writer_.Bool(true);
    return writer_;
}

void Response::sendError(const ApiError& error, std::string_view requestId) {
    status_ = error.status();
    contentType_ = kJson;
    buffer_.Clear();
    writer_.Reset(buffer_);
    writer_.StartObject();
    writer_.Key("success");
    writer_.Bool(false);
    writer_.Key("error");
    writeString(writer_, error.what());
    writer_.Key("code");
    writeString(writer_, error.code());
    if (!error.details().empty()) {
        writer_.Key("details");
        writer_.StartArray();
        for (const auto& d : error.details()) {
            writer_.StartObject();
            writer_.Key("field");
            writeString(writer_, d.field);
            writer_.Key("message");
            writeString(writer_, d.message);
            writer_.Key("location");
            writeString(writer_, d.location);
            writer_.EndObject();
        }
        writer_.EndArray();
    }
    writer_.Key("requestId");
    writeString(writer_, requestId);
    writer_.EndObject();
    for (const auto& [name, value] : error.headers()) setHeader(name, value);
}

}  // namespace restd::http
