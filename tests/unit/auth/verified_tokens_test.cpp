// The per-thread cache of verified tokens: a hit needs the same bytes under
// the same secret; a collision, a new secret or an oversized token is a miss.
// (That a hit still obeys the clock is checked through the stack:
// auth_forgery/a_token_accepted_many_times_is_refused_once_it_expires.)
#include "auth/verified_tokens.h"

#include <boost/test/unit_test.hpp>
#include <string>

using namespace restd::auth;

namespace {

Claims claimsOf(int64_t sub) { return Claims{sub, "user", 2, 1000, 2000}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_verified_tokens)

BOOST_AUTO_TEST_CASE(a_remembered_token_is_found_with_its_claims) {
    VerifiedTokens cache;
    BOOST_TEST(cache.find("aaa.bbb.ccc", "secret") == nullptr);
    cache.remember("aaa.bbb.ccc", "secret", claimsOf(7));
    const Claims* found = cache.find("aaa.bbb.ccc", "secret");
    BOOST_REQUIRE(found != nullptr);
    BOOST_TEST(found->sub == 7);
    BOOST_TEST(found->role == "user");
    BOOST_TEST(found->ver == 2);
    BOOST_TEST(found->exp == 2000);
}

BOOST_AUTO_TEST_CASE(a_token_differing_in_one_byte_is_not_found) {
    VerifiedTokens cache;
    cache.remember("aaa.bbb.ccc", "secret", claimsOf(7));
    BOOST_TEST(cache.find("aaa.bbb.ccd", "secret") == nullptr);
    BOOST_TEST(cache.find("aaa.bbb.cc", "secret") == nullptr);
    BOOST_TEST(cache.find("", "secret") == nullptr);
}

BOOST_AUTO_TEST_CASE(another_secret_finds_nothing_and_a_new_one_empties_the_cache) {
    VerifiedTokens cache;
    cache.remember("aaa.bbb.ccc", "secret", claimsOf(7));
    BOOST_TEST(cache.find("aaa.bbb.ccc", "other") == nullptr);
    cache.remember("ddd.eee.fff", "other", claimsOf(8));
    BOOST_TEST(cache.find("ddd.eee.fff", "other") != nullptr);
    BOOST_TEST(cache.find("aaa.bbb.ccc", "secret") == nullptr);
    BOOST_TEST(cache.find("aaa.bbb.ccc", "other") == nullptr);
}

BOOST_AUTO_TEST_CASE(a_token_in_the_same_slot_replaces_the_older_one) {
    VerifiedTokens cache;
    const std::string first = "aaa.bbb.first";
    cache.remember(first, "secret", claimsOf(1));
    // Some later token lands in the first one's slot: then only it is found.
    std::string rival;
    for (int i = 0; i < 100 * static_cast<int>(VerifiedTokens::kSlots); ++i) {
        std::string candidate = "aaa.bbb." + std::to_string(i);
        VerifiedTokens probe;
        probe.remember(first, "secret", claimsOf(1));
        probe.remember(candidate, "secret", claimsOf(2));
        if (probe.find(first, "secret") == nullptr) {
            rival = candidate;
            break;
        }
    }
    BOOST_REQUIRE(!rival.empty());
    cache.remember(rival, "secret", claimsOf(2));
    BOOST_TEST(cache.find(first, "secret") == nullptr);
    const Claims* found = cache.find(rival, "secret");
    BOOST_REQUIRE(found != nullptr);
    BOOST_TEST(found->sub == 2);
}

BOOST_AUTO_TEST_CASE(tokens_longer_than_the_limit_are_never_kept) {
    VerifiedTokens cache;
    const std::string longToken(VerifiedTokens::kMaxTokenBytes + 1, 'a');
    cache.remember(longToken, "secret", claimsOf(1));
    BOOST_TEST(cache.find(longToken, "secret") == nullptr);
    const std::string atLimit(VerifiedTokens::kMaxTokenBytes, 'a');
    cache.remember(atLimit, "secret", claimsOf(1));
    BOOST_TEST(cache.find(atLimit, "secret") != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
