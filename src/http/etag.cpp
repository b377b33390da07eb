// SPDX-License-Identifier: Apache-2.0
#include "http/etag.h"

#include <vector>

#include "common/digest.h"
#include "common/hex.h"

namespace restd::http {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

struct Tag {
    std::string_view opaque;  // with its quotes
    bool weak = false;
};

// The comma-separated entity tags of a header. Commas may appear inside a
// quoted tag, so the list is split by scanning quotes, not by commas alone.
// Malformed members are skipped (they match nothing).
std::vector<Tag> parseTags(std::string_view header) {
    std::vector<Tag> tags;
    size_t i = 0;
    while (i < header.size()) {
        while (i < header.size() && (header[i] == ' ' || header[i] == '\t' || header[i] == ','))
            ++i;
        if (i >= header.size()) break;
        bool weak = false;
        if (header.substr(i, 2) == "W/") {
            weak = true;
            i += 2;
        }
        if (i < header.size() && header[i] == '"') {
            size_t close = header.find('"', i + 1);
            if (close == std::string_view::npos) break;
            tags.push_back({header.substr(i, close - i + 1), weak});
            i = close + 1;
        } else {
            size_t comma = header.find(',', i);
            i = comma == std::string_view::npos ? header.size() : comma;
        }
    }
    return tags;
}

}  // namespace

std::string etagOf(std::string_view body) {
    std::string tag = common::toHex(std::string_view(common::sha256(body)).substr(0, 16));
    tag.insert(tag.begin(), '"');
    tag += '"';
    return tag;
}

bool noneMatchHits(std::string_view header, std::string_view etag) {
    if (trim(header) == "*") return true;
    for (const Tag& t : parseTags(header)) {
        if (t.opaque == etag) return true;
    }
    return false;
}

bool ifMatchHolds(std::string_view header, std::string_view etag) {
    if (trim(header) == "*") return true;
    for (const Tag& t : parseTags(header)) {
        if (!t.weak && t.opaque == etag) return true;
    }
    return false;
}

}  // namespace restd::http
