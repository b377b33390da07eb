#include "app/config.h"

#include <boost/test/unit_test.hpp>
#include <map>

using restd::app::AppEnv;
using restd::app::Config;
using restd::app::ConfigError;

namespace {

Config load(std::map<std::string, std::string> env) {
    return Config::fromEnvironment([&env](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    });
}

// The message of the ConfigError `env` raises (empty when it loads).
std::string errorOf(std::map<std::string, std::string> env) {
    try {
        load(std::move(env));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(app_config)

BOOST_AUTO_TEST_CASE(applies_documented_defaults) {
    Config c = load({{"JWT_SECRET", "s"}});
    BOOST_TEST(c.jwtTtlSeconds == 900);
    BOOST_TEST(c.refreshTtlSeconds == 2592000);
    BOOST_TEST(c.bcryptCost == 12);
    BOOST_TEST(c.maxBodyBytes == 1048576u);
    BOOST_TEST(c.db.poolIdleTimeoutMs == 30000);
    BOOST_TEST(c.db.connectTimeoutMs == 2000);
    BOOST_REQUIRE(c.clientUrls.size() == 1u);
    BOOST_TEST(c.clientUrls[0] == "http://localhost:3000");
    BOOST_TEST(c.workers >= 1);
}

BOOST_AUTO_TEST_CASE(reads_every_kind_of_value) {
    Config c = load({{"JWT_SECRET", "s"},
                     {"APP_ENV", "test"},
                     {"WORKERS", "3"},
                     {"FCGI_LISTEN", "127.0.0.1:9000"},
                     {"CLIENT_URL", " http://a.example , https://b.example/ ,"},
                     {"DB_SOCKET", "/run/mysqld/mysqld.sock"},
                     {"LOG_LEVEL", "warn"}});
    BOOST_TEST((c.appEnv == AppEnv::Test));
    BOOST_TEST(c.workers == 3);
    BOOST_TEST(c.fcgiListen == "127.0.0.1:9000");
    BOOST_REQUIRE(c.clientUrls.size() == 2u);
    BOOST_TEST(c.clientUrls[1] == "https://b.example");
    BOOST_TEST(c.db.socket == "/run/mysqld/mysqld.sock");
}

BOOST_AUTO_TEST_CASE(missing_jwt_secret_names_the_variable) {
    BOOST_TEST(errorOf({}) == "JWT_SECRET is required");
}

BOOST_AUTO_TEST_CASE(short_secret_is_refused_only_in_production) {
    BOOST_TEST(errorOf({{"JWT_SECRET", "short"}, {"APP_ENV", "development"}}).empty());
    std::string e = errorOf({{"JWT_SECRET", "short"}, {"APP_ENV", "production"}});
    BOOST_TEST(e.find("JWT_SECRET") != std::string::npos);
    BOOST_TEST(errorOf({{"JWT_SECRET", std::string(32, 'k')}, {"APP_ENV", "production"}}).empty());
}

BOOST_AUTO_TEST_CASE(invalid_numbers_name_the_variable) {
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"WORKERS", "two"}}).starts_with("WORKERS"));
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"WORKERS", "0"}}).starts_with("WORKERS"));
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"DB_PORT", "70000"}}).starts_with("DB_PORT"));
    BOOST_TEST(
        errorOf({{"JWT_SECRET", "s"}, {"MAX_BODY_BYTES", "12k"}}).starts_with("MAX_BODY_BYTES"));
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"BCRYPT_COST", "40"}}).starts_with("BCRYPT_COST"));
}

BOOST_AUTO_TEST_CASE(invalid_enums_name_the_variable) {
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"APP_ENV", "prod"}}).starts_with("APP_ENV"));
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"LOG_LEVEL", "loud"}}).starts_with("LOG_LEVEL"));
    BOOST_TEST(
        errorOf({{"JWT_SECRET", "s"}, {"FCGI_LISTEN", "/tmp/sock"}}).starts_with("FCGI_LISTEN"));
}

BOOST_AUTO_TEST_SUITE_END()
