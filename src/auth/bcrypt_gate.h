// SPDX-License-Identifier: Apache-2.0
// The bcrypt gate: a bound on the bcrypt computations one process runs at
// once. bcrypt is meant to be slow (~0.25 s of a core at cost 12), so without
// a bound a burst of logins or password changes from many addresses occupies
// every accept thread of a worker while the cores can serve only as many of
// them as there are. Past the bound a request waits a moment for a slot and
// is then refused with 503 SERVICE_UNAVAILABLE and Retry-After, and the
// threads stay free for the requests that need no bcrypt.
//
// Every bcrypt call of a request (hash and verify) goes through gatedHash and
// gatedVerify. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace restd::auth {

// A counting semaphore with a timed acquire.
class CountingGate {
  public:
    explicit CountingGate(int slots) : free_(slots < 1 ? 1 : slots) {}
    CountingGate(const CountingGate&) = delete;
    CountingGate& operator=(const CountingGate&) = delete;

    // Takes a slot, waiting up to `wait` for one to free; false when none did.
    bool tryAcquireFor(std::chrono::milliseconds wait);
    void release();
    int freeSlots() const;

  private:
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    int free_;
};

// How long a bcrypt call waits for a slot before its request is refused.
inline constexpr std::chrono::milliseconds kBcryptWait{150};

// Sizes the process's gate: `slots` computations at once, 0 for one per
// core (std::thread::hardware_concurrency). Call once, before any request.
void configureBcryptGate(int slots);
// The number of slots the process's gate has.
int bcryptGateSlots();

// hashPassword / verifyPassword (auth/password.h) inside a slot of the
// process's gate. Throw http::ApiError 503 SERVICE_UNAVAILABLE (Retry-After)
// when no slot frees within kBcryptWait.
std::optional<std::string> gatedHash(std::string_view password, int cost);
bool gatedVerify(std::string_view password, std::string_view hash);

// The cost field of a $2a$/$2b$/$2y$ bcrypt hash; nullopt for anything else.
std::optional<int> bcryptCost(std::string_view hash);

}  // namespace restd::auth
