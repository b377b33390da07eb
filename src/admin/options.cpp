// SPDX-License-Identifier: Apache-2.0
#include "admin/options.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <vector>

namespace restd::admin {

const char* const kUsage =
    "usage: restd admin create-user --email EMAIL --username NAME [--role user|admin]\n"
    "           create a user; prints its id\n"
    "       restd admin set-password (--email EMAIL | --username NAME | --id ID)\n"
    "           replace the user's password and end every session of the user;\n"
    "           prints how many refresh tokens were revoked\n"
    "       restd admin revoke-sessions (--email EMAIL | --username NAME | --id ID)\n"
    "           end every session of the user (refresh tokens and access tokens);\n"
    "           prints how many refresh tokens were revoked\n"
    "The password is read from the terminal (asked twice, not echoed), or else as\n"
    "one line of standard input; never from the command line. Settings as the\n"
    "server reads them: the environment and the file RESTD_ENV_FILE names.\n"
    "Exit status: 0 done, 1 failure (database unreachable ...), 2 usage or invalid\n"
    "input, 3 email or username taken, 4 no such user.\n";

namespace {

struct CommandSpec {
    std::string_view name;
    Command command;
    std::vector<std::string_view> options;  // without the leading "--"
};

const CommandSpec kCommands[] = {
    {"create-user", Command::CreateUser, {"email", "username", "role"}},
    {"set-password", Command::SetPassword, {"email", "username", "id"}},
    {"revoke-sessions", Command::RevokeSessions, {"email", "username", "id"}},
};

// The option words of `args` as name -> value.
std::map<std::string, std::string, std::less<>> readOptions(
    const CommandSpec& spec, std::span<const std::string_view> args) {
    std::map<std::string, std::string, std::less<>> values;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string_view word = args[i];
        if (!word.starts_with("--") || word.size() == 2)
            throw UsageError("unexpected argument '" + std::string(word) + "'");
        std::string_view name = word.substr(2);
        std::optional<std::string_view> value;
        if (size_t eq = name.find('='); eq != std::string_view::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (std::find(spec.options.begin(), spec.options.end(), name) == spec.options.end())
            throw UsageError(std::string(spec.name) + ": unknown option '--" + std::string(name) +
                             "'");
        if (!value) {
            if (i + 1 >= args.size())
                throw UsageError("option '--" + std::string(name) + "' needs a value");
            value = args[++i];
        }
        if (!values.emplace(std::string(name), std::string(*value)).second)
            throw UsageError("option '--" + std::string(name) + "' given twice");
    }
    return values;
}

int64_t parseId(std::string_view text) {
    int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id < 1)
        throw UsageError("--id must be a positive integer, got '" + std::string(text) + "'");
    return id;
}

Selector selector(std::string_view command,
                  std::map<std::string, std::string, std::less<>>& values) {
    if (values.size() != 1)
        throw UsageError(std::string(command) +
                         " needs exactly one of --email, --username and --id");
    auto& [name, value] = *values.begin();
    if (name == "id") return {.kind = Selector::Kind::Id, .text = value, .id = parseId(value)};
    return {.kind = name == "email" ? Selector::Kind::Email : Selector::Kind::Username,
            .text = value};
}

}  // namespace

Options parse(std::span<const std::string_view> args) {
    Options options;
    auto help = [](std::string_view a) { return a == "--help" || a == "-h"; };
    if (args.empty() || args[0] == "help" || std::any_of(args.begin(), args.end(), help))
        return options;
    auto spec = std::find_if(std::begin(kCommands), std::end(kCommands),
                             [&](const CommandSpec& c) { return c.name == args[0]; });
    if (spec == std::end(kCommands))
        throw UsageError("unknown command '" + std::string(args[0]) + "'");
    options.command = spec->command;
    auto values = readOptions(*spec, args.subspan(1));
    if (options.command != Command::CreateUser) {
        options.user = selector(spec->name, values);
        return options;
    }
    for (std::string_view required : {"email", "username"}) {
        if (!values.contains(required))
            throw UsageError("create-user needs --" + std::string(required));
    }
    options.email = values["email"];
    options.username = values["username"];
    if (auto role = values.find("role"); role != values.end()) options.role = role->second;
    return options;
}

}  // namespace restd::admin
