// SPDX-License-Identifier: Apache-2.0
#include "auth/bcrypt_gate.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <thread>
#include <vector>

#include "auth/password.h"

using namespace restd::auth;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(auth_bcrypt_gate)

BOOST_AUTO_TEST_CASE(grants_as_many_slots_as_it_has_then_refuses_after_the_wait) {
    CountingGate gate(2);
    BOOST_TEST(gate.tryAcquireFor(0ms));
    BOOST_TEST(gate.tryAcquireFor(0ms));
    BOOST_TEST(!gate.tryAcquireFor(20ms));
    gate.release();
    BOOST_TEST(gate.tryAcquireFor(0ms));
    gate.release();
    gate.release();
    BOOST_TEST(gate.freeSlots() == 2);
}

BOOST_AUTO_TEST_CASE(a_waiter_gets_the_slot_released_during_its_wait) {
    CountingGate gate(1);
    BOOST_REQUIRE(gate.tryAcquireFor(0ms));
    std::thread releaser([&] {
        std::this_thread::sleep_for(20ms);
        gate.release();
    });
    BOOST_TEST(gate.tryAcquireFor(10s));
    releaser.join();
    gate.release();
    BOOST_TEST(gate.freeSlots() == 1);
}

BOOST_AUTO_TEST_CASE(never_more_holders_at_once_than_slots) {
    CountingGate gate(3);
    std::atomic<int> inside{0}, most{0}, granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                if (!gate.tryAcquireFor(10s)) continue;
                ++granted;
                int now = ++inside;
                int seen = most.load();
                while (now > seen && !most.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::yield();
                --inside;
                gate.release();
            }
        });
    }
    for (auto& t : threads) t.join();
    BOOST_TEST(granted.load() == 8 * 200);
    BOOST_TEST(most.load() <= 3);
    BOOST_TEST(gate.freeSlots() == 3);
}

BOOST_AUTO_TEST_CASE(a_zero_slot_gate_still_has_one) {
    CountingGate gate(0);
    BOOST_TEST(gate.tryAcquireFor(0ms));
    BOOST_TEST(!gate.tryAcquireFor(0ms));
}

BOOST_AUTO_TEST_CASE(the_process_gate_hashes_and_verifies) {
    BOOST_TEST(bcryptGateSlots() >= 1);
    auto hash = gatedHash("Secret123", 4);
    BOOST_REQUIRE(hash);
    BOOST_TEST(gatedVerify("Secret123", *hash));
    BOOST_TEST(!gatedVerify("Secret124", *hash));
}

BOOST_AUTO_TEST_CASE(reads_the_cost_of_2a_2b_and_2y_hashes) {
    BOOST_TEST(
        bcryptCost("$2b$10$abcdefghijklmnopqrstuu4bNd4TwgPsKUsp9MnacjWZNyAz9mmL2").value_or(-1) ==
        10);
    BOOST_TEST(
        bcryptCost("$2a$12$abcdefghijklmnopqrstuu4bNd4TwgPsKUsp9MnacjWZNyAz9mmL2").value_or(-1) ==
        12);
    BOOST_TEST(bcryptCost("$2y$04$x").value_or(-1) == 4);
    BOOST_TEST(bcryptCost(*hashPassword("Secret123", 5)).value_or(-1) == 5);
    BOOST_TEST(!bcryptCost(""));
    BOOST_TEST(!bcryptCost("$2x$10$abc"));
    BOOST_TEST(!bcryptCost("$2b$1x$abc"));
    BOOST_TEST(!bcryptCost("$argon2id$v=19$m=65536"));
    BOOST_TEST(!bcryptCost("$2b$10"));
}

BOOST_AUTO_TEST_SUITE_END()
