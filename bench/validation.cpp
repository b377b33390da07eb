// SPDX-License-Identifier: Apache-2.0
// Micro-benchmark of body parsing + validation (`make bench-validation`): a
// JSON object of N distinct member names, as an anonymous client can send to
// POST /api/v1/auth/refresh, parsed and validated against the refresh-token
// rules in-process, without the stack. The cost per member shows whether the
// work grows linearly with the body (or is refused early); every figure is
// printed, none is asserted. Members are `"m0000":0,` (10 bytes), so 100,000
// of them still fit the default 1 MiB body limit.
#include <chrono>
#include <cstdio>
#include <string>

#include "http/api_error.h"
#include "http/body.h"
#include "resources/auth/rules.h"
#include "validation/validator.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string objectOf(std::size_t members) {
    static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string text = "{";
    for (std::size_t i = 0; i < members; ++i) {
        char name[5];
        std::size_t n = i;
        for (int d = 3; d >= 0; --d) {
            name[d] = kDigits[n % 36];
            n /= 36;
        }
        text += i == 0 ? "\"m" : ",\"m";
        text.append(name, 4);
        text += "\":0";
    }
    text += "}";
    return text;
}

// One parse + validation; the outcome as the client would see it.
std::string runOnce(const std::string& body) {
    try {
        restd::http::Body parsed = restd::http::parseBody("application/json", body);
        restd::validation::validateBody(parsed, restd::auth_tokens::rules::kRefreshToken);
        return "accepted";
    } catch (const restd::http::ApiError& e) {
        return std::to_string(e.status()) + " " + e.code() + ", " +
               std::to_string(e.details().size()) + " details";
    }
}

}  // namespace

int main() {
    std::printf("%9s %9s %7s %14s %13s  %s\n", "members", "bytes", "runs", "ms/request",
                "ns/member", "outcome");
    for (std::size_t members : {10, 1000, 1001, 100000}) {
        const std::string body = objectOf(members);
        std::string outcome = runOnce(body);  // warm-up
        // Repeat until 0.3 s have passed (at least once): short requests get
        // enough runs for a stable mean, a slow one is not repeated for long.
        int runs = 0;
        const auto start = Clock::now();
        auto elapsed = Clock::duration::zero();
        do {
            outcome = runOnce(body);
            ++runs;
            elapsed = Clock::now() - start;
        } while (elapsed < std::chrono::milliseconds(300));
        const double ns = std::chrono::duration<double, std::nano>(elapsed).count() / runs;
        std::printf("%9zu %9zu %7d %14.3f %13.1f  %s\n", members, body.size(), runs, ns / 1e6,
                    ns / static_cast<double>(members), outcome.c_str());
    }
    return 0;
}
