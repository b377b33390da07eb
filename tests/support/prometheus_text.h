// SPDX-License-Identifier: Apache-2.0
// A strict reader of the Prometheus text exposition format 0.0.4, for the
// unit and integration tests of /metrics (header-only: both binaries use it).
// Stricter than Prometheus itself where restd has no reason to differ: every
// line is `# HELP`, `# TYPE` or a sample without timestamp; no blank lines;
// each family has exactly one TYPE, given before its samples, and its samples
// form one group; counters end in _total and are >= 0; histograms have
// increasing `le` bounds ending in +Inf, cumulative counts, _sum, and _count
// equal to the +Inf bucket. Every broken rule becomes one entry of errors.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restd::test::prometheus {

using Labels = std::map<std::string, std::string>;

struct Sample {
    std::string name;
    Labels labels;
    double value = 0;
};

struct Family {
    std::string name;
    std::string type;
    std::string help;
    std::vector<Sample> samples;
};

struct Exposition {
    std::vector<Family> families;  // in order of their TYPE lines
    std::vector<std::string> errors;

    const Family* family(std::string_view name) const {
        for (const Family& f : families)
            if (f.name == name) return &f;
        return nullptr;
    }
    // The value of the sample with exactly these labels.
    std::optional<double> value(std::string_view name, const Labels& labels = {}) const {
        for (const Family& f : families)
            for (const Sample& s : f.samples)
                if (s.name == name && s.labels == labels) return s.value;
        return std::nullopt;
    }
    // The value, or 0 when the series is absent (counters start unexported).
    double valueOr0(std::string_view name, const Labels& labels = {}) const {
        return value(name, labels).value_or(0);
    }
};

namespace detail {

inline bool isNameStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
inline bool isNameChar(char c) {
    return isNameStart(c) || std::isdigit(static_cast<unsigned char>(c));
}
inline bool isMetricName(std::string_view s) {
    return !s.empty() && isNameStart(s[0]) && std::all_of(s.begin(), s.end(), isNameChar);
}
inline bool isLabelName(std::string_view s) {
    return isMetricName(s) && s.find(':') == std::string_view::npos && !s.starts_with("__");
}

inline std::optional<double> parseValue(std::string_view s) {
    if (s == "+Inf") return HUGE_VAL;
    if (s == "-Inf") return -HUGE_VAL;
    if (s == "NaN") return std::nan("");
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// Parses `name{a="x",b="y"} value`; returns an error text or "".
inline std::string parseSample(std::string_view line, Sample& out) {
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    out.name = std::string(line.substr(0, i));
    if (!isMetricName(out.name)) return "bad metric name";
    if (i < line.size() && line[i] == '{') {
        ++i;
        while (true) {
            if (i < line.size() && line[i] == '}') {
                ++i;
                break;
            }
            size_t start = i;
            while (i < line.size() && line[i] != '=') ++i;
            std::string name(line.substr(start, i - start));
            if (!isLabelName(name)) return "bad label name '" + name + "'";
            if (i + 1 >= line.size() || line[i + 1] != '"') return "label value is not quoted";
            i += 2;
            std::string value;
            while (true) {
                if (i >= line.size()) return "unterminated label value";
                char c = line[i++];
                if (c == '"') break;
                if (c == '\\') {
                    if (i >= line.size()) return "dangling backslash";
                    char e = line[i++];
                    if (e == '\\' || e == '"') {
                        value += e;
                    } else if (e == 'n') {
                        value += '\n';
                    } else {
                        return std::string("bad escape \\") + e;
                    }
                } else {
                    value += c;
                }
            }
            if (!out.labels.emplace(name, value).second) return "duplicate label " + name;
            if (i < line.size() && line[i] == ',') {
                ++i;
            } else if (i >= line.size() || line[i] != '}') {
                return "expected ',' or '}' after a label";
            }
        }
    }
    if (i >= line.size() || line[i] != ' ') return "expected one space before the value";
    std::string_view valueText = line.substr(i + 1);
    auto value = parseValue(valueText);
    if (!value) return "bad value '" + std::string(valueText) + "' (timestamps are not expected)";
    out.value = *value;
    return "";
}

// The family a sample name belongs to, given the family's type.
inline bool belongsTo(const Family& f, const Sample& s) {
    if (f.type == "histogram") {
        return s.name == f.name + "_bucket" || s.name == f.name + "_sum" ||
               s.name == f.name + "_count";
    }
    if (f.type == "summary") {
        return s.name == f.name || s.name == f.name + "_sum" || s.name == f.name + "_count";
    }
    return s.name == f.name;
}

inline void checkHistogram(const Family& f, std::vector<std::string>& errors) {
    struct Series {
        std::vector<std::pair<double, double>> buckets;  // (le, count) in order
        std::optional<double> sum, count;
    };
    std::map<Labels, Series> series;
    for (const Sample& s : f.samples) {
        Labels key = s.labels;
        if (s.name == f.name + "_bucket") {
            auto le = key.find("le");
            if (le == key.end()) {
                errors.push_back(f.name + ": a bucket without le");
                continue;
            }
            auto bound = parseValue(le->second);
            if (!bound) {
                errors.push_back(f.name + ": bad le '" + le->second + "'");
                continue;
            }
            key.erase(le);
            series[key].buckets.emplace_back(*bound, s.value);
        } else if (s.name == f.name + "_sum") {
            series[key].sum = s.value;
        } else {
            series[key].count = s.value;
        }
    }
    for (const auto& [labels, h] : series) {
        std::string where = f.name;
        for (const auto& [k, v] : labels) where += " " + k + "=" + v;
        if (h.buckets.empty() || !std::isinf(h.buckets.back().first)) {
            errors.push_back(where + ": the last bucket is not le=\"+Inf\"");
        }
        for (size_t i = 1; i < h.buckets.size(); ++i) {
            if (!(h.buckets[i].first > h.buckets[i - 1].first)) {
                errors.push_back(where + ": le bounds are not increasing");
            }
            if (h.buckets[i].second < h.buckets[i - 1].second) {
                errors.push_back(where + ": bucket counts are not cumulative");
            }
        }
        if (!h.sum) errors.push_back(where + ": no _sum");
        if (!h.count) {
            errors.push_back(where + ": no _count");
        } else if (!h.buckets.empty() && h.buckets.back().second != *h.count) {
            errors.push_back(where + ": +Inf bucket " + std::to_string(h.buckets.back().second) +
                             " != _count " + std::to_string(*h.count));
        }
    }
}

}  // namespace detail

inline Exposition parse(std::string_view text) {
    using namespace detail;
    Exposition out;
    auto error = [&out](size_t lineNo, const std::string& what, std::string_view line) {
        out.errors.push_back("line " + std::to_string(lineNo) + ": " + what + ": " +
                             std::string(line));
    };
    if (text.empty()) out.errors.push_back("empty exposition");
    if (!text.empty() && text.back() != '\n') out.errors.push_back("does not end with \\n");
    std::map<std::string, std::string> helps;
    std::set<std::pair<std::string, Labels>> seen;
    Family* current = nullptr;
    size_t lineNo = 0;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++lineNo;
        if (line.empty()) {
            error(lineNo, "blank line", line);
            continue;
        }
        if (line.find('\r') != std::string_view::npos) error(lineNo, "carriage return", line);
        if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
            std::string_view rest = line.substr(7);
            size_t space = rest.find(' ');
            std::string name(rest.substr(0, space));
            std::string_view arg = space == std::string_view::npos ? "" : rest.substr(space + 1);
            if (!isMetricName(name)) {
                error(lineNo, "bad metric name", line);
                continue;
            }
            if (line[2] == 'H') {
                if (!helps.emplace(name, std::string(arg)).second) {
                    error(lineNo, "second HELP", line);
                }
                if (Family* f = current; f && f->name == name) f->help = arg;
                continue;
            }
            static const std::set<std::string_view> kTypes = {"counter", "gauge", "histogram",
                                                              "summary", "untyped"};
            if (!kTypes.contains(arg)) error(lineNo, "unknown type", line);
            if (std::any_of(out.families.begin(), out.families.end(),
                            [&name](const Family& f) { return f.name == name; })) {
                error(lineNo, "second TYPE", line);
                continue;
            }
            out.families.push_back({name, std::string(arg), helps[name], {}});
            current = &out.families.back();
            if (current->type == "counter" && !name.ends_with("_total")) {
                error(lineNo, "counter name without _total", line);
            }
            continue;
        }
        if (line.starts_with('#')) {
            error(lineNo, "comment other than HELP or TYPE", line);
            continue;
        }
        Sample sample;
        if (std::string what = parseSample(line, sample); !what.empty()) {
            error(lineNo, what, line);
            continue;
        }
        if (!current || !belongsTo(*current, sample)) {
            error(lineNo, "sample outside its family's group (TYPE missing or not just before)",
                  line);
            continue;
        }
        if (!seen.emplace(sample.name, sample.labels).second) {
            error(lineNo, "duplicate series", line);
        }
        if (current->type == "counter" && !(sample.value >= 0)) {
            error(lineNo, "counter below 0", line);
        }
        current->samples.push_back(std::move(sample));
    }
    for (const Family& f : out.families) {
        if (f.type == "histogram") checkHistogram(f, out.errors);
    }
    return out;
}

// The families restd documents (README "Metrics"), with their types: what
// both the unit test of the region and the integration test of /metrics
// expect to find.
inline const std::pair<std::string, std::string> kRestdFamilies[] = {
    {"restd_http_requests_total", "counter"},
    {"restd_http_request_duration_seconds", "histogram"},
    {"restd_requests_in_flight", "gauge"},
    {"restd_worker_accept_threads", "gauge"},
    {"restd_max_threads_reached_total", "counter"},
    {"restd_slow_requests_total", "counter"},
    {"restd_listen_queue_length", "gauge"},
    {"restd_listen_queue_length_max", "gauge"},
    {"restd_listen_backlog", "gauge"},
    {"restd_db_pool_connections", "gauge"},
    {"restd_db_pool_wait_seconds", "histogram"},
    {"restd_db_pool_wait_timeouts_total", "counter"},
    {"restd_db_pool_checkouts_total", "counter"},
    {"restd_db_replica_passed_over_total", "counter"},
    {"restd_worker_restarts_total", "counter"},
    {"restd_workers", "gauge"},
    {"restd_build_info", "gauge"},
    {"process_cpu_seconds_total", "counter"},
    {"process_resident_memory_bytes", "gauge"},
    {"process_open_fds", "gauge"},
    {"process_start_time_seconds", "gauge"},
};

}  // namespace restd::test::prometheus
