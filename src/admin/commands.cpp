// SPDX-License-Identifier: Apache-2.0
#include "admin/commands.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "admin/options.h"
#include "admin/password_input.h"
#include "auth/password.h"
#include "common/log.h"
#include "config/config.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "http/api_error.h"
#include "http/body.h"
#include "resources/auth/repository.h"
#include "resources/users/errors.h"
#include "resources/users/repository.h"
#include "resources/users/rules.h"
#include "validation/validator.h"

namespace restd::admin {

namespace {

// Input that breaks a rule of the API; the message lists the rules broken.
class InvalidInput : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// No user matches the selector.
class NoSuchUser : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// `value` checked by the rule of `field` of POST /api/v1/users, the rules
// registration and a password change apply too; returns it normalised as
// the API stores it (an email trimmed and lower-cased).
std::string checked(std::string_view field, const std::string& value) {
    const auto& fields = users::rules::kCreateUser.fields;
    auto rule = std::find_if(fields.begin(), fields.end(),
                             [&](const validation::FieldRule& r) { return r.name == field; });
    // A request body is UTF-8 before any rule runs (http::parseBody).
    if (!http::validUtf8(value)) throw InvalidInput(std::string(field) + ": must be UTF-8 text");
    std::vector<http::FieldError> broken;
    auto normalised = validation::checkField(*rule, nullptr, &value, "argument", broken);
    if (!normalised) {
        std::string message;
        for (const auto& detail : broken)
            message += (message.empty() ? "" : "\n") + detail.field + ": " + detail.message;
        throw InvalidInput(message);
    }
    return std::get<std::string>(*normalised);
}

// Values checked together: every broken rule is reported, not the first.
class Checks {
  public:
    std::string operator()(std::string_view field, const std::string& value) {
        try {
            return checked(field, value);
        } catch (const InvalidInput& e) {
            broken_ += (broken_.empty() ? "" : "\n") + std::string(e.what());
            return {};
        }
    }
    // Throws InvalidInput listing what broke, if anything did.
    void done() const {
        if (!broken_.empty()) throw InvalidInput(broken_);
    }

  private:
    std::string broken_;
};

std::string describe(const Selector& who) {
    switch (who.kind) {
        case Selector::Kind::Email:
            return "email " + who.text;
        case Selector::Kind::Username:
            return "username " + who.text;
        default:
            return "id " + std::to_string(who.id);
    }
}

// The user `who` names, on `conn`; NoSuchUser when none. The email and the
// username are looked up as the API compares them (case ignored).
users::User find(db::Connection& conn, const Selector& who) {
    std::optional<users::User> user;
    switch (who.kind) {
        case Selector::Kind::Email:
            if (auto record = users::repository::findByEmail(conn, checked("email", who.text)))
                user = record->user;
            break;
        case Selector::Kind::Username:
            user = users::repository::findByUsername(conn, checked("username", who.text));
            break;
        case Selector::Kind::Id:
            user = users::repository::findById(conn, who.id);
            break;
    }
    if (!user) throw NoSuchUser("no user with " + describe(who));
    return *user;
}

// The password from the terminal or stdin, checked by the API's rules, as
// bcrypt at BCRYPT_COST.
std::string newPasswordHash(const config::Config& config) {
    std::string password = checked("password", readPassword());
    auto hash = auth::hashPassword(password, config.bcryptCost);
    if (!hash) throw std::runtime_error("cannot hash the password");
    return *hash;
}

int createUser(const Options& options) {
    Checks check;
    const std::string email = check("email", options.email);
    const std::string username = check("username", options.username);
    const std::string role = check("role", options.role);
    check.done();
    const config::Config config = config::Config::load();
    db::Pool pool(config.db);
    // A taken email or username is refused before the password is asked for.
    pool.read([&](db::Connection& conn) {
        if (auto field = users::repository::takenField(conn, 0, email, username))
            throw users::duplicateOf(*field);
    });
    users::repository::NewUser user{email, username, newPasswordHash(config), role};
    // The unique keys still decide a race with another writer.
    users::User created = users::translateDuplicate([&] {
        return db::withTransaction(
            pool, [&](db::Connection& conn) { return users::repository::insert(conn, user); });
    });
    std::cout << created.id << "\n";
    return kExitOk;
}

// As PUT/PATCH /api/v1/users/{id} with a new password: the hash and the
// token version change and every refresh token is revoked, in one transaction.
int setPassword(const Options& options) {
    const config::Config config = config::Config::load();
    db::Pool pool(config.db);
    const int64_t id = pool.read([&](db::Connection& conn) { return find(conn, options.user).id; });
    users::repository::Changes changes;
    changes.passwordHash = newPasswordHash(config);
    uint64_t revoked = db::withTransaction(pool, [&](db::Connection& conn) {
        if (!users::repository::update(conn, id, changes))
            throw NoSuchUser("no user with " + describe(options.user));
        return auth_tokens::repository::revokeAllOfUser(conn, id);
    });
    std::cout << revoked << "\n";
    return kExitOk;
}

// As POST /api/v1/auth/logout-all of the user.
int revokeSessions(const Options& options) {
    const config::Config config = config::Config::load();
    db::Pool pool(config.db);
    uint64_t revoked = db::withTransaction(pool, [&](db::Connection& conn) {
        const int64_t id = find(conn, options.user).id;
        users::repository::bumpTokenVersion(conn, id);
        return auth_tokens::repository::revokeAllOfUser(conn, id);
    });
    std::cout << revoked << "\n";
    return kExitOk;
}

int dispatch(const Options& options) {
    switch (options.command) {
        case Command::CreateUser:
            return createUser(options);
        case Command::SetPassword:
            return setPassword(options);
        case Command::RevokeSessions:
            return revokeSessions(options);
        default:
            std::cout << kUsage;
            return kExitOk;
    }
}

// A database failure in a line: the client's reason when the server could
// not be reached or refused the account (an operator's to fix), else only
// the error number (a server message may quote a statement).
std::string reasonOf(const db::Error& e) {
    if (e.kind() == db::ErrorKind::Unavailable)
        return std::string("cannot use the database: ") + e.what();
    return "database error " + std::to_string(e.code());
}

// Each line of `message` on stderr, prefixed; returns `status`.
int fail(int status, std::string_view message) {
    std::string out;
    while (!message.empty()) {
        size_t end = std::min(message.find('\n'), message.size());
        out += "restd admin: " + std::string(message.substr(0, end)) + "\n";
        message.remove_prefix(std::min(end + 1, message.size()));
    }
    std::cerr << out;
    return status;
}

}  // namespace

int run(std::span<const std::string_view> args) {
    Options options;
    try {
        options = parse(args);
    } catch (const UsageError& e) {
        std::cerr << "restd admin: " << e.what() << " (restd admin --help shows the usage)\n";
        return kExitUsage;
    }
    // The pool's own notices (a server switched) are the server's business.
    log::setLevel(log::Level::Error);
    db::initDriver();
    db::threadInit();
    struct ThreadEnd {
        ~ThreadEnd() { db::threadEnd(); }
    } threadEnd;
    try {
        return dispatch(options);
    } catch (const InvalidInput& e) {
        return fail(kExitUsage, e.what());
    } catch (const PasswordInputError& e) {
        return fail(kExitUsage, e.what());
    } catch (const config::ConfigError& e) {
        return fail(kExitUsage, std::string("configuration error: ") + e.what());
    } catch (const NoSuchUser& e) {
        return fail(kExitNoSuchUser, e.what());
    } catch (const http::ApiError& e) {
        // The users resource's refusals: 409 for a taken email or username.
        return fail(e.status() == 409 ? kExitTaken : kExitFailure, e.what());
    } catch (const db::Error& e) {
        return fail(kExitFailure, reasonOf(e));
    } catch (const std::exception& e) {
        return fail(kExitFailure, e.what());
    }
}

}  // namespace restd::admin
