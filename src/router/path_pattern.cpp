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

std::optional<PathParams> PathPattern::match(std::string_view path) const {
    PathParams params;
    size_t i = 0;
    bool ok = forEachSegment(path, [&](std::string_view seg) {
        if (i >= segments_.size()) return false;
        const Segment& s = segments_[i++];
        if (s.isParam) {
            if (seg.empty()) return false;
            params.emplace_back(s.text, std::string(seg));
            return true;
        }
        return seg == s.text;
    });
    if (!ok || i != segments_.size()) return std::nullopt;
    return params;
}

std::string_view normalizePath(std::string_view path) {
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return path;
}

}  // namespace restd::router
