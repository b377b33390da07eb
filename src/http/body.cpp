// SPDX-License-Identifier: Apache-2.0
#include "http/body.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "http/api_error.h"

namespace restd::http {

namespace {

constexpr std::size_t kMaxBoundaryLength = 70;  // RFC 2046
constexpr std::size_t kMaxEchoedMediaType = 100;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool isOws(char c) { return c == ' ' || c == '\t'; }

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && isOws(s.front())) s.remove_prefix(1);
    while (!s.empty() && isOws(s.back())) s.remove_suffix(1);
    return s;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    char l = lowerAscii(c);
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

}  // namespace

bool validUtf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::ptrdiff_t len = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return false;
        }
        if (end - p < len || p[1] < lo || p[1] > hi) return false;
        for (std::ptrdiff_t i = 2; i < len; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
        }
        p += len;
    }
    return true;
}

namespace {

struct Param {
    std::string_view name;
    std::string value;  // quoted-strings unquoted
};

enum class ParamStatus { Ok, End, Malformed };

// Reads the next `; name=value` parameter of a header value (RFC 9110 5.6.6).
// `pos` starts at the first ';' and ends at the next one (or past the end).
ParamStatus nextParam(std::string_view s, std::size_t& pos, Param& out) {
    while (pos < s.size() && (s[pos] == ';' || isOws(s[pos]))) ++pos;
    if (pos >= s.size()) return ParamStatus::End;
    std::size_t nameStart = pos;
    while (pos < s.size() && s[pos] != '=' && s[pos] != ';' && !isOws(s[pos])) ++pos;
    out.name = s.substr(nameStart, pos - nameStart);
    while (pos < s.size() && isOws(s[pos])) ++pos;
    if (out.name.empty() || pos >= s.size() || s[pos] != '=') return ParamStatus::Malformed;
    ++pos;
    while (pos < s.size() && isOws(s[pos])) ++pos;
    out.value.clear();
    if (pos < s.size() && s[pos] == '"') {
        for (++pos;; ++pos) {
            if (pos >= s.size()) return ParamStatus::Malformed;
            if (s[pos] == '"') break;
            if (s[pos] == '\\' && ++pos >= s.size()) return ParamStatus::Malformed;
            out.value += s[pos];
        }
        ++pos;
    } else {
        std::size_t valueStart = pos;
        while (pos < s.size() && s[pos] != ';' && !isOws(s[pos])) ++pos;
        if (pos == valueStart) return ParamStatus::Malformed;
        out.value.assign(s.substr(valueStart, pos - valueStart));
    }
    while (pos < s.size() && isOws(s[pos])) ++pos;
    return pos < s.size() && s[pos] != ';' ? ParamStatus::Malformed : ParamStatus::Ok;
}

// Reads `Content-Disposition: form-data; name="..."`; nullptr or what is wrong.
const char* parseDisposition(std::string_view value, std::string& name) {
    if (!iequals(trim(value.substr(0, value.find(';'))), "form-data")) {
        return "part disposition is not form-data";
    }
    bool haveName = false;
    std::size_t pos = value.find(';');
    Param p;
    for (;;) {
        ParamStatus status = nextParam(value, pos, p);
        if (status == ParamStatus::End) break;
        if (status == ParamStatus::Malformed) return "malformed Content-Disposition";
        if (iequals(p.name, "filename") || iequals(p.name, "filename*")) {
            return "file uploads are not supported";
        }
        if (iequals(p.name, "name")) {
            if (haveName) return "duplicate name parameter";
            haveName = true;
            name = std::move(p.value);
        }
    }
    if (!haveName) return "part without a name";
    if (name.empty()) return "part with an empty name";
    if (!validUtf8(name)) return "part name is not valid UTF-8";
    return nullptr;
}

// Reads a part's header block (CRLF separated lines, the final CRLF CRLF removed).
const char* parsePartHeaders(std::string_view headers, std::string& name) {
    bool haveDisposition = false;
    while (!headers.empty()) {
        std::size_t eol = headers.find("\r\n");
        std::string_view line = headers.substr(0, eol);
        headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0 || isOws(line[0])) {
            return "malformed part header";
        }
        std::string_view field = trim(line.substr(0, colon));
        std::string_view value = trim(line.substr(colon + 1));
        if (iequals(field, "Content-Disposition")) {
            if (haveDisposition) return "duplicate Content-Disposition";
            haveDisposition = true;
            if (const char* error = parseDisposition(value, name)) return error;
        } else if (iequals(field, "Content-Type")) {
            if (mediaType(value) != "text/plain") return "part Content-Type must be text/plain";
            if (!charsetIsUtf8(value)) return "part charset must be utf-8";
        } else if (iequals(field, "Content-Transfer-Encoding")) {
            if (!iequals(value, "binary") && !iequals(value, "8bit") && !iequals(value, "7bit")) {
                return "unsupported Content-Transfer-Encoding";
            }
        }
    }
    return haveDisposition ? nullptr : "part without Content-Disposition";
}

MultipartResult multipartFailure(std::string error) { return {false, {}, std::move(error)}; }

// RapidJSON turns a lone low surrogate escape ("\uDC00") into invalid UTF-8.
bool stringsAreUtf8(const rapidjson::Value& v) {
    if (v.IsString()) return validUtf8({v.GetString(), v.GetStringLength()});
    if (v.IsArray()) {
        for (const auto& item : v.GetArray()) {
            if (!stringsAreUtf8(item)) return false;
        }
    } else if (v.IsObject()) {
        for (const auto& member : v.GetObject()) {
            if (!stringsAreUtf8(member.name) || !stringsAreUtf8(member.value)) return false;
        }
    }
    return true;
}

// Passes the reader's events on to the document, and stops the parse as soon
// as an object or an array outgrows kMaxJsonMembers: a body of a million
// members costs no more than one of a thousand and one.
class BoundedHandler {
  public:
    explicit BoundedHandler(rapidjson::Document& doc) : doc_(doc) {}

    // What outgrew the bound ("members in one JSON object"), or nullptr.
    const char* overflow() const { return overflow_; }
    bool numberTooBig() const { return numberTooBig_; }

    bool Null() { return value() && doc_.Null(); }
    bool Bool(bool b) { return value() && doc_.Bool(b); }
    bool Int(int i) { return value() && doc_.Int(i); }
    bool Uint(unsigned u) { return value() && doc_.Uint(u); }
    bool Int64(int64_t i) { return value() && doc_.Int64(i); }
    bool Uint64(uint64_t u) { return value() && doc_.Uint64(u); }
    // RapidJSON refuses an exponent past 308 only: a number that rounds past
    // the largest double (2e308) arrives here as an infinity, which no JSON
    // can carry. It is refused as 1e400 is.
    bool Double(double d) {
        if (!std::isfinite(d)) {
            numberTooBig_ = true;
            return false;
        }
        return value() && doc_.Double(d);
    }
    bool RawNumber(const char* str, rapidjson::SizeType length, bool copy) {
        return value() && doc_.RawNumber(str, length, copy);
    }
    bool String(const char* str, rapidjson::SizeType length, bool copy) {
        return value() && doc_.String(str, length, copy);
    }
    bool StartObject() { return open(false) && doc_.StartObject(); }
    bool Key(const char* str, rapidjson::SizeType length, bool copy) {
        return count() && doc_.Key(str, length, copy);
    }
    bool EndObject(rapidjson::SizeType members) {
        counts_.pop_back();
        return doc_.EndObject(members);
    }
    bool StartArray() { return open(true) && doc_.StartArray(); }
    bool EndArray(rapidjson::SizeType elements) {
        counts_.pop_back();
        return doc_.EndArray(elements);
    }

  private:
    struct Container {
        bool array;
        std::size_t items;
    };

    // One more member of the innermost object, or element of the innermost array.
    bool count() {
        Container& c = counts_.back();
        if (++c.items <= kMaxJsonMembers) return true;
        overflow_ = c.array ? "elements in one JSON array" : "members in one JSON object";
        return false;
    }
    // A value: an element when it sits in an array (an object counts its keys).
    bool value() { return counts_.empty() || !counts_.back().array || count(); }
    bool open(bool array) {
        if (!value()) return false;
        counts_.push_back({array, 0});
        return true;
    }

    rapidjson::Document& doc_;
    std::vector<Container> counts_;
    const char* overflow_ = nullptr;
    bool numberTooBig_ = false;
};

ApiError malformedJson(rapidjson::ParseErrorCode code, std::size_t offset) {
    std::string_view what = rapidjson::GetParseError_En(code);
    if (what.ends_with('.')) what.remove_suffix(1);
    std::string message = "Malformed JSON: ";
    message += what;
    message += " at offset " + std::to_string(offset);
    return ApiError::malformedBody(message);
}

void parseJson(std::string_view text, rapidjson::Document& doc) {
    if (jsonDepthExceeds(text, kMaxJsonDepth)) {
        throw ApiError::malformedBody("JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                                      " levels");
    }
    // A plain MemoryStream rather than Parse(str, length): that one wraps the stream in
    // an EncodedInputStream, which drops stray BOM bytes one by one, and it reads a NUL
    // byte as the end of the input, which would accept "{}\0junk".
    std::size_t skipped = text.starts_with(kUtf8Bom) ? kUtf8Bom.size() : 0;
    rapidjson::MemoryStream in(text.data() + skipped, text.size() - skipped);
    rapidjson::Reader reader;
    BoundedHandler handler(doc);
    auto generate = [&](rapidjson::Document&) {
        return !reader
                    .Parse<rapidjson::kParseValidateEncodingFlag |
                           rapidjson::kParseStopWhenDoneFlag>(in, handler)
                    .IsError();
    };
    doc.Populate(generate);
    if (handler.overflow()) {
        throw ApiError::malformedBody("More than " + std::to_string(kMaxJsonMembers) + " " +
                                      handler.overflow());
    }
    if (handler.numberTooBig()) {
        // The reader names the number's start when its handler stops it.
        throw malformedJson(rapidjson::kParseErrorNumberTooBig, skipped + reader.GetErrorOffset());
    }
    if (reader.HasParseError())
        throw malformedJson(reader.GetParseErrorCode(), skipped + reader.GetErrorOffset());
    std::size_t rest = text.find_first_not_of(" \t\r\n", skipped + in.Tell());
    if (rest != std::string_view::npos) {
        throw malformedJson(rapidjson::kParseErrorDocumentRootNotSingular, rest);
    }
    if (!stringsAreUtf8(doc)) {
        throw ApiError::malformedBody("Malformed JSON: a \\u escape is a lone surrogate");
    }
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view in, bool plusIsSpace) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (in.size() - i < 3) return std::nullopt;
            int hi = hexValue(in[i + 1]);
            int lo = hexValue(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += plusIsSpace && c == '+' ? ' ' : c;
        }
    }
    if (!validUtf8(out)) return std::nullopt;
    return out;
}

std::optional<FormFields> parseUrlEncoded(std::string_view in) {
    FormFields fields;
    while (!in.empty()) {
        std::size_t amp = in.find('&');
        std::string_view pair = in.substr(0, amp);
        in = amp == std::string_view::npos ? std::string_view{} : in.substr(amp + 1);
        if (pair.empty()) continue;
        if (fields.size() == kMaxFormFields) return std::nullopt;
        std::size_t eq = pair.find('=');
        if (eq == 0) return std::nullopt;
        auto key = percentDecode(pair.substr(0, eq), true);
        auto value = percentDecode(
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!key || !value) return std::nullopt;
        fields.emplace_back(std::move(*key), std::move(*value));
    }
    return fields;
}

bool jsonDepthExceeds(std::string_view json, int maxDepth) {
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        char c = json[i];
        if (inString) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                inString = false;
            }
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth) return true;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

MultipartResult parseMultipart(std::string_view body, std::string_view boundary) {
    if (boundary.empty() || boundary.size() > kMaxBoundaryLength) {
        return multipartFailure("boundary must be 1-70 characters");
    }
    std::string delimiterText = "\r\n--";
    delimiterText += boundary;
    const std::string_view delimiter = delimiterText;

    std::size_t pos = 0;  // just past the current delimiter
    if (body.starts_with(delimiter.substr(2))) {
        pos = delimiter.size() - 2;
    } else {
        std::size_t first = body.find(delimiter);
        if (first == std::string_view::npos) return multipartFailure("no opening boundary");
        pos = first + delimiter.size();
    }

    MultipartResult result;
    for (;;) {
        std::string_view line = body.substr(pos);
        if (line.starts_with("--")) break;  // the close delimiter; the epilogue is ignored
        std::size_t padding = 0;
        while (padding < line.size() && isOws(line[padding])) ++padding;
        if (line.size() == padding) return multipartFailure("no closing boundary");
        if (line.substr(padding, 2) != "\r\n") return multipartFailure("malformed boundary line");

        std::size_t partStart = pos + padding + 2;
        std::size_t next = body.find(delimiter, partStart);
        if (next == std::string_view::npos) return multipartFailure("no closing boundary");
        if (result.fields.size() == kMaxFormFields) return multipartFailure("too many parts");

        std::string_view part = body.substr(partStart, next - partStart);
        std::size_t headerEnd = part.starts_with("\r\n") ? 0 : part.find("\r\n\r\n");
        if (headerEnd == std::string_view::npos) {
            return multipartFailure("part headers not terminated by a blank line");
        }
        std::string name;
        if (const char* error = parsePartHeaders(part.substr(0, headerEnd), name)) {
            return multipartFailure(error);
        }
        std::string_view value = part.substr(headerEnd == 0 ? 2 : headerEnd + 4);
        if (!validUtf8(value)) return multipartFailure("part value is not valid UTF-8");
        result.fields.emplace_back(std::move(name), std::string(value));
        pos = next + delimiter.size();
    }
    result.ok = true;
    return result;
}

std::string mediaType(std::string_view contentType) {
    std::string type(trim(contentType.substr(0, contentType.find(';'))));
    for (char& c : type) c = lowerAscii(c);
    return type;
}

std::optional<std::string> mediaTypeParam(std::string_view contentType, std::string_view name) {
    std::size_t pos = contentType.find(';');
    Param p;
    for (;;) {
        switch (nextParam(contentType, pos, p)) {
            case ParamStatus::End:
                return std::nullopt;
            case ParamStatus::Malformed:
                pos = contentType.find(';', pos);  // skip to the next parameter
                break;
            case ParamStatus::Ok:
                if (iequals(p.name, name)) return std::move(p.value);
                break;
        }
    }
}

bool charsetIsUtf8(std::string_view contentType) {
    std::size_t pos = contentType.find(';');
    Param p;
    for (;;) {
        switch (nextParam(contentType, pos, p)) {
            case ParamStatus::End:
                return true;
            case ParamStatus::Malformed:
                pos = contentType.find(';', pos);  // skip to the next parameter
                break;
            case ParamStatus::Ok:
                if (iequals(p.name, "charset") && !iequals(p.value, "utf-8")) return false;
                break;
        }
    }
}

Body parseBody(std::string_view contentType, std::string_view body) {
    Body result;
    if (body.empty()) return result;

    // Exactly the three types of the contract: no other +json type (a client
    // that sends application/merge-patch+json means other semantics than
    // restd's PATCH), and only UTF-8, which every charset parameter must name.
    const std::string type = mediaType(contentType);
    const bool supported = type == "application/json" ||
                           type == "application/x-www-form-urlencoded" ||
                           type == "multipart/form-data";
    if (supported && !charsetIsUtf8(contentType)) {
        throw ApiError::unsupportedMediaType("Unsupported charset: bodies must be UTF-8");
    }
    if (type == "application/json") {
        result.kind = Body::Kind::Json;
        parseJson(body, result.json);
    } else if (type == "application/x-www-form-urlencoded") {
        auto fields = parseUrlEncoded(body);
        if (!fields) throw ApiError::malformedBody("Malformed form body");
        result.kind = Body::Kind::Form;
        result.fields = std::move(*fields);
    } else if (type == "multipart/form-data") {
        auto boundary = mediaTypeParam(contentType, "boundary");
        if (!boundary) throw ApiError::malformedBody("Malformed multipart body: no boundary");
        MultipartResult parts = parseMultipart(body, *boundary);
        if (!parts.ok) throw ApiError::malformedBody("Malformed multipart body: " + parts.error);
        result.kind = Body::Kind::Form;
        result.fields = std::move(parts.fields);
    } else if (type.empty()) {
        throw ApiError::unsupportedMediaType("Missing Content-Type");
    } else {
        // The type goes back to the client: only echo something short and printable.
        bool printable = type.size() <= kMaxEchoedMediaType;
        for (char c : type) printable = printable && c > ' ' && c < 0x7F;
        throw ApiError::unsupportedMediaType(printable ? "Unsupported Content-Type: " + type
                                                       : "Unsupported Content-Type");
    }
    return result;
}

}  // namespace restd::http
