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
    RequestOptions options{.timeoutSeconds = 20,
                           .sourceAddress = "127.0.2." + std::to_string(1 + thread % 250)};
    const auto deadline = startedAt_ + options_.maxDuration;
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
        HttpResponse response = request(r.method, base + r.path, r.headers, r.body, options);
        if (response.status != r.expectStatus) {
            std::string what = r.method + " " +
                               (response.completed() ? std::to_string(response.status)
                                                     : std::string("transfer failed"));
            std::lock_guard lock(mutex_);
            ++result_.failed;
            ++result_.failures[what];
            if (result_.examples.size() < kExamples) {
                result_.examples.push_back(r.method + " " + r.path + ": " + response.summary());
            }
        }
        if (options_.pause.count() > 0) std::this_thread::sleep_for(options_.pause);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - startedAt_).count();
    std::lock_guard lock(mutex_);
    result_.seconds = std::max(result_.seconds, seconds);
}

}  // namespace restd::test
