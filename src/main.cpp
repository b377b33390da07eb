// SPDX-License-Identifier: Apache-2.0
// restd: a JSON REST API server running as FastCGI workers behind nginx.
// Reads its configuration from the environment, then hands over to the master.
#include <charconv>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "admin/commands.h"
#include "app/master.h"
#include "app/route_table.h"
#include "auth/password.h"
#include "common/log.h"
#include "common/version.h"
#include "config/config.h"

namespace {

constexpr const char* kUsage =
    "usage: restd                  serve (configuration from the environment and the\n"
    "                              file RESTD_ENV_FILE names, if any)\n"
    "       restd --hash-password  read a password on stdin, print its bcrypt hash\n"
    "                              (at the BCRYPT_COST restd would use: the file\n"
    "                              RESTD_ENV_FILE names, else the environment, else 12)\n"
    "       restd --check-config   validate the configuration and exit\n"
    "       restd admin COMMAND    create-user, set-password, revoke-sessions: accounts\n"
    "                              on the server's database (restd admin --help)\n"
    "       restd --openapi        print the OpenAPI document (no database needed)\n"
    "       restd --version\n";

// The BCRYPT_COST the server would hash with, read as the server reads it
// (the file RESTD_ENV_FILE names over the environment), so that a hash made
// here for an account costs what every other does: a cheaper one would make
// that account's failed logins answer faster than an unknown email's.
std::optional<int> configuredCost() {
    std::string text = "12";
    if (const char* c = std::getenv("BCRYPT_COST"); c && *c) text = c;
    if (const char* path = std::getenv("RESTD_ENV_FILE"); path && *path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << "restd: RESTD_ENV_FILE: cannot read '" << path << "'\n";
            return std::nullopt;
        }
        std::ostringstream file;
        file << in.rdbuf();
        try {
            for (auto& [key, value] : restd::config::parseEnvFile(file.str(), path))
                if (key == "BCRYPT_COST" && !value.empty()) text = value;
        } catch (const restd::config::ConfigError& e) {
            std::cerr << "restd: " << e.what() << "\n";
            return std::nullopt;
        }
    }
    int cost = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cost);
    if (ec != std::errc() || end != text.data() + text.size() || cost < 4 || cost > 31) {
        std::cerr << "restd: BCRYPT_COST must be an integer from 4 to 31, got '" << text << "'\n";
        return std::nullopt;
    }
    return cost;
}

int hashPassword() {
    std::string password;
    std::getline(std::cin, password);
    auto cost = configuredCost();
    if (!cost) return 2;
    auto hash = restd::auth::hashPassword(password, *cost);
    if (!hash) {
        std::cerr << "restd: cannot hash password (72 bytes at most, no NUL)\n";
        return 1;
    }
    std::cout << *hash << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Before anything is logged or forked: every worker inherits the answer.
    restd::log::detectJournal();
    std::string arg = argc > 1 ? argv[1] : "";
    if (arg == "--version") {
        std::cout << "restd " << restd::common::kVersion << "\n";
        return 0;
    }
    if (arg == "--hash-password") return hashPassword();
    if (arg == "admin") {
        std::vector<std::string_view> args(argv + 2, argv + argc);
        return restd::admin::run(args);
    }
    if (arg == "--openapi") {
        std::cout << restd::app::openapiDocument() << "\n";
        return 0;
    }
    if (!arg.empty() && arg != "--check-config") {
        std::cerr << kUsage;
        return arg == "--help" ? 0 : 2;
    }
    restd::config::Config config;
    std::vector<std::string> ignored;
    try {
        config = restd::config::Config::load(&ignored);
    } catch (const restd::config::ConfigError& e) {
        std::cerr << restd::log::priorityPrefix(restd::log::Level::Error)
                  << "restd: configuration error: " << e.what() << "\n";
        return 2;
    }
    if (arg == "--check-config") {
        for (const std::string& key : ignored) {
            std::cerr << restd::log::priorityPrefix(restd::log::Level::Warn)
                      << "restd: warning: RESTD_ENV_FILE sets " << key
                      << ", which is no restd setting\n";
        }
        return 0;
    }
    restd::log::setLevel(config.logLevel);
    for (const std::string& key : ignored) {
        restd::log::warn("RESTD_ENV_FILE sets an unknown variable; ignored", {{"name", key}});
    }
    // The default suits a developer's machine; a server must say production
    // (the installed unit and restd-deploy's env file do).
    if (!config.appEnvSet) {
        restd::log::warn(
            "APP_ENV is not set; running as development (set APP_ENV=production "
            "on a server)");
    }
    return restd::app::Master(std::move(config)).run();
}
