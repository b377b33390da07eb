// SPDX-License-Identifier: Apache-2.0
// SHA-256 against FIPS 180-2's examples and HMAC-SHA256 against RFC 4231's
// test cases, including calls that interleave more keys than a thread keeps
// keyed contexts for, so a reused or re-keyed context that kept stale state
// would show.
#include "common/digest.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "common/hex.h"

using restd::common::hmacSha256;
using restd::common::sha256;
using restd::common::toHex;

namespace {

struct Case {
    std::string key;
    std::string data;
    std::string macHex;  // RFC 4231; test case 5 gives the first 128 bits only
};

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out += static_cast<char>(v);
    return out;
}

std::vector<Case> rfc4231() {
    return {
        {std::string(20, '\x0b'), "Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"Jefe", "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {std::string(20, '\xaa'), std::string(50, '\xdd'),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {bytes({1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13,
                14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25}),
         std::string(50, '\xcd'),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {std::string(20, '\x0c'), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
        {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {std::string(131, '\xaa'),
         "This is a test using a larger than block-size key and a larger than block-size data. "
         "The key needs to be hashed before being used by the HMAC algorithm.",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
}

std::string macHex(const Case& c) {
    return toHex(hmacSha256(c.key, c.data)).substr(0, c.macHex.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(common_digest)

BOOST_AUTO_TEST_CASE(sha256_matches_fips_180_2_examples) {
    BOOST_TEST(toHex(sha256("abc")) ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(toHex(sha256("")) ==
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    BOOST_TEST(toHex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // Again: the thread's context is reused.
    BOOST_TEST(toHex(sha256("abc")) ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(hmac_sha256_matches_rfc_4231_test_cases) {
    for (const Case& c : rfc4231()) BOOST_TEST(macHex(c) == c.macHex);
}

BOOST_AUTO_TEST_CASE(one_key_used_again_and_again_gives_the_same_mac) {
    const Case c = rfc4231()[1];
    for (int i = 0; i < 5; ++i) BOOST_TEST(macHex(c) == c.macHex);
    // Another message under the same key starts from the key, not from the last message.
    BOOST_TEST(toHex(hmacSha256(c.key, "")) != toHex(hmacSha256(c.key, c.data)));
    BOOST_TEST(macHex(c) == c.macHex);
}

BOOST_AUTO_TEST_CASE(interleaved_keys_each_keep_their_own_state) {
    const std::vector<Case> cases = rfc4231();
    // Two keys taking turns: both stay keyed.
    for (int round = 0; round < 3; ++round) {
        BOOST_TEST(macHex(cases[0]) == cases[0].macHex);
        BOOST_TEST(macHex(cases[3]) == cases[3].macHex);
    }
    // Seven keys in turn, more than a thread keeps: each call re-keys a context.
    for (int round = 0; round < 3; ++round)
        for (const Case& c : cases) BOOST_TEST(macHex(c) == c.macHex);
    // Backwards, then the first again.
    for (auto it = cases.rbegin(); it != cases.rend(); ++it) BOOST_TEST(macHex(*it) == it->macHex);
    BOOST_TEST(macHex(cases[0]) == cases[0].macHex);
}

BOOST_AUTO_TEST_SUITE_END()
