// SPDX-License-Identifier: Apache-2.0
#include "auth/bcrypt_gate.h"

#include <memory>
#include <thread>

#include "auth/password.h"
#include "http/api_error.h"

namespace restd::auth {

bool CountingGate::tryAcquireFor(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, wait, [this] { return free_ > 0; })) return false;
    --free_;
    return true;
}

void CountingGate::release() {
    {
        std::lock_guard lock(mutex_);
        ++free_;
    }
    freed_.notify_one();
}

int CountingGate::freeSlots() const {
    std::lock_guard lock(mutex_);
    return free_;
}

namespace {

int defaultSlots() {
    unsigned cores = std::thread::hardware_concurrency();
    return cores > 0 ? static_cast<int>(cores) : 1;
}

// Set up once at worker start, before the accept threads run; a process that
// never configures it (tools, unit tests) gets one slot per core.
int gSlots = 0;

CountingGate& gate() {
    static CountingGate instance(gSlots > 0 ? gSlots : defaultSlots());
    return instance;
}

template <class Fn>
auto inSlot(Fn&& fn) {
    if (!gate().tryAcquireFor(kBcryptWait)) {
        throw http::ApiError::unavailable("The server is busy checking passwords; retry shortly");
    }
    struct Release {
        ~Release() { gate().release(); }
    } release;
    return fn();
}

}  // namespace

void configureBcryptGate(int slots) {
    gSlots = slots > 0 ? slots : defaultSlots();
    gate();
}

int bcryptGateSlots() { return gSlots > 0 ? gSlots : defaultSlots(); }

std::optional<std::string> gatedHash(std::string_view password, int cost) {
    return inSlot([&] { return hashPassword(password, cost); });
}

bool gatedVerify(std::string_view password, std::string_view hash) {
    return inSlot([&] { return verifyPassword(password, hash); });
}

std::optional<int> bcryptCost(std::string_view hash) {
    // "$2b$12$" + 53 characters of salt and digest.
    if (hash.size() < 7 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$')
        return std::nullopt;
    if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return std::nullopt;
    if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') return std::nullopt;
    return (hash[4] - '0') * 10 + (hash[5] - '0');
}

}  // namespace restd::auth
