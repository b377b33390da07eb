#include "db/count_cache.h"

#include <boost/test/unit_test.hpp>

using restd::db::CountCache;

BOOST_AUTO_TEST_SUITE(db_count_cache)

BOOST_AUTO_TEST_CASE(small_totals_are_never_cached) {
    CountCache cache;
    auto now = CountCache::Clock::now();
    cache.put("q", CountCache::kExactBelow, now);
    BOOST_TEST(!cache.get("q", now).has_value());
}

BOOST_AUTO_TEST_CASE(large_totals_are_reused_until_the_ttl_passes) {
    CountCache cache;
    auto now = CountCache::Clock::now();
    cache.put("q", 123456, now);
    BOOST_TEST(cache.get("q", now).value_or(-1) == 123456);
    BOOST_TEST(cache.get("q", now + CountCache::kTtl - std::chrono::milliseconds(1)).value_or(-1) ==
               123456);
    BOOST_TEST(!cache.get("q", now + CountCache::kTtl).has_value());
    BOOST_TEST(!cache.get("other", now).has_value());
}

BOOST_AUTO_TEST_CASE(a_full_cache_drops_entries_instead_of_growing) {
    CountCache cache;
    auto now = CountCache::Clock::now();
    for (size_t i = 0; i < CountCache::kMaxEntries + 10; ++i) {
        cache.put("q" + std::to_string(i), 20000, now);
    }
    size_t kept = 0;
    for (size_t i = 0; i < CountCache::kMaxEntries + 10; ++i) {
        if (cache.get("q" + std::to_string(i), now)) ++kept;
    }
    BOOST_TEST(kept <= CountCache::kMaxEntries);
    BOOST_TEST(cache.get("q" + std::to_string(CountCache::kMaxEntries + 9), now).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
