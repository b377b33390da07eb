// SPDX-License-Identifier: Apache-2.0
// The command line of `restd admin`: which command, and its options. Pure
// parsing, no I/O: the values are checked against the API's rules later
// (admin/commands.h), where the users resource's rules are at hand.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace restd::admin {

// Exit statuses of `restd admin` (restd(8) lists them).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the database unreachable, or another runtime failure
inline constexpr int kExitUsage = 2;    // usage, or input that breaks a rule
inline constexpr int kExitTaken = 3;    // the email or username is another user's
inline constexpr int kExitNoSuchUser = 4;

extern const char* const kUsage;

// A usage error: the message names the option or the command at fault.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class Command { Help, CreateUser, SetPassword, RevokeSessions };

// Whom set-password and revoke-sessions act on: exactly one of the three.
struct Selector {
    enum class Kind { Email, Username, Id };
    Kind kind = Kind::Id;
    std::string text;  // Email, Username: as given
    int64_t id = 0;    // Id
};

struct Options {
    Command command = Command::Help;
    // create-user
    std::string email;
    std::string username;
    std::string role = "user";
    // set-password, revoke-sessions
    Selector user;
};

// `args` are the words after "admin". Options take their value as the next
// word or after '=' (--email=a@b.example). Throws UsageError for an unknown
// command or option, a missing or repeated option or value, or a --id that
// is no positive integer.
Options parse(std::span<const std::string_view> args);

}  // namespace restd::admin
