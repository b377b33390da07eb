// SPDX-License-Identifier: Apache-2.0
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

BOOST_AUTO_TEST_CASE(an_expired_total_is_recounted_by_one_caller_while_the_others_reuse_it) {
    CountCache cache;
    auto now = CountCache::Clock::now();
    cache.put("q", 123456, now);
    auto later = now + CountCache::kTtl + std::chrono::seconds(1);
    BOOST_TEST(!cache.get("q", later).has_value());  // this caller recounts
    BOOST_TEST(cache.get("q", later).value_or(-1) == 123456);
    BOOST_TEST(cache.get("q", later + std::chrono::seconds(2)).value_or(-1) == 123456);
    cache.put("q", 123999, later + std::chrono::seconds(3));
    BOOST_TEST(cache.get("q", later + std::chrono::seconds(3)).value_or(-1) == 123999);
}

BOOST_AUTO_TEST_CASE(a_recount_that_never_comes_back_is_handed_to_the_next_caller) {
    CountCache cache;
    auto now = CountCache::Clock::now();
    cache.put("q", 123456, now);
    auto expired = now + CountCache::kTtl;
    BOOST_TEST(!cache.get("q", expired).has_value());  // its COUNT fails: no put()
    BOOST_TEST(
        cache.get("q", expired + CountCache::kTtl - std::chrono::milliseconds(1)).value_or(-1) ==
        123456);
    BOOST_TEST(!cache.get("q", expired + CountCache::kTtl).has_value());
    BOOST_TEST(cache.get("q", expired + CountCache::kTtl).value_or(-1) == 123456);
}

BOOST_AUTO_TEST_CASE(a_total_long_expired_is_never_served) {
    CountCache cache;
    auto now = CountCache::Clock::now();
    cache.put("q", 123456, now);
    auto old = now + CountCache::kTtl + CountCache::kStaleFor;
    BOOST_TEST(!cache.get("q", old).has_value());
    BOOST_TEST(!cache.get("q", old).has_value());  // dropped: every caller counts
}

BOOST_AUTO_TEST_CASE(a_recount_that_finds_a_small_total_drops_the_key) {
    CountCache cache;
    auto now = CountCache::Clock::now();
    cache.put("q", 123456, now);
    auto expired = now + CountCache::kTtl;
    BOOST_TEST(!cache.get("q", expired).has_value());
    cache.put("q", 12, expired);
    BOOST_TEST(!cache.get("q", expired).has_value());
    BOOST_TEST(!cache.get("q", expired).has_value());
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
