#include "app/config.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <limits>

namespace restd::app {

namespace {

class Reader {
  public:
    explicit Reader(const std::function<const char*(const char*)>& lookup) : lookup_(lookup) {}

    const char* raw(const char* name) const {
        const char* v = lookup_(name);
        return (v && *v) ? v : nullptr;
    }

    void string(const char* name, std::string& out) const {
        if (const char* v = raw(name)) out = v;
    }

    template <class Int>
    void integer(const char* name, Int& out, long long min, long long max) const {
        const char* v = raw(name);
        if (!v) return;
        std::string_view s(v);
        long long n = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc() || ptr != s.data() + s.size() || n < min || n > max) {
            throw ConfigError(std::string(name) + " must be an integer from " +
                              std::to_string(min) + " to " + std::to_string(max) + ", got '" + v +
                              "'");
        }
        out = static_cast<Int>(n);
    }

  private:
    const std::function<const char*(const char*)>& lookup_;
};

std::vector<std::string> splitList(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty()) {
        size_t comma = s.find(',');
        std::string_view item = s.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        while (!item.empty() && item.back() == '/') item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace

std::string_view appEnvName(AppEnv env) {
    switch (env) {
        case AppEnv::Development:
            return "development";
        case AppEnv::Test:
            return "test";
        case AppEnv::Production:
            return "production";
    }
    return "development";
}

Config Config::fromEnvironment(const std::function<const char*(const char*)>& lookup) {
    Reader r(lookup);
    Config c;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    c.workers = cpus > 0 ? static_cast<int>(cpus) : 2;

    if (const char* env = r.raw("APP_ENV")) {
        std::string_view e(env);
        if (e == "development")
            c.appEnv = AppEnv::Development;
        else if (e == "test")
            c.appEnv = AppEnv::Test;
        else if (e == "production")
            c.appEnv = AppEnv::Production;
        else
            throw ConfigError("APP_ENV must be development, test or production, got '" +
                              std::string(e) + "'");
    }
    r.string("FCGI_LISTEN", c.fcgiListen);
    if (!c.fcgiListen.starts_with("unix:") && c.fcgiListen.find(':') == std::string::npos) {
        throw ConfigError("FCGI_LISTEN must be unix:/path or host:port, got '" + c.fcgiListen +
                          "'");
    }
    r.integer("LISTEN_BACKLOG", c.listenBacklog, 16, 65535);
    r.integer("WORKERS", c.workers, 1, 256);
    r.integer("THREADS_PER_WORKER", c.threadsPerWorker, 1, 1024);
    r.integer("MAX_REQUESTS_PER_WORKER", c.maxRequestsPerWorker, 0,
              std::numeric_limits<int>::max());
    r.integer("GRACE_SECONDS", c.graceSeconds, 0, 3600);

    r.string("DB_HOST", c.db.host);
    r.integer("DB_PORT", c.db.port, 1, 65535);
    r.string("DB_SOCKET", c.db.socket);
    r.string("DB_NAME", c.db.name);
    r.string("DB_USER", c.db.user);
    r.string("DB_PASSWORD", c.db.password);
    r.integer("DB_POOL_MAX", c.db.poolMax, 1, 1000);
    r.integer("DB_POOL_IDLE_TIMEOUT_MS", c.db.poolIdleTimeoutMs, 1000, 86400000);
    r.integer("DB_CONNECT_TIMEOUT_MS", c.db.connectTimeoutMs, 100, 600000);
    r.integer("DB_POOL_WAIT_MS", c.db.poolWaitMs, 0, 600000);
    r.integer("DB_MAX_LIFETIME_MS", c.db.maxLifetimeMs, 1000, 604800000);
    r.integer("DB_STATEMENT_TIMEOUT_MS", c.db.statementTimeoutMs, 0, 3600000);

    r.string("JWT_SECRET", c.jwtSecret);
    if (c.jwtSecret.empty()) throw ConfigError("JWT_SECRET is required");
    if (c.appEnv == AppEnv::Production && c.jwtSecret.size() < 32) {
        throw ConfigError("JWT_SECRET must be at least 32 bytes when APP_ENV=production");
    }
    r.integer("JWT_TTL_SECONDS", c.jwtTtlSeconds, 1, 86400 * 7);
    r.integer("REFRESH_TTL_SECONDS", c.refreshTtlSeconds, 60, 86400 * 365);
    r.integer("BCRYPT_COST", c.bcryptCost, 4, 31);
    if (c.appEnv == AppEnv::Production && c.bcryptCost < 10) {
        throw ConfigError("BCRYPT_COST must be at least 10 when APP_ENV=production");
    }
    if (const char* urls = r.raw("CLIENT_URL")) {
        c.clientUrls = splitList(urls);
        if (c.clientUrls.empty()) throw ConfigError("CLIENT_URL lists no origin");
    }
    r.integer("MAX_BODY_BYTES", c.maxBodyBytes, 1024, 1LL << 30);
    if (const char* level = r.raw("LOG_LEVEL")) {
        std::string_view l(level);
        if (l == "debug")
            c.logLevel = LogLevel::Debug;
        else if (l == "info")
            c.logLevel = LogLevel::Info;
        else if (l == "warn")
            c.logLevel = LogLevel::Warn;
        else if (l == "error")
            c.logLevel = LogLevel::Error;
        else
            throw ConfigError("LOG_LEVEL must be debug, info, warn or error, got '" +
                              std::string(l) + "'");
    }
    r.integer("SLOW_REQUEST_MS", c.slowRequestMs, 0, 3600000);
    return c;
}

Config Config::fromProcessEnvironment() {
    return fromEnvironment([](const char* name) { return std::getenv(name); });
}

}  // namespace restd::app
