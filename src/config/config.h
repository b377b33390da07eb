// SPDX-License-Identifier: Apache-2.0
// Config: every setting restd reads, from environment variables (systemd's
// EnvironmentFile feeds the same), overridden by the optional env file that
// RESTD_ENV_FILE names. The master parses it at start and again on SIGHUP
// (the environment of a running process cannot change; the file can); each
// worker gets the copy current when it was forked. A missing or invalid value
// throws ConfigError whose message names the variable.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/key_set.h"
#include "common/log.h"
#include "db/settings.h"

namespace restd::config {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class AppEnv { Development, Test, Production };

// An IPv4 or IPv6 address (an IPv4-mapped IPv6 address counts as IPv4): an
// entry of FCGI_WEB_SERVER_ADDRS, or the peer of a FastCGI connection.
struct IpAddress {
    bool v6 = false;
    unsigned char bytes[16] = {};  // IPv4: the first 4

    // A numeric address ("10.0.0.5", "::1"), nothing for anything else.
    static std::optional<IpAddress> parse(std::string_view text);
    bool isLoopback() const;  // 127.0.0.0/8 or ::1
    std::string text() const;
    bool operator==(const IpAddress&) const = default;
};

// FCGI_WEB_SERVER_ADDRS: comma-separated numeric addresses, blanks around
// each allowed (libfcgi's variable and php-fpm's listen.allowed_clients).
// Throws ConfigError naming the variable and the entry that is no address.
std::vector<IpAddress> parseAddressList(std::string_view text);

// DB_HOSTS, DB_READ_HOSTS: comma-separated host:port entries ("[::1]:3306"
// for IPv6), blanks around each allowed, each server once. Throws
// ConfigError naming `name` and the entry.
std::vector<db::Endpoint> parseEndpointList(std::string_view name, std::string_view text);

// Whether the host of a "host:port" FCGI_LISTEN is a loopback address:
// 127.0.0.0/8, [::1] or localhost. An empty host (every address) is not.
bool isLoopbackListen(std::string_view spec);

struct Config {
    AppEnv appEnv = AppEnv::Development;
    bool appEnvSet = false;  // APP_ENV was given (restd warns at start when not)
    std::string fcgiListen = "unix:/run/restd/restd.sock";
    // Peers a TCP FastCGI connection may come from (nginx). Empty: loopback
    // peers only. Required for a TCP FCGI_LISTEN on a non-loopback address.
    std::vector<IpAddress> fcgiWebServerAddrs;
    int listenBacklog = 1024;
    int workers = 2;  // fromEnvironment() starts from the online CPU count
    int threadsPerWorker = 6;
    long maxRequestsPerWorker = 0;  // 0: never recycle
    int graceSeconds = 10;
    int requestTimeoutSeconds = 30;  // 0: requests may run forever
    db::Settings db;                 // db.password: DB_PASSWORD, or the content of DB_PASSWORD_FILE
    std::string dbPasswordFile;
    // JWT_SECRET (or the content of JWT_SECRET_FILE) signs access tokens and
    // list cursors; JWT_PREVIOUS_SECRETS only verify them (a rotation).
    common::KeySet jwtKeys;
    std::string jwtSecretFile;
    int jwtTtlSeconds = 900;
    int refreshTtlSeconds = 2592000;
    int bcryptCost = 12;
    int bcryptConcurrency = 0;  // bcrypt computations at once per worker; 0: one per core
    std::vector<std::string> clientUrls{"http://localhost:3000"};
    size_t maxBodyBytes = 1048576;
    log::Level logLevel = log::Level::Info;
    int slowRequestMs = 1000;

    // `lookup` returns the variable's value or nullptr. Throws ConfigError.
    static Config fromEnvironment(const std::function<const char*(const char*)>& lookup);
    // The process environment, overridden by the file RESTD_ENV_FILE names
    // when that variable is set (a missing or unreadable file is an error).
    // Names in the file that are no restd setting go to `ignoredKeys`.
    static Config load(std::vector<std::string>* ignoredKeys = nullptr);

    // Every setting as (variable name, value as text), in README order.
    // Holds secrets: for comparing, never for logging.
    std::vector<std::pair<std::string_view, std::string>> values() const;
    // Names of the variables whose values differ from `other`'s.
    std::vector<std::string_view> changedFrom(const Config& other) const;
};

// Settings bound to the listen socket, which lives as long as the master:
// a reload logs a change to them as "needs restart" and keeps the old value.
bool needsRestart(std::string_view name);

// KEY=value lines as systemd's EnvironmentFile reads them: blank lines and
// lines starting with # or ; are skipped, an optional "export " prefix, blanks
// around key and value dropped, a value in matching single or double quotes
// unquoted (in double quotes \\ \" \$ and \` are escapes). Later lines win.
// Throws ConfigError naming `path` and the line.
std::vector<std::pair<std::string, std::string>> parseEnvFile(std::string_view text,
                                                              std::string_view path);

std::string_view appEnvName(AppEnv env);

}  // namespace restd::config
