// SPDX-License-Identifier: Apache-2.0
// PathPattern: a compiled route path such as "/api/v1/users/{id}/posts".
// Literal segments match exactly; "{name}" segments capture one non-empty
// segment. Immutable after construction; safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restd::router {

using PathParams = std::vector<std::pair<std::string_view, std::string>>;

// A path split at its slashes once, for matching against every pattern of the
// route table without splitting it again for each.
class PathSegments {
  public:
    static constexpr size_t kMax = 16;  // more than any route has

    // Empty when `path` does not start with '/' or has more than kMax segments
    // (no route can match it). "/" has no segments.
    static std::optional<PathSegments> split(std::string_view path);

    size_t size() const { return size_; }
    std::string_view operator[](size_t i) const { return segments_[i]; }

  private:
    std::string_view segments_[kMax];
    size_t size_ = 0;
};

class PathPattern {
  public:
    explicit PathPattern(std::string_view pattern);

    // Captured params on a match. `path` must already have its trailing slash
    // removed (see normalizePath).
    std::optional<PathParams> match(std::string_view path) const;
    // The same for a path split already; allocates nothing when it fails.
    std::optional<PathParams> match(const PathSegments& path) const;
    // Whether `path` matches, without capturing (allocates nothing), and the
    // captures of a path that matches.
    bool matches(const PathSegments& path) const;
    PathParams params(const PathSegments& path) const;
    const std::vector<std::string_view>& paramNames() const { return paramNames_; }
    std::string_view text() const { return text_; }

  private:
    struct Segment {
        std::string_view text;  // literal text, or the param name
        bool isParam;
    };
    std::string_view text_;
    std::vector<Segment> segments_;
    std::vector<std::string_view> paramNames_;
};

// "/api/v1/users/" -> "/api/v1/users"; "/" stays "/".
std::string_view normalizePath(std::string_view path);

}  // namespace restd::router
