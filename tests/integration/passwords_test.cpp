// SPDX-License-Identifier: Apache-2.0
// Passwords and sessions through nginx (the OpenAPI document's users routes and error codes,
// docs/api.md "Auth"): a password change ends every session, refresh tokens included; a self change
// proves the current password; everything cheap is checked before bcrypt; failed logins are
// throttled per account (known and unknown emails alike); every hash has BCRYPT_COST (login
// re-hashes the others, scripts/seed writes it); and the bcrypt gate refuses past its bound with
// 503.
//
// Each test uses fresh accounts (and fresh unknown emails), so the per-account
// throttle of one test never meets another; logins go out from api.h's
// address pool, far below nginx's auth zone.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kNewPassword = "N3wPassword";
constexpr std::string_view kWrongPassword = "Wr0ngPassword";
constexpr int kFreeFailures = 5;  // docs/api.md "Auth": refused after 5 failures in a row

std::string userPath(int64_t id) { return "/api/v1/users/" + std::to_string(id); }

HttpResponse refresh(const std::string& refreshToken) {
    return send("POST", "/api/v1/auth/refresh", {}, object({{"refreshToken", str(refreshToken)}}));
}

HttpResponse changePassword(const Account& caller, int64_t id, std::string_view password,
                            std::optional<std::string_view> current,
                            std::vector<std::string> headers = {}) {
    std::string body =
        current ? object({{"password", str(password)}, {"currentPassword", str(*current)}})
                : object({{"password", str(password)}});
    return send("PATCH", userPath(id), caller.token, body, std::move(headers));
}

// The stored hash of the account's row.
std::string storedHash(int64_t id) {
    auto out = sql("SELECT password_hash FROM users WHERE id = " + std::to_string(id));
    BOOST_REQUIRE(out.has_value());
    std::string hash = *out;
    while (!hash.empty() && (hash.back() == '\n' || hash.back() == '\r')) hash.pop_back();
    return hash;
}

std::string costPrefix(int cost) {
    return "$2b$" + std::string(cost < 10 ? "0" : "") + std::to_string(cost) + "$";
}

int stackCost() { return std::stoi(stack().setting("BCRYPT_COST")); }

// restd --hash-password at `cost`, as an operator would make a hash.
std::string hashAt(const std::string& password, int cost) {
    const std::string command = "printf '%s' '" + password +
                                "' | env -u RESTD_ENV_FILE BCRYPT_COST=" + std::to_string(cost) +
                                " '" + stack().restdBin().string() + "' --hash-password";
    FILE* pipe = popen(command.c_str(), "r");
    BOOST_REQUIRE(pipe != nullptr);
    char buffer[128] = {};
    std::string out;
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    BOOST_REQUIRE_EQUAL(pclose(pipe), 0);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    BOOST_REQUIRE_MESSAGE(out.starts_with(costPrefix(cost)), "hash: " << out);
    return out;
}

void setStoredHash(int64_t id, const std::string& hash) {
    BOOST_REQUIRE(
        sql("UPDATE users SET password_hash = '" + hash + "' WHERE id = " + std::to_string(id))
            .has_value());
}

// A Retry-After of whole seconds, at least 1; returns it (0 when malformed).
int retryAfter(const HttpResponse& response) {
    std::string value = response.header("Retry-After").value_or("");
    bool digits =
        !value.empty() && value.size() < 6 &&
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    BOOST_CHECK_MESSAGE(digits, "Retry-After is '" << value << "': " << response.summary());
    return digits ? std::stoi(value) : 0;
}

// 429 RATE_LIMITED from restd's per-account throttle; returns its Retry-After.
int checkThrottled(const HttpResponse& response) {
    checkError(response, 429, "RATE_LIMITED");
    int seconds = retryAfter(response);
    BOOST_CHECK_GE(seconds, 1);
    return seconds;
}

// Logs in until the answer is no longer the throttle's 429 (at most `bound`).
HttpResponse loginOnceUnblocked(const std::string& email, const std::string& password,
                                std::chrono::seconds bound) {
    HttpResponse response;
    waitUntil(
        [&] {
            response = login(email, password);
            return response.status != 429;
        },
        bound, 200ms);
    return response;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(password_change)

// A refresh token copied before the change (by whoever the change is meant to
// lock out) must not mint new tokens after it.
BOOST_AUTO_TEST_CASE(self_password_change_revokes_every_refresh_token) {
    Account account = registerAccount("pwr");
    Account otherSession = account;
    relogin(otherSession);
    checkSuccess(changePassword(account, account.id, kNewPassword, account.password), 200);
    checkError(refresh(account.refreshToken), 401, "UNAUTHORIZED");
    checkError(refresh(otherSession.refreshToken), 401, "UNAUTHORIZED");
    checkError(send("GET", "/api/v1/auth/me", otherSession.token), 401, "UNAUTHORIZED");
    // The new password starts a session that refreshes.
    account.password = kNewPassword;
    relogin(account);
    checkSuccess(refresh(account.refreshToken), 200);
}

BOOST_AUTO_TEST_CASE(admin_password_reset_revokes_every_refresh_token) {
    Account account = registerAccount("pwra");
    checkSuccess(send("PUT", userPath(account.id), admin().token,
                      object({{"email", str(account.email)},
                              {"username", str(account.username)},
                              {"password", str(kNewPassword)}})),
                 200);
    checkError(refresh(account.refreshToken), 401, "UNAUTHORIZED");
    checkSuccess(login(account.email, std::string(kNewPassword)), 200);
}

BOOST_AUTO_TEST_CASE(a_change_without_password_keeps_the_refresh_tokens) {
    Account account = registerAccount("pwk");
    checkSuccess(send("PATCH", userPath(account.id), account.token,
                      object({{"username", str(uniqueName("pwk"))}})),
                 200);
    checkSuccess(refresh(account.refreshToken), 200);
}

BOOST_AUTO_TEST_CASE(self_change_without_current_password_is_400_naming_it_and_changes_nothing) {
    Account account = registerAccount("pwc");
    checkValidation(changePassword(account, account.id, kNewPassword, std::nullopt),
                    {{"currentPassword", "body"}});
    checkValidation(send("PUT", userPath(account.id), account.token,
                         object({{"email", str(account.email)},
                                 {"username", str(account.username)},
                                 {"password", str(kNewPassword)}})),
                    {{"currentPassword", "body"}});
    checkSuccess(send("GET", "/api/v1/auth/me", account.token), 200);
    checkSuccess(refresh(account.refreshToken), 200);
    checkSuccess(login(account.email, account.password), 200);
}

BOOST_AUTO_TEST_CASE(current_password_without_password_or_over_72_bytes_is_400_naming_it) {
    Account account = registerAccount("pwo");
    checkValidation(send("PATCH", userPath(account.id), account.token,
                         object({{"currentPassword", str(account.password)}})),
                    {{"currentPassword", "body"}});
    checkValidation(changePassword(account, account.id, kNewPassword, std::string(73, 'a')),
                    {{"currentPassword", "body"}});
    checkSuccess(login(account.email, account.password), 200);
}

BOOST_AUTO_TEST_CASE(wrong_current_password_is_403_and_changes_nothing) {
    Account account = registerAccount("pww");
    rapidjson::Document body = checkError(
        changePassword(account, account.id, kNewPassword, kWrongPassword), 403, "FORBIDDEN");
    BOOST_CHECK(jsonString(body, "error").find(std::string(kWrongPassword)) == std::string::npos);
    checkSuccess(send("GET", "/api/v1/auth/me", account.token), 200);
    checkSuccess(refresh(account.refreshToken), 200);
    checkError(login(account.email, std::string(kNewPassword)), 401, "INVALID_CREDENTIALS");
    checkSuccess(login(account.email, account.password), 200);
}

BOOST_AUTO_TEST_CASE(an_admin_changing_their_own_password_needs_the_current_one) {
    Account other = createAccount("admin", "pwad");
    checkValidation(changePassword(other, other.id, kNewPassword, std::nullopt),
                    {{"currentPassword", "body"}});
    checkError(changePassword(other, other.id, kNewPassword, kWrongPassword), 403, "FORBIDDEN");
    checkSuccess(changePassword(other, other.id, kNewPassword, other.password), 200);
    checkSuccess(login(other.email, std::string(kNewPassword)), 200);
}

BOOST_AUTO_TEST_CASE(an_admin_resets_another_users_password_without_the_current_one) {
    Account account = registerAccount("pwao");
    checkSuccess(changePassword(admin(), account.id, kNewPassword, std::nullopt), 200);
    checkSuccess(login(account.email, std::string(kNewPassword)), 200);
}

// If-Match and uniqueness are answered before the current password is
// verified: a refused request verifies nothing, so it counts as no failure
// either (more of them than the throttle allows leave the login open).
BOOST_AUTO_TEST_CASE(stale_if_match_and_taken_names_are_answered_before_any_bcrypt) {
    Account account = registerAccount("pwe");
    Account other = registerAccount("pweo");
    for (int i = 0; i <= kFreeFailures; ++i) {
        checkError(changePassword(account, account.id, kNewPassword, kWrongPassword,
                                  {"If-Match: \"stale\""}),
                   412, "PRECONDITION_FAILED");
        checkError(send("PATCH", userPath(account.id), account.token,
                        object({{"username", str(other.username)},
                                {"password", str(kNewPassword)},
                                {"currentPassword", str(kWrongPassword)}})),
                   409, "CONFLICT");
    }
    checkError(changePassword(account, 999999999, kNewPassword, kWrongPassword), 403, "FORBIDDEN");
    checkSuccess(login(account.email, account.password), 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(login_throttle)

// After 5 failures the account is refused with a delay that doubles (1 s,
// then 2 s); another account is untouched; a success resets the count.
BOOST_AUTO_TEST_CASE(failures_get_429_for_that_account_only_then_a_success_resets) {
    Account account = registerAccount("thr");
    Account bystander = registerAccount("thrb");
    for (int i = 0; i < kFreeFailures; ++i)
        checkError(login(account.email, std::string(kWrongPassword)), 401, "INVALID_CREDENTIALS");
    // Refused before bcrypt, even with the right password.
    BOOST_CHECK_EQUAL(checkThrottled(login(account.email, account.password)), 1);
    // Only that account.
    checkError(login(bystander.email, std::string(kWrongPassword)), 401, "INVALID_CREDENTIALS");
    checkSuccess(login(bystander.email, bystander.password), 200);

    // Past the delay one more failure refuses it for twice as long.
    checkError(loginOnceUnblocked(account.email, std::string(kWrongPassword), 10s), 401,
               "INVALID_CREDENTIALS");
    BOOST_CHECK_EQUAL(checkThrottled(login(account.email, account.password)), 2);

    // Never a lockout: past the delay the right password logs in and resets.
    checkSuccess(loginOnceUnblocked(account.email, account.password, 10s), 200);
    for (int i = 0; i < kFreeFailures; ++i)
        checkError(login(account.email, std::string(kWrongPassword)), 401, "INVALID_CREDENTIALS");
    checkThrottled(login(account.email, account.password));
}

// An unknown email is counted and refused exactly like a known one, so the
// 429 tells nothing about who has an account.
BOOST_AUTO_TEST_CASE(an_unknown_email_is_throttled_like_a_known_one) {
    Account known = registerAccount("thk");
    const std::string unknown = uniqueEmail("thu");
    for (int i = 0; i < kFreeFailures; ++i) {
        HttpResponse a = login(known.email, std::string(kWrongPassword));
        HttpResponse b = login(unknown, std::string(kWrongPassword));
        checkError(a, 401, "INVALID_CREDENTIALS");
        checkError(b, 401, "INVALID_CREDENTIALS");
    }
    HttpResponse knownRefused = login(known.email, std::string(kWrongPassword));
    HttpResponse unknownRefused = login(unknown, std::string(kWrongPassword));
    BOOST_CHECK_EQUAL(checkThrottled(knownRefused), checkThrottled(unknownRefused));
    BOOST_CHECK_EQUAL(jsonString(json(knownRefused.body), "error"),
                      jsonString(json(unknownRefused.body), "error"));
}

// The key is the normalised email: case and surrounding blanks do not make
// another account.
BOOST_AUTO_TEST_CASE(the_count_ignores_case_and_surrounding_blanks_of_the_email) {
    Account account = registerAccount("thc");
    std::string upper = account.email;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    for (int i = 0; i < kFreeFailures; ++i) {
        const std::string spelled = i % 2 == 0 ? upper : "  " + account.email + " ";
        checkError(login(spelled, std::string(kWrongPassword)), 401, "INVALID_CREDENTIALS");
    }
    checkThrottled(login(account.email, account.password));
}

// A wrong current password is a failed login of the account: a stolen access
// token cannot guess the password faster than the login form can.
BOOST_AUTO_TEST_CASE(wrong_current_passwords_count_as_failed_logins) {
    Account account = registerAccount("thp");
    for (int i = 0; i < kFreeFailures; ++i) {
        checkError(changePassword(account, account.id, kNewPassword, kWrongPassword), 403,
                   "FORBIDDEN");
    }
    checkThrottled(login(account.email, account.password));
    // And the change itself is refused while the account is.
    checkThrottled(changePassword(account, account.id, kNewPassword, account.password));
    checkSuccess(loginOnceUnblocked(account.email, account.password, 10s), 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bcrypt_cost)

// A hash of another cost (an import from Node's bcrypt at 10, or an older
// BCRYPT_COST) is replaced at the first successful login, without ending
// sessions; a failed login leaves it.
BOOST_AUTO_TEST_CASE(login_rehashes_a_stored_hash_of_another_cost) {
    Account account = registerAccount("rh");
    const int other = stackCost() + 1;
    setStoredHash(account.id, hashAt(account.password, other));
    checkError(login(account.email, std::string(kWrongPassword)), 401, "INVALID_CREDENTIALS");
    BOOST_CHECK(storedHash(account.id).starts_with(costPrefix(other)));
    checkSuccess(login(account.email, account.password), 200);
    BOOST_CHECK_MESSAGE(storedHash(account.id).starts_with(costPrefix(stackCost())),
                        "stored: " << storedHash(account.id));
    checkSuccess(send("GET", "/api/v1/auth/me", account.token), 200);
    checkSuccess(login(account.email, account.password), 200);
}

BOOST_AUTO_TEST_CASE(register_admin_create_and_password_changes_hash_at_bcrypt_cost) {
    Account registered = registerAccount("hc");
    Account created = createAccount("user", "hcc");
    BOOST_CHECK(storedHash(registered.id).starts_with(costPrefix(stackCost())));
    BOOST_CHECK(storedHash(created.id).starts_with(costPrefix(stackCost())));
    checkSuccess(changePassword(registered, registered.id, kNewPassword, registered.password), 200);
    BOOST_CHECK(storedHash(registered.id).starts_with(costPrefix(stackCost())));
}

// scripts/seed hashes its users at the cost the stack's restd runs with.
BOOST_AUTO_TEST_CASE(seeded_users_are_hashed_at_the_stacks_bcrypt_cost) {
    const std::string command =
        "cd '" + stack().repoRoot().string() + "' && env -u DB_SOCKET -u DB_HOST STACK_DIR='" +
        stack().stackDir().string() + "' RESTD_BIN='" + stack().restdBin().string() +
        "' scripts/seed --users 1 >/dev/null 2>&1";
    BOOST_REQUIRE_EQUAL(std::system(command.c_str()), 0);
    auto out =
        sql("SELECT password_hash FROM users WHERE email LIKE 'seed%@example.com' "
            "ORDER BY id DESC LIMIT 1");
    BOOST_REQUIRE(out.has_value());
    BOOST_CHECK_MESSAGE(out->starts_with(costPrefix(stackCost())), "seeded hash: " << *out);
}

// What an operator runs to make a hash by hand (the first admin of a host
// set up by restd-deploy): the cost of the env file the server reads.
BOOST_AUTO_TEST_CASE(hash_password_takes_the_bcrypt_cost_of_the_env_file) {
    const std::filesystem::path file = stack().stackDir() / "hash-cost.env";
    auto run = [&](const std::string& contents) {
        std::ofstream(file, std::ios::trunc) << contents;
        const std::string command = "printf 'Secret123' | env -u BCRYPT_COST RESTD_ENV_FILE='" +
                                    file.string() + "' '" + stack().restdBin().string() +
                                    "' --hash-password 2>/dev/null";
        FILE* pipe = popen(command.c_str(), "r");
        BOOST_REQUIRE(pipe != nullptr);
        char buffer[128] = {};
        std::string out;
        while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
        int status = pclose(pipe);
        return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
    };
    auto [status, out] = run("JWT_SECRET=x\nBCRYPT_COST=5\n");
    BOOST_CHECK_EQUAL(status, 0);
    BOOST_CHECK_MESSAGE(out.starts_with(costPrefix(5)), "hash: " << out);
    auto [badStatus, badOut] = run("BCRYPT_COST=twelve\n");
    BOOST_CHECK_EQUAL(badStatus, 2);
    BOOST_CHECK(badOut.empty());
    std::filesystem::remove(file);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bcrypt_gate)

// With one bcrypt slot per worker (BCRYPT_CONCURRENCY=1, by a reload) and
// hashes that take a good part of a second, six concurrent logins over two
// workers put three on one worker: two of them find no slot within the short
// wait and are refused with 503 and Retry-After instead of holding a thread.
BOOST_AUTO_TEST_CASE(logins_past_the_gate_are_503_with_retry_after) {
    const std::string envPath = stack().env("RESTD_ENV_FILE");
    const std::string original = readFile(envPath);
    BOOST_REQUIRE(!original.empty());
    // Writes the env file and reloads; false when no reload finished in time.
    auto reload = [&](const std::string& text) {
        {
            std::ofstream out(envPath, std::ios::trunc);
            out << text;
        }
        const size_t offset = readFile(stack().env("RESTD_LOG")).size();
        if (kill(stack().masterPid(), SIGHUP) != 0) return false;
        return waitUntil(
            [&] {
                return readFile(stack().env("RESTD_LOG"))
                           .find("\"msg\":\"reload finished\"", offset) != std::string::npos;
            },
            20s, 50ms);
    };
    struct Restore {
        std::function<bool()> fn;
        ~Restore() {
            if (!fn()) BOOST_ERROR("restoring the env file: no reload finished");
        }
    } restore{[&] { return reload(original); }};
    BOOST_REQUIRE_MESSAGE(reload(original + "BCRYPT_CONCURRENCY=1\n"), "no reload finished");
    // Old workers may still answer a kept connection for a moment.
    std::this_thread::sleep_for(1s);

    constexpr int kLogins = 6;
    const std::string slowHash = hashAt(std::string(kPassword), 13);
    std::vector<Account> accounts;
    for (int i = 0; i < kLogins; ++i) {
        accounts.push_back(registerAccount("gate"));
        setStoredHash(accounts.back().id, slowHash);
    }
    std::vector<HttpResponse> responses(kLogins);
    std::vector<std::string> addresses;
    for (int i = 0; i < kLogins; ++i) addresses.push_back(nextPoolAddress());
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kLogins; ++i) {
        threads.emplace_back([&, i] {
            RequestOptions options;
            options.sourceAddress = addresses[i];
            const std::string body = "{\"email\":\"" + accounts[i].email + "\",\"password\":\"" +
                                     std::string(kWrongPassword) + "\"}";
            ++ready;
            while (ready.load() < kLogins) std::this_thread::yield();
            responses[i] = request("POST", stack().url("/api/v1/auth/login"),
                                   {"Content-Type: application/json"}, body, options);
        });
    }
    for (auto& t : threads) t.join();
    int refused = 0;
    for (const HttpResponse& response : responses) {
        if (response.status == 503) {
            ++refused;
            checkError(response, 503, "SERVICE_UNAVAILABLE");
            BOOST_CHECK_GE(retryAfter(response), 1);
        } else {
            checkError(response, 401, "INVALID_CREDENTIALS");
        }
    }
    BOOST_CHECK_MESSAGE(refused >= 2, refused << " of " << kLogins << " logins were refused");
    BOOST_CHECK_MESSAGE(refused < kLogins, "every login was refused");
}

BOOST_AUTO_TEST_SUITE_END()
