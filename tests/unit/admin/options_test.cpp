// SPDX-License-Identifier: Apache-2.0
#include "admin/options.h"

#include <boost/test/unit_test.hpp>
#include <string_view>
#include <vector>

using restd::admin::Command;
using restd::admin::Options;
using restd::admin::Selector;
using restd::admin::UsageError;

namespace {

Options parse(std::vector<std::string_view> args) { return restd::admin::parse(args); }

// The UsageError message of parsing `args` ("" when it parses).
std::string refusal(std::vector<std::string_view> args) {
    try {
        parse(args);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(admin_options)

BOOST_AUTO_TEST_CASE(no_command_or_help_asks_for_the_usage) {
    BOOST_TEST((parse({}).command == Command::Help));
    BOOST_TEST((parse({"--help"}).command == Command::Help));
    BOOST_TEST((parse({"create-user", "--help"}).command == Command::Help));
}

BOOST_AUTO_TEST_CASE(create_user_takes_email_username_and_an_optional_role) {
    Options o = parse({"create-user", "--email", "a@b.example", "--username=ann"});
    BOOST_TEST((o.command == Command::CreateUser));
    BOOST_TEST(o.email == "a@b.example");
    BOOST_TEST(o.username == "ann");
    BOOST_TEST(o.role == "user");
    BOOST_TEST(parse({"create-user", "--role", "admin", "--email", "e", "--username", "u"}).role ==
               "admin");
    // Values are checked later, by the API's rules: any text parses here.
    BOOST_TEST(parse({"create-user", "--email", "--x", "--username", ""}).email == "--x");
}

BOOST_AUTO_TEST_CASE(create_user_refuses_what_is_missing_unknown_or_repeated) {
    BOOST_TEST(refusal({"create-user", "--email", "e"}) == "create-user needs --username");
    BOOST_TEST(refusal({"create-user", "--username", "u"}) == "create-user needs --email");
    BOOST_TEST(refusal({"create-user", "--email", "e", "--username", "u", "--password", "p"}) ==
               "create-user: unknown option '--password'");
    BOOST_TEST(refusal({"create-user", "--email", "e", "--email", "f", "--username", "u"}) ==
               "option '--email' given twice");
    BOOST_TEST(refusal({"create-user", "--email"}) == "option '--email' needs a value");
    BOOST_TEST(refusal({"create-user", "e@x.example"}) == "unexpected argument 'e@x.example'");
    BOOST_TEST(refusal({"create-user", "--id", "1"}) == "create-user: unknown option '--id'");
}

BOOST_AUTO_TEST_CASE(set_password_and_revoke_sessions_take_exactly_one_selector) {
    Options byId = parse({"set-password", "--id", "42"});
    BOOST_TEST((byId.command == Command::SetPassword));
    BOOST_TEST((byId.user.kind == Selector::Kind::Id));
    BOOST_TEST(byId.user.id == 42);
    Options byEmail = parse({"revoke-sessions", "--email=a@b.example"});
    BOOST_TEST((byEmail.command == Command::RevokeSessions));
    BOOST_TEST((byEmail.user.kind == Selector::Kind::Email));
    BOOST_TEST(byEmail.user.text == "a@b.example");
    BOOST_TEST(
        (parse({"revoke-sessions", "--username", "ann"}).user.kind == Selector::Kind::Username));

    const std::string one = "set-password needs exactly one of --email, --username and --id";
    BOOST_TEST(refusal({"set-password"}) == one);
    BOOST_TEST(refusal({"set-password", "--id", "1", "--email", "e"}) == one);
    BOOST_TEST(refusal({"revoke-sessions", "--role", "admin"}) ==
               "revoke-sessions: unknown option '--role'");
    BOOST_TEST(refusal({"set-password", "--password", "x"}) ==
               "set-password: unknown option '--password'");
}

BOOST_AUTO_TEST_CASE(an_id_is_a_positive_integer) {
    for (std::string_view bad : {"0", "-1", "1x", "", "+5", "99999999999999999999"}) {
        BOOST_TEST(refusal({"revoke-sessions", "--id", bad}).starts_with("--id must be a positive"),
                   bad);
    }
}

BOOST_AUTO_TEST_CASE(an_unknown_command_is_refused) {
    BOOST_TEST(refusal({"drop-users"}) == "unknown command 'drop-users'");
    BOOST_TEST(refusal({"--email", "e"}) == "unknown command '--email'");
}

BOOST_AUTO_TEST_SUITE_END()
