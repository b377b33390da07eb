// Config: every setting restd reads, from environment variables (systemd's
// EnvironmentFile feeds the same). Parsed once in the master before forking;
// workers get a copy. A missing or invalid value throws ConfigError whose
// message names the variable.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace restd::app {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class AppEnv { Development, Test, Production };
enum class LogLevel { Debug, Info, Warn, Error };

struct DbConfig {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string socket;  // when set, used instead of host:port
    std::string name = "restd";
    std::string user = "restd";
    std::string password;
    int poolMax = 8;
    int poolIdleTimeoutMs = 30000;
    int connectTimeoutMs = 2000;
    int poolWaitMs = 1000;
    int maxLifetimeMs = 3600000;
    int statementTimeoutMs = 10000;  // MariaDB max_statement_time per session
};

struct Config {
    AppEnv appEnv = AppEnv::Development;
    std::string fcgiListen = "unix:/run/restd/restd.sock";
    int listenBacklog = 1024;
    int workers = 2;
    int threadsPerWorker = 16;
    long maxRequestsPerWorker = 0;  // 0: never recycle
    int graceSeconds = 10;
    DbConfig db;
    std::string jwtSecret;
    int jwtTtlSeconds = 900;
    int refreshTtlSeconds = 2592000;
    int bcryptCost = 12;
    std::vector<std::string> clientUrls{"http://localhost:3000"};
    size_t maxBodyBytes = 1048576;
    LogLevel logLevel = LogLevel::Info;
    int slowRequestMs = 1000;

    // `lookup` returns the variable's value or nullptr. Throws ConfigError.
    static Config fromEnvironment(const std::function<const char*(const char*)>& lookup);
    static Config fromProcessEnvironment();
};

std::string_view appEnvName(AppEnv env);

}  // namespace restd::app
