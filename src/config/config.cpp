// SPDX-License-Identifier: Apache-2.0
#include "config/config.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

namespace restd::config {

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

std::string_view trimBlanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The content of a secret's file (JWT_SECRET_FILE, DB_PASSWORD_FILE: a
// systemd credential, say) less the newline and blanks that end it. Errors
// name the variable and the file, never what it holds.
std::string readSecretFile(std::string_view name, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) {
        throw ConfigError(std::string(name) + ": cannot read '" + path +
                          "': " + std::strerror(errno));
    }
    std::string secret = text.str();
    while (!secret.empty() && std::strchr(" \t\r\n", secret.back()) != nullptr) secret.pop_back();
    return secret;
}

// DB_PASSWORD or DB_PASSWORD_FILE. An empty DB_PASSWORD is a password (a
// unix_socket account has none), but a file named for one must hold it.
void readDbPassword(const Reader& r, Config& c) {
    r.string("DB_PASSWORD", c.db.password);
    r.string("DB_PASSWORD_FILE", c.dbPasswordFile);
    if (c.dbPasswordFile.empty()) return;
    if (!c.db.password.empty()) {
        throw ConfigError("DB_PASSWORD and DB_PASSWORD_FILE are both set: set one of them");
    }
    c.db.password = readSecretFile("DB_PASSWORD_FILE", c.dbPasswordFile);
    if (c.db.password.empty()) {
        throw ConfigError("DB_PASSWORD_FILE '" + c.dbPasswordFile + "' is empty");
    }
}

// A signing key as JWT_SECRET must be: present, and long enough in production.
// `what` names where it came from.
void checkKey(const Config& c, std::string_view key, const std::string& what) {
    if (key.empty()) throw ConfigError(what + " is empty");
    if (c.appEnv == AppEnv::Production && key.size() < 32) {
        throw ConfigError(what + " must be at least 32 bytes when APP_ENV=production");
    }
}

// JWT_SECRET or JWT_SECRET_FILE (the current key), and JWT_PREVIOUS_SECRETS:
// comma-separated keys still accepted, blanks around each allowed. A key
// given twice is a mistake in a rotation, not a harmless repeat: refused.
void readSigningKeys(const Reader& r, Config& c) {
    std::string current;
    r.string("JWT_SECRET", current);
    r.string("JWT_SECRET_FILE", c.jwtSecretFile);
    if (!c.jwtSecretFile.empty()) {
        if (!current.empty()) {
            throw ConfigError("JWT_SECRET and JWT_SECRET_FILE are both set: set one of them");
        }
        current = readSecretFile("JWT_SECRET_FILE", c.jwtSecretFile);
        checkKey(c, current, "JWT_SECRET_FILE '" + c.jwtSecretFile + "'");
    } else if (current.empty()) {
        throw ConfigError("JWT_SECRET is required");
    } else {
        checkKey(c, current, "JWT_SECRET");
    }
    std::vector<std::string> previous;
    if (const char* list = r.raw("JWT_PREVIOUS_SECRETS"); list && !trimBlanks(list).empty()) {
        std::string_view text(list);
        while (true) {
            size_t comma = text.find(',');
            const std::string what =
                "JWT_PREVIOUS_SECRETS key " + std::to_string(previous.size() + 1);
            std::string_view key = trimBlanks(text.substr(0, comma));
            checkKey(c, key, what);
            if (key == current) throw ConfigError(what + " is the current key (JWT_SECRET)");
            if (std::find(previous.begin(), previous.end(), key) != previous.end()) {
                throw ConfigError(what + " is listed twice");
            }
            previous.emplace_back(key);
            if (comma == std::string_view::npos) break;
            text.remove_prefix(comma + 1);
        }
    }
    c.jwtKeys = common::KeySet(current, previous);
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    std::string z(text);
    IpAddress a;
    if (inet_pton(AF_INET, z.c_str(), a.bytes) == 1) return a;
    if (inet_pton(AF_INET6, z.c_str(), a.bytes) != 1) return std::nullopt;
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a.bytes, kMapped, sizeof kMapped) == 0) {
        std::memmove(a.bytes, a.bytes + 12, 4);
        std::memset(a.bytes + 4, 0, 12);
        return a;
    }
    a.v6 = true;
    return a;
}

bool IpAddress::isLoopback() const {
    if (!v6) return bytes[0] == 127;
    static constexpr unsigned char kOne[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::memcmp(bytes, kOne, sizeof kOne) == 0;
}

std::string IpAddress::text() const {
    char out[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, out, sizeof out);
    return out;
}

std::vector<IpAddress> parseAddressList(std::string_view text) {
    std::vector<IpAddress> out;
    while (true) {
        size_t comma = text.find(',');
        std::string_view item = trimBlanks(text.substr(0, comma));
        auto address = IpAddress::parse(item);
        if (!address) {
            throw ConfigError(
                "FCGI_WEB_SERVER_ADDRS must list IP addresses separated by commas, "
                "got '" +
                std::string(item) + "'");
        }
        if (std::find(out.begin(), out.end(), *address) == out.end()) out.push_back(*address);
        if (comma == std::string_view::npos) return out;
        text.remove_prefix(comma + 1);
    }
}

std::vector<db::Endpoint> parseEndpointList(std::string_view name, std::string_view text) {
    std::vector<db::Endpoint> out;
    auto bad = [&](std::string_view item, std::string_view why) {
        return ConfigError(std::string(name) +
                           " must list host:port entries separated by commas (" + std::string(why) +
                           "), got '" + std::string(item) + "'");
    };
    while (true) {
        size_t comma = text.find(',');
        std::string_view item = trimBlanks(text.substr(0, comma));
        size_t colon = item.rfind(':');
        if (item.empty() || colon == std::string_view::npos || colon == 0)
            throw bad(item, "a port is required");
        std::string_view host = item.substr(0, colon);
        std::string_view port = item.substr(colon + 1);
        if (host.front() == '[') {
            if (host.size() < 3 || host.back() != ']') throw bad(item, "an IPv6 address in []");
            host = host.substr(1, host.size() - 2);
        } else if (host.find(':') != std::string_view::npos) {
            throw bad(item, "an IPv6 address goes in []");
        }
        for (char ch : host) {
            const bool ok = std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' ||
                            ch == '-' || ch == ':' || ch == '_';
            if (!ok) throw bad(item, "a host name or IP address");
        }
        int value = 0;
        auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || ptr != port.data() + port.size() || value < 1 || value > 65535)
            throw bad(item, "a port from 1 to 65535");
        db::Endpoint endpoint{std::string(host), value, {}};
        for (const db::Endpoint& seen : out) {
            if (seen.host == endpoint.host && seen.port == endpoint.port)
                throw bad(item, "each server once");
        }
        out.push_back(std::move(endpoint));
        if (comma == std::string_view::npos) return out;
        text.remove_prefix(comma + 1);
    }
}

std::string endpointListText(const std::vector<db::Endpoint>& list) {
    std::string out;
    for (const db::Endpoint& e : list) out += (out.empty() ? "" : ",") + e.text();
    return out;
}

bool isLoopbackListen(std::string_view spec) {
    if (spec.starts_with("unix:")) return false;
    std::string_view host = spec.substr(0, spec.rfind(':'));
    if (host.size() > 1 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host == "localhost") return true;
    auto address = IpAddress::parse(host);
    return address && address->isLoopback();
}

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
        c.appEnvSet = true;
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
    if (const char* addrs = r.raw("FCGI_WEB_SERVER_ADDRS")) {
        c.fcgiWebServerAddrs = parseAddressList(addrs);
    }
    // restd accepts its connections itself, so libfcgi's own check of
    // FCGI_WEB_SERVER_ADDRS never runs: anyone reaching a TCP port could
    // speak FastCGI and set REMOTE_ADDR. Off loopback, say who may.
    if (!c.fcgiListen.starts_with("unix:") && !isLoopbackListen(c.fcgiListen) &&
        c.fcgiWebServerAddrs.empty()) {
        throw ConfigError("FCGI_LISTEN=" + c.fcgiListen +
                          " is not a loopback address: set FCGI_WEB_SERVER_ADDRS to the "
                          "addresses nginx connects from (comma-separated IPs)");
    }
    r.integer("LISTEN_BACKLOG", c.listenBacklog, 16, 65535);
    r.integer("WORKERS", c.workers, 1, 256);
    r.integer("THREADS_PER_WORKER", c.threadsPerWorker, 1, 1024);
    r.integer("MAX_REQUESTS_PER_WORKER", c.maxRequestsPerWorker, 0,
              std::numeric_limits<int>::max());
    r.integer("GRACE_SECONDS", c.graceSeconds, 0, 3600);
    r.integer("REQUEST_TIMEOUT_SECONDS", c.requestTimeoutSeconds, 0, 86400);

    r.string("DB_HOST", c.db.host);
    r.integer("DB_PORT", c.db.port, 1, 65535);
    r.string("DB_SOCKET", c.db.socket);
    r.string("DB_NAME", c.db.name);
    r.string("DB_USER", c.db.user);
    readDbPassword(r, c);
    r.integer("DB_POOL_MAX", c.db.poolMax, 1, 1000);
    if (c.db.poolMax == 0) c.db.poolMax = c.threadsPerWorker;
    r.integer("DB_POOL_IDLE_TIMEOUT_MS", c.db.poolIdleTimeoutMs, 1000, 86400000);
    r.integer("DB_CONNECT_TIMEOUT_MS", c.db.connectTimeoutMs, 100, 600000);
    r.integer("DB_POOL_WAIT_MS", c.db.poolWaitMs, 0, 600000);
    r.integer("DB_MAX_LIFETIME_MS", c.db.maxLifetimeMs, 1000, 604800000);
    r.integer("DB_STATEMENT_TIMEOUT_MS", c.db.statementTimeoutMs, 0, 3600000);
    r.integer("DB_LIST_TIMEOUT_MS", c.db.listTimeoutMs, 0, 3600000);
    if (const char* hosts = r.raw("DB_HOSTS"); hosts && *hosts) {
        if (!c.db.socket.empty()) {
            throw ConfigError("DB_HOSTS and DB_SOCKET exclude each other: set one");
        }
        c.db.hosts = parseEndpointList("DB_HOSTS", hosts);
    }
    if (const char* hosts = r.raw("DB_READ_HOSTS"); hosts && *hosts) {
        c.db.readHosts = parseEndpointList("DB_READ_HOSTS", hosts);
    }
    r.integer("DB_READ_MAX_LAG_MS", c.db.readMaxLagMs, 0, 3600000);
    r.integer("DB_READ_RETRY_MS", c.db.readRetryMs, 100, 3600000);

    readSigningKeys(r, c);
    r.integer("JWT_TTL_SECONDS", c.jwtTtlSeconds, 1, 86400LL * 7);
    r.integer("REFRESH_TTL_SECONDS", c.refreshTtlSeconds, 60, 86400LL * 365);
    r.integer("BCRYPT_COST", c.bcryptCost, 4, 31);
    if (c.appEnv == AppEnv::Production && c.bcryptCost < 10) {
        throw ConfigError("BCRYPT_COST must be at least 10 when APP_ENV=production");
    }
    r.integer("BCRYPT_CONCURRENCY", c.bcryptConcurrency, 0, 1024);
    if (const char* urls = r.raw("CLIENT_URL")) {
        c.clientUrls = splitList(urls);
        if (c.clientUrls.empty()) throw ConfigError("CLIENT_URL lists no origin");
    }
    r.integer("MAX_BODY_BYTES", c.maxBodyBytes, 1024, 1LL << 30);
    if (const char* level = r.raw("LOG_LEVEL")) {
        std::string_view l(level);
        if (l == "debug")
            c.logLevel = log::Level::Debug;
        else if (l == "info")
            c.logLevel = log::Level::Info;
        else if (l == "warn")
            c.logLevel = log::Level::Warn;
        else if (l == "error")
            c.logLevel = log::Level::Error;
        else
            throw ConfigError("LOG_LEVEL must be debug, info, warn or error, got '" +
                              std::string(l) + "'");
    }
    r.integer("SLOW_REQUEST_MS", c.slowRequestMs, 0, 3600000);
    return c;
}

Config Config::load(std::vector<std::string>* ignoredKeys) {
    const char* path = std::getenv("RESTD_ENV_FILE");
    if (path == nullptr || *path == '\0') {
        return fromEnvironment([](const char* name) { return std::getenv(name); });
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError("RESTD_ENV_FILE: cannot read '" + std::string(path) +
                          "': " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::map<std::string, std::string, std::less<>> file;
    for (auto& [key, value] : parseEnvFile(text.str(), path)) file[key] = std::move(value);
    Config c = fromEnvironment([&file](const char* name) -> const char* {
        auto it = file.find(std::string_view(name));
        return it != file.end() ? it->second.c_str() : std::getenv(name);
    });
    if (ignoredKeys != nullptr) {
        const auto known = c.values();
        for (const auto& [key, value] : file) {
            bool isSetting = std::any_of(known.begin(), known.end(), [&name = key](const auto& kv) {
                return kv.first == name;
            });
            if (!isSetting) ignoredKeys->push_back(key);
        }
    }
    return c;
}

std::vector<std::pair<std::string_view, std::string>> Config::values() const {
    std::string origins;
    for (const std::string& url : clientUrls) origins += (origins.empty() ? "" : ",") + url;
    const char* levels[] = {"debug", "info", "warn", "error"};
    std::string peers;
    for (const IpAddress& a : fcgiWebServerAddrs) peers += (peers.empty() ? "" : ",") + a.text();
    std::string previousKeys;
    for (size_t i = 1; i < jwtKeys.all().size(); ++i) {
        previousKeys += (i == 1 ? "" : ",") + jwtKeys.all()[i].secret;
    }
    return {
        {"APP_ENV", std::string(appEnvName(appEnv))},
        {"FCGI_LISTEN", fcgiListen},
        {"FCGI_WEB_SERVER_ADDRS", peers},
        {"LISTEN_BACKLOG", std::to_string(listenBacklog)},
        {"WORKERS", std::to_string(workers)},
        {"THREADS_PER_WORKER", std::to_string(threadsPerWorker)},
        {"MAX_REQUESTS_PER_WORKER", std::to_string(maxRequestsPerWorker)},
        {"GRACE_SECONDS", std::to_string(graceSeconds)},
        {"REQUEST_TIMEOUT_SECONDS", std::to_string(requestTimeoutSeconds)},
        {"DB_HOST", db.host},
        {"DB_PORT", std::to_string(db.port)},
        {"DB_SOCKET", db.socket},
        {"DB_NAME", db.name},
        {"DB_USER", db.user},
        {"DB_PASSWORD", db.password},
        {"DB_PASSWORD_FILE", dbPasswordFile},
        {"DB_POOL_MAX", std::to_string(db.poolMax)},
        {"DB_POOL_IDLE_TIMEOUT_MS", std::to_string(db.poolIdleTimeoutMs)},
        {"DB_CONNECT_TIMEOUT_MS", std::to_string(db.connectTimeoutMs)},
        {"DB_POOL_WAIT_MS", std::to_string(db.poolWaitMs)},
        {"DB_MAX_LIFETIME_MS", std::to_string(db.maxLifetimeMs)},
        {"DB_STATEMENT_TIMEOUT_MS", std::to_string(db.statementTimeoutMs)},
        {"DB_LIST_TIMEOUT_MS", std::to_string(db.listTimeoutMs)},
        {"DB_HOSTS", endpointListText(db.hosts)},
        {"DB_READ_HOSTS", endpointListText(db.readHosts)},
        {"DB_READ_MAX_LAG_MS", std::to_string(db.readMaxLagMs)},
        {"DB_READ_RETRY_MS", std::to_string(db.readRetryMs)},
        {"JWT_SECRET", jwtKeys.current().secret},
        {"JWT_SECRET_FILE", jwtSecretFile},
        {"JWT_PREVIOUS_SECRETS", previousKeys},
        {"JWT_TTL_SECONDS", std::to_string(jwtTtlSeconds)},
        {"REFRESH_TTL_SECONDS", std::to_string(refreshTtlSeconds)},
        {"BCRYPT_COST", std::to_string(bcryptCost)},
        {"BCRYPT_CONCURRENCY", std::to_string(bcryptConcurrency)},
        {"CLIENT_URL", origins},
        {"MAX_BODY_BYTES", std::to_string(maxBodyBytes)},
        {"LOG_LEVEL", levels[static_cast<int>(logLevel)]},
        {"SLOW_REQUEST_MS", std::to_string(slowRequestMs)},
    };
}

std::vector<std::string_view> Config::changedFrom(const Config& other) const {
    auto mine = values();
    auto theirs = other.values();
    std::vector<std::string_view> changed;
    for (size_t i = 0; i < mine.size(); ++i) {
        if (mine[i].second != theirs[i].second) changed.push_back(mine[i].first);
    }
    return changed;
}

bool needsRestart(std::string_view name) {
    return name == "FCGI_LISTEN" || name == "LISTEN_BACKLOG";
}

std::vector<std::pair<std::string, std::string>> parseEnvFile(std::string_view text,
                                                              std::string_view path) {
    auto isBlank = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; };
    auto trim = [&isBlank](std::string_view s) {
        while (!s.empty() && isBlank(s.front())) s.remove_prefix(1);
        while (!s.empty() && isBlank(s.back())) s.remove_suffix(1);
        return s;
    };
    std::vector<std::pair<std::string, std::string>> out;
    int lineNo = 0;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        ++lineNo;
        auto fail = [&](const std::string& what) {
            return ConfigError("RESTD_ENV_FILE " + std::string(path) + " line " +
                               std::to_string(lineNo) + ": " + what);
        };
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        if (line.starts_with("export ")) line = trim(line.substr(7));
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) throw fail("expected KEY=value");
        std::string_view key = trim(line.substr(0, eq));
        bool validKey = !key.empty() && !(key.front() >= '0' && key.front() <= '9') &&
                        std::all_of(key.begin(), key.end(), [](char ch) {
                            return ch == '_' || (ch >= 'A' && ch <= 'Z') ||
                                   (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
                        });
        if (!validKey) throw fail("'" + std::string(key) + "' is not a variable name");
        std::string_view raw = trim(line.substr(eq + 1));
        std::string value;
        if (raw.size() >= 2 && raw.front() == '\'' && raw.back() == '\'') {
            value = raw.substr(1, raw.size() - 2);
        } else if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
            raw = raw.substr(1, raw.size() - 2);
            for (size_t i = 0; i < raw.size(); ++i) {
                if (raw[i] == '\\' && i + 1 < raw.size() && std::strchr("\\\"$`", raw[i + 1])) {
                    ++i;
                }
                value += raw[i];
            }
        } else if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
            throw fail("unterminated quote in the value of " + std::string(key));
        } else {
            value = raw;
        }
        out.emplace_back(key, std::move(value));
    }
    return out;
}

}  // namespace restd::config
