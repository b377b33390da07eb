// SPDX-License-Identifier: Apache-2.0
#include "router/path_pattern.h"

namespace restd::router {

namespace {

// Calls fn(segment) for each '/'-separated segment after the leading slash.
template <class Fn>
bool forEachSegment(std::string_view path, Fn&& fn) {
    if (path.empty() || path.front() != '/') return false;
    if (path == "/") return true;
    size_t start = 1;
    while (true) {
        size_t end = path.find('/', start);
        if (!fn(path.substr(start, end == std::string_view::npos ? end : end - start)))
            return false;
        if (end == std::string_view::npos) return true;
        start = end + 1;
    }
}

}  // namespace

PathPattern::PathPattern(std::string_view pattern) : text_(pattern) {
    forEachSegment(pattern, [this](std::string_view seg) {
        bool isParam = seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
        if (isParam) {
            seg = seg.substr(1, seg.size() - 2);
            paramNames_.push_back(seg);
        }
        segments_.push_back({seg, isParam});
        return true;
    });
}

std::optional<PathSegments> PathSegments::split(std::string_view path) {
    PathSegments out;
    bool fits = forEachSegment(path, [&out](std::string_view seg) {
        if (out.size_ == kMax) return false;
        out.segments_[out.size_++] = seg;
        return true;
    });
    if (!fits) return std::nullopt;
    return out;
}

std::optional<PathParams> PathPattern::match(std::string_view path) const {
    auto segments = PathSegments::split(path);
    if (!segments) return std::nullopt;
    return match(*segments);
}

std::optional<PathParams> PathPattern::match(const PathSegments& path) const {
    if (!matches(path)) return std::nullopt;
    return params(path);
}

bool PathPattern::matches(const PathSegments& path) const {
    if (path.size() != segments_.size()) return false;
    for (size_t i = 0; i < segments_.size(); ++i) {
        const Segment& s = segments_[i];
        if (s.isParam ? path[i].empty() : path[i] != s.text) return false;
    }
    return true;
}

PathParams PathPattern::params(const PathSegments& path) const {
    PathParams out;
    out.reserve(paramNames_.size());
    for (size_t i = 0; i < segments_.size(); ++i) {
        if (segments_[i].isParam) out.emplace_back(segments_[i].text, std::string(path[i]));
    }
    return out;
}

std::string_view normalizePath(std::string_view path) {
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return path;
}

}  // namespace restd::router
