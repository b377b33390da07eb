// SPDX-License-Identifier: Apache-2.0
#include "db/count_cache.h"

#include <iterator>

namespace restd::db {

std::optional<int64_t> CountCache::get(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    Entry& e = it->second;
    if (now < e.expires) return e.total;
    if (now >= e.expires + kStaleFor) {
        entries_.erase(it);
        return std::nullopt;
    }
    if (now < e.recountUntil) return e.total;
    e.recountUntil = now + kTtl;
    return std::nullopt;
}

void CountCache::put(const std::string& key, int64_t total, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (total <= kExactBelow) {
        entries_.erase(key);
        return;
    }
    if (entries_.size() >= kMaxEntries) {
        std::erase_if(entries_, [now](const auto& e) { return e.second.expires <= now; });
        if (entries_.size() >= kMaxEntries) entries_.clear();
    }
    entries_[key] = {total, now + kTtl};
}

CountCache& CountCache::instance() {
    static CountCache cache;
    return cache;
}

}  // namespace restd::db
