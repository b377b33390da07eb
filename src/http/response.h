// SPDX-License-Identifier: Apache-2.0
// Response: status, headers and body of one reply, and the JSON envelope of
// docs/api.md written through a RapidJSON Writer. A worker thread keeps one Response
// and reuses its buffers across requests (reset()). Not thread-safe.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/api_error.h"

namespace restd::http {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

class Response {
  public:
    void reset();

    int status() const { return status_; }
    void setStatus(int status) { status_ = status; }
    // Replaces a header of the same (case-insensitive) name.
    void setHeader(std::string_view name, std::string_view value);
    std::optional<std::string_view> header(std::string_view name) const;
    const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

    std::string_view contentType() const { return contentType_; }
    std::string_view body() const { return {buffer_.GetString(), buffer_.GetSize()}; }
    // A body that is not an envelope (OpenAPI document, metrics text).
    void setRawBody(int status, std::string_view contentType, std::string_view body);
    // Drops the body but keeps headers (HEAD, 304).
    void clearBody() { buffer_.Clear(); }
    // Drops the body of a HEAD response; Content-Length still announces the
    // length the GET would have had (RFC 9110 9.3.2).
    void clearBodyForHead() {
        headLength_ = buffer_.GetSize();
        buffer_.Clear();
    }
    // What Content-Length announces: nothing for 204 and 304, which have no body.
    std::optional<size_t> contentLength() const {
        if (status_ == 204 || status_ == 304) return std::nullopt;
        return headLength_ ? *headLength_ : buffer_.GetSize();
    }

    // {"success":true,"data":<writeData>[,"message":...]}
    template <class DataFn>
    void sendData(int status, DataFn&& writeData, std::string_view message = {}) {
        prepare(status);
        writeDataEnvelope(writer_, writeData, message);
    }

    // {"success":true,"data":{"id":<id>},"message":<message>}: the answer to a DELETE.
    void sendDeleted(int64_t id, std::string_view message) {
        sendData(
            200,
            [id](JsonWriter& w) {
                w.StartObject();
                w.Key("id");
                w.Int64(id);
                w.EndObject();
            },
            message);
    }

    // {"success":true,"data":<writeData>,"meta":<writeMeta>}
    template <class DataFn, class MetaFn>
    void sendList(DataFn&& writeData, MetaFn&& writeMeta) {
        JsonWriter& w = begin(200);
        w.Key("data");
        writeData(w);
        w.Key("meta");
        writeMeta(w);
        w.EndObject();
    }

    // {"success":false,"error","code"[,"details"],"requestId"} plus the error's headers.
    void sendError(const ApiError& error, std::string_view requestId);

    // The envelope sendData writes, into any writer (renderData uses it too,
    // so a tag computed from it equals the tag of the GET response).
    template <class DataFn>
    static void writeDataEnvelope(JsonWriter& w, DataFn&& writeData, std::string_view message) {
        w.StartObject();
        w.Key("success");
        w.Bool(true);
        w.Key("data");
        writeData(w);
        if (!message.empty()) {
            w.Key("message");
            w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
        }
        w.EndObject();
    }

  private:
    // Sets status and content type and clears the body; begin() also opens
    // the envelope ({"success":true) for sendList.
    void prepare(int status);
    JsonWriter& begin(int status);

    int status_ = 200;
    std::vector<std::pair<std::string, std::string>> headers_;
    std::string contentType_;
    rapidjson::StringBuffer buffer_;
    JsonWriter writer_{buffer_};
    std::optional<size_t> headLength_;  // clearBodyForHead()
};

// The body sendData(200, writeData) writes: what a GET of the same data returns.
template <class DataFn>
std::string renderData(DataFn&& writeData) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    Response::writeDataEnvelope(w, writeData, {});
    return {buffer.GetString(), buffer.GetSize()};
}

// Writes a string value (helper for handlers and envelopes).
inline void writeString(JsonWriter& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace restd::http
