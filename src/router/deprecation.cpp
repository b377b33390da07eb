// SPDX-License-Identifier: Apache-2.0
#include "router/deprecation.h"

#include <ctime>

namespace restd::router {

namespace {

// IMF-fixdate (RFC 9110 5.6.7), the one form of HTTP date a sender may write.
std::string httpDate(int64_t unixTime) {
    const auto t = static_cast<std::time_t>(unixTime);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[40];
    size_t n = std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return {out, n};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> deprecationHeaders(const Deprecation& d) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!d) return out;
    out.emplace_back("Deprecation", "@" + std::to_string(d.since));
    if (d.sunset != 0) out.emplace_back("Sunset", httpDate(d.sunset));
    std::string link = "</docs/>; rel=\"deprecation\"";
    if (!d.successor.empty()) {
        link = "<" + std::string(d.successor) + ">; rel=\"successor-version\", " + link;
    }
    out.emplace_back("Link", std::move(link));
    return out;
}

}  // namespace restd::router
