// SPDX-License-Identifier: Apache-2.0
#include "load.h"

#include <algorithm>
#include <sstream>

#include "http_client.h"
#include "stack.h"

namespace restd::test {

namespace {

constexpr size_t kExamples = 5;

}  // namespace

std::string LoadResult::summary() const {
    std::ostringstream out;
    out << failed << " of " << sent << " failed";
    if (!failures.empty()) {
        out << " (";
        bool first = true;
        for (const auto& [what, count] : failures) {
            out << (first ? "" : ", ") << what << ": " << count;
            first = false;
        }
        out << ")";
    }
    out.precision(2);
    out << std::fixed << " in " << seconds << " s";
    if (boundReached) out << " (ended by a bound)";
    return out.str();
}

std::string LoadResult::figures() const {
    std::ostringstream out;
    bool first = true;
    for (const auto& [what, count] : answers) {
        out << (first ? "" : ", ") << what << ": " << count;
        first = false;
    }
    out.precision(1);
    out << std::fixed << "; p50 " << percentileMs(50) << " ms, p99 " << percentileMs(99) << " ms";
    if (!attempted.empty()) {
        out << "; writes acknowledged " << acknowledged.size() << " of " << attempted.size();
    }
    return out.str();
}

long LoadResult::answered(const std::string& key) const {
    auto it = answers.find(key);
    return it == answers.end() ? 0 : it->second;
}

double LoadResult::percentileMs(double p) const {
    if (answeredMs.empty()) return 0;
    std::vector<double> sorted = answeredMs;
    std::sort(sorted.begin(), sorted.end());
    auto rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

long LoadResult::failedOtherThan(const std::vector<std::string>& allowed) const {
    long other = 0;
    for (const auto& [what, count] : failures) {
        if (std::find(allowed.begin(), allowed.end(), what) == allowed.end()) other += count;
    }
    return other;
}

Load::Load(std::vector<LoadRequest> mix, Options options)
    : mix_(std::move(mix)), options_(options) {}

Load::~Load() { stop(); }

void Load::start() {
    startedAt_ = std::chrono::steady_clock::now();
    for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this, i] { run(i); });
}

LoadResult Load::stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
    std::lock_guard lock(mutex_);
    result_.sent = sent_.load();
    result_.boundReached = boundReached_.load();
    return result_;
}

void Load::run(int thread) {
    const std::string base = stack().env("BASE_URL");
    RequestOptions options{
        .timeoutSeconds = options_.requestTimeoutSeconds,
        .sourceAddress =
            "127.0.2." + std::to_string(1 + (options_.firstAddress - 1 + thread) % 250)};
    const auto deadline = startedAt_ + options_.maxDuration;
    long count = 0;
    for (size_t n = static_cast<size_t>(thread); !stop_; ++n) {
        if (std::chrono::steady_clock::now() >= deadline) {
            boundReached_ = true;
            break;
        }
        if (sent_.fetch_add(1) >= options_.maxRequests) {
            --sent_;
            boundReached_ = true;
            break;
        }
        const LoadRequest& r = mix_[n % mix_.size()];
        std::string body = r.body;
        std::string marker;
        if (size_t at = body.find(kMarker); at != std::string::npos) {
            marker = options_.markerPrefix + "-" + std::to_string(thread) + "-" +
                     std::to_string(++count);
            body.replace(at, kMarker.size(), marker);
        }
        const auto sentAt = std::chrono::steady_clock::now();
        HttpResponse response = request(r.method, base + r.path, r.headers, body, options);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sentAt)
                .count();
        const std::string what = r.method + " " +
                                 (response.completed() ? std::to_string(response.status)
                                                       : std::string("transfer failed"));
        record(r, response, what, marker, ms);
        if (options_.pause.count() > 0) std::this_thread::sleep_for(options_.pause);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - startedAt_).count();
    std::lock_guard lock(mutex_);
    result_.seconds = std::max(result_.seconds, seconds);
}

void Load::record(const LoadRequest& r, const HttpResponse& response, const std::string& what,
                  const std::string& marker, double ms) {
    std::lock_guard lock(mutex_);
    ++result_.answers[what];
    if (response.completed()) result_.answeredMs.push_back(ms);
    auto [fastest, first] = result_.fastestMs.try_emplace(what, ms);
    if (!first) fastest->second = std::min(fastest->second, ms);
    if (response.status == 503 && (!response.hasHeader("Retry-After") ||
                                   response.body.find(R"("success":false)") == std::string::npos)) {
        ++result_.bare503;
    }
    if (!marker.empty()) {
        result_.attempted.push_back(marker);
        if (response.status >= 200 && response.status < 300) result_.acknowledged.push_back(marker);
    }
    if (response.status != r.expectStatus) {
        ++result_.failed;
        ++result_.failures[what];
        if (result_.examples.size() < kExamples) {
            result_.examples.push_back(r.method + " " + r.path + ": " + response.summary());
        }
    }
}

}  // namespace restd::test
