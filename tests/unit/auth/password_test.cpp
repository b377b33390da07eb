// SPDX-License-Identifier: Apache-2.0
#include "auth/password.h"

#include <boost/test/unit_test.hpp>

using namespace restd::auth;

BOOST_AUTO_TEST_SUITE(auth_password)

BOOST_AUTO_TEST_CASE(hashes_with_2b_and_the_requested_cost) {
    auto h = hashPassword("Secret123", 4);
    BOOST_REQUIRE(h);
    BOOST_TEST(h->starts_with("$2b$04$"));
    BOOST_TEST(h->size() == 60u);
    BOOST_TEST(verifyPassword("Secret123", *h));
    BOOST_TEST(!verifyPassword("Secret124", *h));
    BOOST_TEST(*h != *hashPassword("Secret123", 4));  // salted
}

// Made by Node's bcrypt package (cost 10): users migrating from Express keep
// their passwords.
BOOST_AUTO_TEST_CASE(verifies_a_node_bcrypt_hash) {
    const std::string node = "$2b$10$abcdefghijklmnopqrstuu4bNd4TwgPsKUsp9MnacjWZNyAz9mmL2";
    BOOST_TEST(verifyPassword("Password123", node));
    BOOST_TEST(!verifyPassword("Password124", node));
}

BOOST_AUTO_TEST_CASE(refuses_passwords_bcrypt_would_truncate) {
    std::string p72(72, 'a'), p73(73, 'a');
    BOOST_TEST(hashPassword(p72, 4).has_value());
    BOOST_TEST(!hashPassword(p73, 4).has_value());
    auto h = hashPassword(p72, 4);
    BOOST_TEST(!verifyPassword(p73, *h));
}

BOOST_AUTO_TEST_CASE(garbage_hash_never_verifies) {
    BOOST_TEST(!verifyPassword("x", ""));
    BOOST_TEST(!verifyPassword("x", "*0"));
    BOOST_TEST(!verifyPassword("x", "$2b$99$zzzz"));
}

BOOST_AUTO_TEST_SUITE_END()
