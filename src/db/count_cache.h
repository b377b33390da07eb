// SPDX-License-Identifier: Apache-2.0
// CountCache: the totals of large lists, kept for a few seconds per worker.
// An exact COUNT(*) walks every matching index entry, so on a large list it
// costs many times the page itself. Totals of at most kExactBelow rows are
// cheap and always counted afresh (exact); larger ones are reused for up to
// kTtl, so paging through a big collection counts it once. When a total
// expires, the first request to find it counts again while the others go on
// with the old total: a worker's threads never all run the same slow COUNT at
// once (when they did, every kTtl, page 1 of a large list stalled behind
// them). meta.total may lag writes by kTtl and one count. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace restd::db {

class CountCache {
  public:
    static constexpr int64_t kExactBelow = 1000;
    static constexpr std::chrono::seconds kTtl{10};
    // An expired total still stands in for this long past its expiry while
    // someone recounts it; older, it is dropped. A recount not back within
    // kTtl (its query failed) is handed to the next request.
    static constexpr std::chrono::seconds kStaleFor{60};
    static constexpr size_t kMaxEntries = 4096;

    using Clock = std::chrono::steady_clock;

    // The cached total for `key` (the COUNT's SQL and parameters): a fresh
    // one, or an expired one that another request is recounting. nullopt
    // asks the caller to count and put() the result: the key is unknown, or
    // its total expired and this caller now has the recount.
    std::optional<int64_t> get(const std::string& key, Clock::time_point now);
    // Remembers `total` when it is large enough to be worth it (a smaller one
    // drops the key).
    void put(const std::string& key, int64_t total, Clock::time_point now);

    // The worker's cache.
    static CountCache& instance();

  private:
    struct Entry {
        int64_t total;
        Clock::time_point expires;
        Clock::time_point recountUntil{};  // a recount is running until then
    };
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace restd::db
