// SPDX-License-Identifier: Apache-2.0
// The per-thread cache of verified tokens: a hit needs the same bytes under
// the same secret; a collision, a new secret or an oversized token is a miss.
// (That a hit still obeys the clock is checked through the stack:
// auth_forgery/a_token_accepted_many_times_is_refused_once_it_expires.)
#include "auth/verified_tokens.h"

#include <boost/test/unit_test.hpp>
#include <string>

using namespace restd::auth;

namespace {

const restd::common::KeySet kSecret{"secret"};
const restd::common::KeySet kOther{"other"};

Claims claimsOf(int64_t sub) { return Claims{sub, "user", 2, 1000, 2000}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_verified_tokens)

BOOST_AUTO_TEST_CASE(a_remembered_token_is_found_with_its_claims) {
    VerifiedTokens cache;
    BOOST_TEST(cache.find("aaa.bbb.ccc", kSecret) == nullptr);
    cache.remember("aaa.bbb.ccc", kSecret, claimsOf(7));
    const Claims* found = cache.find("aaa.bbb.ccc", kSecret);
    BOOST_REQUIRE(found != nullptr);
    BOOST_TEST(found->sub == 7);
    BOOST_TEST(found->role == "user");
    BOOST_TEST(found->ver == 2);
    BOOST_TEST(found->exp == 2000);
}

BOOST_AUTO_TEST_CASE(a_token_differing_in_one_byte_is_not_found) {
    VerifiedTokens cache;
    cache.remember("aaa.bbb.ccc", kSecret, claimsOf(7));
    BOOST_TEST(cache.find("aaa.bbb.ccd", kSecret) == nullptr);
    BOOST_TEST(cache.find("aaa.bbb.cc", kSecret) == nullptr);
    BOOST_TEST(cache.find("", kSecret) == nullptr);
}

BOOST_AUTO_TEST_CASE(another_secret_finds_nothing_and_a_new_one_empties_the_cache) {
    VerifiedTokens cache;
    cache.remember("aaa.bbb.ccc", kSecret, claimsOf(7));
    BOOST_TEST(cache.find("aaa.bbb.ccc", kOther) == nullptr);
    cache.remember("ddd.eee.fff", kOther, claimsOf(8));
    BOOST_TEST(cache.find("ddd.eee.fff", kOther) != nullptr);
    BOOST_TEST(cache.find("aaa.bbb.ccc", kSecret) == nullptr);
    BOOST_TEST(cache.find("aaa.bbb.ccc", kOther) == nullptr);
}

BOOST_AUTO_TEST_CASE(another_list_of_previous_keys_finds_nothing) {
    // A token verified under a previous key no longer held must be checked again.
    VerifiedTokens cache;
    const restd::common::KeySet rotating{"secret", {"old"}};
    cache.remember("aaa.bbb.ccc", rotating, claimsOf(7));
    BOOST_TEST(cache.find("aaa.bbb.ccc", rotating) != nullptr);
    BOOST_TEST(cache.find("aaa.bbb.ccc", kSecret) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_token_in_the_same_slot_replaces_the_older_one) {
    VerifiedTokens cache;
    const std::string first = "aaa.bbb.first";
    cache.remember(first, kSecret, claimsOf(1));
    // Some later token lands in the first one's slot: then only it is found.
    std::string rival;
    for (int i = 0; i < 100 * static_cast<int>(VerifiedTokens::kSlots); ++i) {
        std::string candidate = "aaa.bbb." + std::to_string(i);
        VerifiedTokens probe;
        probe.remember(first, kSecret, claimsOf(1));
        probe.remember(candidate, kSecret, claimsOf(2));
        if (probe.find(first, kSecret) == nullptr) {
            rival = candidate;
            break;
        }
    }
    BOOST_REQUIRE(!rival.empty());
    cache.remember(rival, kSecret, claimsOf(2));
    BOOST_TEST(cache.find(first, kSecret) == nullptr);
    const Claims* found = cache.find(rival, kSecret);
    BOOST_REQUIRE(found != nullptr);
    BOOST_TEST(found->sub == 2);
}

BOOST_AUTO_TEST_CASE(tokens_longer_than_the_limit_are_never_kept) {
    VerifiedTokens cache;
    const std::string longToken(VerifiedTokens::kMaxTokenBytes + 1, 'a');
    cache.remember(longToken, kSecret, claimsOf(1));
    BOOST_TEST(cache.find(longToken, kSecret) == nullptr);
    const std::string atLimit(VerifiedTokens::kMaxTokenBytes, 'a');
    cache.remember(atLimit, kSecret, claimsOf(1));
    BOOST_TEST(cache.find(atLimit, kSecret) != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
