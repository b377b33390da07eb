// restd: a JSON REST API server running as FastCGI workers behind nginx.
// Reads its configuration from the environment, then hands over to the master.
#include <iostream>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/log.h"
#include "app/master.h"
#include "app/version.h"
#include "auth/password.h"
#include "openapi/document.h"

namespace {

constexpr const char* kUsage =
    "usage: restd                  serve (configuration from the environment and the\n"
    "                              file RESTD_ENV_FILE names, if any)\n"
    "       restd --hash-password  read a password on stdin, print its bcrypt hash\n"
    "                              (cost from BCRYPT_COST, default 12)\n"
    "       restd --check-config   validate the configuration and exit\n"
    "       restd --openapi        print the OpenAPI document (no database needed)\n"
    "       restd --version\n";

int hashPassword() {
    std::string password;
    std::getline(std::cin, password);
    int cost = 12;
    if (const char* c = std::getenv("BCRYPT_COST")) cost = std::atoi(c);
    auto hash = restd::auth::hashPassword(password, cost);
    if (!hash) {
        std::cerr << "restd: cannot hash password (72 bytes at most; BCRYPT_COST 4..31)\n";
        return 1;
    }
    std::cout << *hash << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string arg = argc > 1 ? argv[1] : "";
    if (arg == "--version") {
        std::cout << "restd " << restd::app::kVersion << "\n";
        return 0;
    }
    if (arg == "--hash-password") return hashPassword();
    if (arg == "--openapi") {
        std::cout << restd::openapi::document() << "\n";
        return 0;
    }
    if (!arg.empty() && arg != "--check-config") {
        std::cerr << kUsage;
        return arg == "--help" ? 0 : 2;
    }
    restd::app::Config config;
    std::vector<std::string> ignored;
    try {
        config = restd::app::Config::load(&ignored);
    } catch (const restd::app::ConfigError& e) {
        std::cerr << "restd: configuration error: " << e.what() << "\n";
        return 2;
    }
    if (arg == "--check-config") {
        for (const std::string& key : ignored) {
            std::cerr << "restd: warning: RESTD_ENV_FILE sets " << key
                      << ", which is no restd setting\n";
        }
        return 0;
    }
    restd::app::log::setLevel(config.logLevel);
    for (const std::string& key : ignored) {
        restd::app::log::warn("RESTD_ENV_FILE sets an unknown variable; ignored", {{"name", key}});
    }
    // The default suits a developer's machine; a server must say production
    // (the installed unit and restd-deploy's env file do).
    if (!config.appEnvSet) {
        restd::app::log::warn(
            "APP_ENV is not set; running as development (set APP_ENV=production "
            "on a server)");
    }
    return restd::app::Master(std::move(config)).run();
}
