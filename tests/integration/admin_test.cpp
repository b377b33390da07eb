// SPDX-License-Identifier: Apache-2.0
// `restd admin` against the stack's database, with the stack's settings
// (RESTD_ENV_FILE): the accounts it creates and the sessions it ends are
// checked through nginx, as a client sees them; its exit statuses and
// messages as an operator sees them.
#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/process.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;

namespace {

constexpr std::string_view kNewPassword = "N3wPassword";

// restd admin <args> with the stack's settings and, when given, `input` on
// stdin (through a pipe: no terminal). `envFile` replaces the stack's
// RESTD_ENV_FILE.
CommandResult restdAdmin(const std::vector<std::string>& args,
                         const std::optional<std::string>& input, const std::string& envFile = {}) {
    std::vector<std::string> argv = {
        "sh",
        "-c",
        input ? "printf '%s' \"$ADMIN_INPUT\" | exec \"$@\"" : "exec \"$@\" </dev/null",
        "sh",
        stack().restdBin().string(),
        "admin"};
    argv.insert(argv.end(), args.begin(), args.end());
    EnvEdits env = {"RESTD_ENV_FILE=" +
                    (envFile.empty() ? stack().env("RESTD_ENV_FILE") : envFile)};
    env.push_back(input ? "ADMIN_INPUT=" + *input : std::string("ADMIN_INPUT"));
    return runCommand(argv, env, std::chrono::seconds(60));
}

// restd admin <args> on a terminal (a pty of script(1), Essential in Debian)
// that `typed` is typed on.
CommandResult restdAdminOnTerminal(const std::vector<std::string>& args, const std::string& typed) {
    std::string command = "'" + stack().restdBin().string() + "' admin";
    for (const std::string& arg : args) command += " '" + arg + "'";
    return runCommand(
        {"sh", "-c", "printf '%s' \"$ADMIN_INPUT\" | script -qec \"$0\" /dev/null", command},
        {"RESTD_ENV_FILE=" + stack().env("RESTD_ENV_FILE"), "ADMIN_INPUT=" + typed},
        std::chrono::seconds(60));
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

// The number of users with this email (white box).
int usersWithEmail(const std::string& email) {
    auto out = sql("SELECT COUNT(*) FROM users WHERE email = '" + email + "'");
    BOOST_REQUIRE(out.has_value());
    return std::stoi(*out);
}

HttpResponse refresh(const std::string& refreshToken) {
    return send("POST", "/api/v1/auth/refresh", {}, object({{"refreshToken", str(refreshToken)}}));
}

// create-user with `password` on stdin; requires exit 0 and returns the id printed.
int64_t createUser(const std::string& email, const std::string& username,
                   const std::string& password, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"create-user", "--email", email, "--username", username};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = restdAdmin(args, password + "\n");
    BOOST_REQUIRE_MESSAGE(r.ok(), r.summary());
    return std::stoll(trimmed(r.output));
}

// A copy of the stack's env file with one setting replaced.
std::string envFileWith(const std::string& key, const std::string& value) {
    const std::filesystem::path original = stack().env("RESTD_ENV_FILE");
    const std::filesystem::path copy = stack().stackDir() / ("admin-" + key + ".env");
    std::ifstream in(original);
    std::ofstream out(copy);
    std::string line;
    while (std::getline(in, line))
        if (!line.starts_with(key + "=")) out << line << "\n";
    out << key << "=" << value << "\n";
    return copy.string();
}

// Exit 1 with one line of reason, and nothing of a crash or a stack trace.
void checkFailure(const CommandResult& r) {
    BOOST_TEST(r.status == 1, r.summary());
    BOOST_TEST(r.output.starts_with("restd admin: cannot use the database: "), r.output);
    BOOST_TEST(r.output.find("terminate") == std::string::npos, r.output);
    BOOST_TEST(r.output.find("SELECT") == std::string::npos, r.output);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(admin)

// The first admin of a production deploy: created from the command line,
// logs in through nginx with the password given on stdin, and may use an
// admin-only route.
BOOST_AUTO_TEST_CASE(create_user_makes_an_admin_who_logs_in) {
    const std::string email = uniqueEmail("adm"), username = uniqueName("adm");
    const int64_t id = createUser(email, username, std::string(kPassword), {"--role", "admin"});
    auto body = checkSuccess(login(email, std::string(kPassword)), 200);
    BOOST_TEST(*intAt(body, "data.user.id") == id);
    BOOST_TEST(std::string(body["data"]["user"]["role"].GetString()) == "admin");
    const std::string token = body["data"]["token"].GetString();
    // POST /users is for admins only.
    checkSuccess(send("POST", "/api/v1/users", token,
                      object({{"email", str(uniqueEmail("admc"))},
                              {"username", str(uniqueName("admc"))},
                              {"password", str(kPassword)}})),
                 201);
    // Hashed at the server's cost, as every other account.
    auto hash = sql("SELECT password_hash FROM users WHERE id = " + std::to_string(id));
    BOOST_REQUIRE(hash.has_value());
    const std::string cost = stack().setting("BCRYPT_COST");
    BOOST_TEST(hash->starts_with("$2b$" + std::string(cost.size() < 2 ? "0" : "") + cost + "$"),
               *hash);
}

BOOST_AUTO_TEST_CASE(create_user_defaults_to_the_user_role_and_normalises_the_email) {
    const std::string email = uniqueEmail("admu"), username = uniqueName("admu");
    std::string upper = email;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // A password line ending in CRLF (a file from Windows) counts without the CR.
    CommandResult r = restdAdmin({"create-user", "--email", " " + upper, "--username", username},
                                 std::string(kPassword) + "\r\n");
    BOOST_REQUIRE_MESSAGE(r.ok(), r.summary());
    auto body = checkSuccess(login(email, std::string(kPassword)), 200);
    BOOST_TEST(std::string(body["data"]["user"]["role"].GetString()) == "user");
    BOOST_TEST(std::string(body["data"]["user"]["email"].GetString()) == email);
}

// On a terminal the password is asked twice; two different answers create nothing.
BOOST_AUTO_TEST_CASE(on_a_terminal_the_password_is_asked_twice) {
    const std::string email = uniqueEmail("admy");
    CommandResult mismatch =
        restdAdminOnTerminal({"create-user", "--email", email, "--username", uniqueName("admy")},
                             std::string(kPassword) + "\n" + std::string(kNewPassword) + "\n");
    BOOST_TEST(mismatch.status == 2, mismatch.summary());
    BOOST_TEST(mismatch.output.find("Password: ") != std::string::npos, mismatch.output);
    BOOST_TEST(mismatch.output.find("Repeat password: ") != std::string::npos, mismatch.output);
    BOOST_TEST(mismatch.output.find("the passwords do not match") != std::string::npos,
               mismatch.output);
    BOOST_TEST(usersWithEmail(email) == 0);

    CommandResult same =
        restdAdminOnTerminal({"create-user", "--email", email, "--username", uniqueName("admy")},
                             std::string(kPassword) + "\n" + std::string(kPassword) + "\n");
    BOOST_REQUIRE_MESSAGE(same.ok(), same.summary());
    checkSuccess(login(email, std::string(kPassword)), 200);
}

BOOST_AUTO_TEST_CASE(a_taken_email_or_username_exits_3_and_changes_nothing) {
    const std::string email = uniqueEmail("admt"), username = uniqueName("admt");
    createUser(email, username, std::string(kPassword));
    CommandResult again =
        restdAdmin({"create-user", "--email", email, "--username", uniqueName("admt")},
                   std::string(kNewPassword) + "\n");
    BOOST_TEST(again.status == 3, again.summary());
    BOOST_TEST(again.output.find("Email is already registered") != std::string::npos, again.output);
    BOOST_TEST(usersWithEmail(email) == 1);
    checkSuccess(login(email, std::string(kPassword)), 200);
    checkError(login(email, std::string(kNewPassword)), 401, "INVALID_CREDENTIALS");

    const std::string other = uniqueEmail("admt");
    CommandResult sameName = restdAdmin({"create-user", "--email", other, "--username", username},
                                        std::string(kPassword) + "\n");
    BOOST_TEST(sameName.status == 3, sameName.summary());
    BOOST_TEST(sameName.output.find("Username is already taken") != std::string::npos,
               sameName.output);
    BOOST_TEST(usersWithEmail(other) == 0);
}

// The API's password rules, with the API's messages; nothing is created.
BOOST_AUTO_TEST_CASE(a_password_the_api_would_refuse_exits_2_and_creates_nothing) {
    const std::string email = uniqueEmail("admp");
    CommandResult r =
        restdAdmin({"create-user", "--email", email, "--username", uniqueName("admp")}, "Sh0rt\n");
    BOOST_TEST(r.status == 2, r.summary());
    BOOST_TEST(r.output.find("password: Password must be 8 to 72 bytes long") != std::string::npos,
               r.output);
    BOOST_TEST(usersWithEmail(email) == 0);

    CommandResult noDigit = restdAdmin(
        {"create-user", "--email", email, "--username", uniqueName("admp")}, "NoDigitsHere\n");
    BOOST_TEST(noDigit.status == 2, noDigit.summary());
    BOOST_TEST(noDigit.output.find("Password must contain a digit") != std::string::npos,
               noDigit.output);

    CommandResult empty = restdAdmin(
        {"create-user", "--email", email, "--username", uniqueName("admp")}, std::nullopt);
    BOOST_TEST(empty.status == 2, empty.summary());
    BOOST_TEST(empty.output.find("no password on standard input") != std::string::npos,
               empty.output);
    BOOST_TEST(usersWithEmail(email) == 0);
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2_naming_the_rule) {
    const std::string email = uniqueEmail("adma");
    CommandResult r =
        restdAdmin({"create-user", "--email", "not-an-email", "--username", "x!", "--role", "root"},
                   std::string(kPassword) + "\n");
    BOOST_TEST(r.status == 2, r.summary());
    BOOST_TEST(r.output.find("email: Please provide a valid email") != std::string::npos, r.output);
    BOOST_TEST(r.output.find("username: Username must be 3 to 30 characters") != std::string::npos,
               r.output);
    BOOST_TEST(r.output.find("role: Must be one of: user, admin") != std::string::npos, r.output);

    // The password is never an argument: no such option.
    CommandResult pw = restdAdmin({"create-user", "--email", email, "--username",
                                   uniqueName("adma"), "--password", std::string(kPassword)},
                                  std::nullopt);
    BOOST_TEST(pw.status == 2, pw.summary());
    BOOST_TEST(pw.output.find("unknown option '--password'") != std::string::npos, pw.output);
    BOOST_TEST(usersWithEmail(email) == 0);

    BOOST_TEST(restdAdmin({"set-password", "--id", "1", "--email", email}, std::nullopt).status ==
               2);
    BOOST_TEST(restdAdmin({"revoke-sessions"}, std::nullopt).status == 2);
    BOOST_TEST(restdAdmin({"revoke-sessions", "--id", "0"}, std::nullopt).status == 2);
    BOOST_TEST(restdAdmin({"drop-database"}, std::nullopt).status == 2);
    CommandResult help = restdAdmin({"--help"}, std::nullopt);
    BOOST_TEST(help.ok(), help.summary());
    BOOST_TEST(help.output.find("create-user") != std::string::npos, help.output);
}

// As the API's password change: the old password, every refresh token and
// every access token issued before stop working.
BOOST_AUTO_TEST_CASE(set_password_replaces_the_password_and_ends_every_session) {
    Account account = registerAccount("adms");
    CommandResult r =
        restdAdmin({"set-password", "--email", account.email}, std::string(kNewPassword) + "\n");
    BOOST_REQUIRE_MESSAGE(r.ok(), r.summary());
    BOOST_TEST(trimmed(r.output) == "1");  // registration's session
    checkError(login(account.email, account.password), 401, "INVALID_CREDENTIALS");
    checkError(refresh(account.refreshToken), 401, "UNAUTHORIZED");
    checkError(send("GET", "/api/v1/auth/me", account.token), 401, "UNAUTHORIZED");
    auto body = checkSuccess(login(account.email, std::string(kNewPassword)), 200);
    checkSuccess(send("GET", "/api/v1/auth/me", body["data"]["token"].GetString()), 200);

    // The API's rules hold here too; a refused password changes nothing.
    CommandResult weak = restdAdmin({"set-password", "--id", std::to_string(account.id)}, "weak\n");
    BOOST_TEST(weak.status == 2, weak.summary());
    checkSuccess(login(account.email, std::string(kNewPassword)), 200);
}

BOOST_AUTO_TEST_CASE(revoke_sessions_ends_every_session_and_keeps_the_password) {
    Account account = registerAccount("admr");
    Account second = account;
    relogin(second);
    CommandResult r = restdAdmin({"revoke-sessions", "--username", account.username}, std::nullopt);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.summary());
    BOOST_TEST(trimmed(r.output) == "2");
    checkError(refresh(account.refreshToken), 401, "UNAUTHORIZED");
    checkError(refresh(second.refreshToken), 401, "UNAUTHORIZED");
    checkError(send("GET", "/api/v1/auth/me", second.token), 401, "UNAUTHORIZED");
    relogin(account);
    checkSuccess(send("GET", "/api/v1/auth/me", account.token), 200);

    // Nothing left to revoke: 0, still done.
    CommandResult none =
        restdAdmin({"revoke-sessions", "--id", std::to_string(account.id)}, std::nullopt);
    BOOST_REQUIRE_MESSAGE(none.ok(), none.summary());
    BOOST_TEST(trimmed(none.output) == "1");  // the relogin's
}

BOOST_AUTO_TEST_CASE(an_unknown_user_exits_4) {
    CommandResult byId = restdAdmin({"revoke-sessions", "--id", "999999999"}, std::nullopt);
    BOOST_TEST(byId.status == 4, byId.summary());
    BOOST_TEST(byId.output.find("no user with id 999999999") != std::string::npos, byId.output);
    CommandResult byEmail =
        restdAdmin({"set-password", "--email", uniqueEmail("admn")}, std::string(kPassword) + "\n");
    BOOST_TEST(byEmail.status == 4, byEmail.summary());
    CommandResult byName =
        restdAdmin({"revoke-sessions", "--username", uniqueName("admn")}, std::nullopt);
    BOOST_TEST(byName.status == 4, byName.summary());
}

BOOST_AUTO_TEST_CASE(a_database_it_cannot_use_exits_1_with_the_reason) {
    const std::string email = uniqueEmail("admd");
    CommandResult wrongPassword =
        restdAdmin({"create-user", "--email", email, "--username", uniqueName("admd")},
                   std::string(kPassword) + "\n", envFileWith("DB_PASSWORD", "not-the-password"));
    checkFailure(wrongPassword);
    BOOST_TEST(wrongPassword.output.find("Access denied") != std::string::npos,
               wrongPassword.output);

    CommandResult down =
        restdAdmin({"revoke-sessions", "--id", "1"}, std::nullopt,
                   envFileWith("DB_SOCKET", (stack().stackDir() / "no-such.sock").string()));
    checkFailure(down);
    BOOST_TEST(usersWithEmail(email) == 0);
}

// The server's settings, checked as the server checks them: an env file
// restd would not start with stops the command before any work.
BOOST_AUTO_TEST_CASE(an_invalid_configuration_exits_2_naming_the_setting) {
    const std::string email = uniqueEmail("admc");
    CommandResult r =
        restdAdmin({"create-user", "--email", email, "--username", uniqueName("admc")},
                   std::string(kPassword) + "\n", envFileWith("BCRYPT_COST", "99"));
    BOOST_TEST(r.status == 2, r.summary());
    BOOST_TEST(r.output.starts_with("restd admin: configuration error: "), r.output);
    BOOST_TEST(r.output.find("BCRYPT_COST") != std::string::npos, r.output);
    CommandResult missing = restdAdmin({"revoke-sessions", "--id", "1"}, std::nullopt,
                                       (stack().stackDir() / "no-such.env").string());
    BOOST_TEST(missing.status == 2, missing.summary());
    BOOST_TEST(missing.output.find("RESTD_ENV_FILE") != std::string::npos, missing.output);
    BOOST_TEST(usersWithEmail(email) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
