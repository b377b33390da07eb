// SPDX-License-Identifier: Apache-2.0
#include "config/config.h"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using restd::config::AppEnv;
using restd::config::Config;
using restd::config::ConfigError;
using restd::config::parseEnvFile;

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

// parseEnvFile's pairs as "KEY=value" lines (printable in failure messages).
std::vector<std::string> parsed(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& [key, value] : parseEnvFile(text, "f")) out.push_back(key + "=" + value);
    return out;
}

// The message of the ConfigError parsing `text` raises (empty when it parses).
std::string envFileErrorOf(std::string_view text) {
    try {
        parseEnvFile(text, "/etc/restd/restd.env");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

// Sets process environment variables for the length of a scope, then puts
// the previous values back.
class ScopedEnv {
  public:
    explicit ScopedEnv(const std::map<std::string, std::optional<std::string>>& values) {
        for (const auto& [name, value] : values) {
            const char* old = std::getenv(name.c_str());
            saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
            set(name, value);
        }
    }
    ~ScopedEnv() {
        for (const auto& [name, value] : saved_) set(name, value);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    static void set(const std::string& name, const std::optional<std::string>& value) {
        if (value) {
            setenv(name.c_str(), value->c_str(), 1);
        } else {
            unsetenv(name.c_str());
        }
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// A file under the temp directory, removed at the end of the scope.
struct TempFile {
    std::filesystem::path path;
    explicit TempFile(const std::string& text)
        : path(std::filesystem::temp_directory_path() /
               ("restd-config-test-" + std::to_string(getpid()) + ".env")) {
        std::ofstream(path) << text;
    }
    ~TempFile() { std::filesystem::remove(path); }
};

// A secret file (JWT_SECRET_FILE) under the temp directory, removed at the end of the scope.
struct SecretFile {
    std::filesystem::path path;
    explicit SecretFile(const std::string& text)
        : path(std::filesystem::temp_directory_path() /
               ("restd-config-test-" + std::to_string(getpid()) + ".key")) {
        std::ofstream(path, std::ios::binary) << text;
    }
    ~SecretFile() { std::filesystem::remove(path); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(config_settings)

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
    BOOST_TEST(c.requestTimeoutSeconds == 30);
    BOOST_TEST(c.db.poolMax == c.threadsPerWorker);  // no request waits for a connection
}

BOOST_AUTO_TEST_CASE(pool_follows_the_thread_count_unless_set) {
    BOOST_TEST(load({{"JWT_SECRET", "s"}, {"THREADS_PER_WORKER", "5"}}).db.poolMax == 5);
    BOOST_TEST(
        load({{"JWT_SECRET", "s"}, {"THREADS_PER_WORKER", "5"}, {"DB_POOL_MAX", "3"}}).db.poolMax ==
        3);
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

BOOST_AUTO_TEST_CASE(request_timeout_is_zero_to_a_day) {
    BOOST_TEST(
        load({{"JWT_SECRET", "s"}, {"REQUEST_TIMEOUT_SECONDS", "0"}}).requestTimeoutSeconds == 0);
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"REQUEST_TIMEOUT_SECONDS", "-1"}})
                   .starts_with("REQUEST_TIMEOUT_SECONDS"));
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"REQUEST_TIMEOUT_SECONDS", "86401"}})
                   .starts_with("REQUEST_TIMEOUT_SECONDS"));
}

BOOST_AUTO_TEST_CASE(slow_request_threshold_is_zero_to_an_hour) {
    BOOST_TEST(load({{"JWT_SECRET", "s"}}).slowRequestMs == 1000);
    BOOST_TEST(load({{"JWT_SECRET", "s"}, {"SLOW_REQUEST_MS", "0"}}).slowRequestMs == 0);
    for (const char* bad : {"-1", "3600001", "1s"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"SLOW_REQUEST_MS", bad}})
                           .starts_with("SLOW_REQUEST_MS"));
        }
    }
}

BOOST_AUTO_TEST_CASE(list_timeout_defaults_below_the_statement_timeout) {
    Config c = load({{"JWT_SECRET", "s"}});
    BOOST_TEST(c.db.listTimeoutMs == 2000);
    BOOST_TEST(c.db.listTimeoutMs < c.db.statementTimeoutMs);
    BOOST_TEST(load({{"JWT_SECRET", "s"}, {"DB_LIST_TIMEOUT_MS", "0"}}).db.listTimeoutMs == 0);
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"DB_LIST_TIMEOUT_MS", "-1"}})
                   .starts_with("DB_LIST_TIMEOUT_MS"));
}

BOOST_AUTO_TEST_CASE(changed_from_names_the_variables_that_differ) {
    Config a = load({{"JWT_SECRET", "s"}});
    Config b = load({{"JWT_SECRET", "t"},
                     {"CLIENT_URL", "http://a.example"},
                     {"LOG_LEVEL", "debug"},
                     {"FCGI_LISTEN", "127.0.0.1:9000"}});
    std::vector<std::string_view> changed = b.changedFrom(a);
    std::vector<std::string_view> expected = {"FCGI_LISTEN", "JWT_SECRET", "CLIENT_URL",
                                              "LOG_LEVEL"};
    BOOST_TEST(changed == expected, boost::test_tools::per_element());
    BOOST_TEST(a.changedFrom(a).empty());
}

BOOST_AUTO_TEST_CASE(values_cover_every_documented_variable_once) {
    Config c = load({{"JWT_SECRET", "s"}});
    auto values = c.values();
    BOOST_TEST(values.size() == 38u);
    for (size_t i = 0; i < values.size(); ++i) {
        for (size_t j = i + 1; j < values.size(); ++j)
            BOOST_TEST(values[i].first != values[j].first);
    }
}

BOOST_AUTO_TEST_CASE(app_env_remembers_whether_it_was_given) {
    BOOST_TEST(!load({{"JWT_SECRET", "s"}}).appEnvSet);
    BOOST_TEST((load({{"JWT_SECRET", "s"}}).appEnv == AppEnv::Development));
    BOOST_TEST(load({{"JWT_SECRET", "s"}, {"APP_ENV", "development"}}).appEnvSet);
}

BOOST_AUTO_TEST_CASE(web_server_addrs_parse_ipv4_ipv6_and_blanks) {
    auto list =
        restd::config::parseAddressList(" 10.0.0.5,::1 ,192.168.1.2,::ffff:10.0.0.6,10.0.0.5");
    BOOST_REQUIRE_EQUAL(list.size(), 4u);
    BOOST_TEST(list[0].text() == "10.0.0.5");
    BOOST_TEST(list[1].text() == "::1");
    BOOST_TEST(list[2].text() == "192.168.1.2");
    BOOST_TEST(list[3].text() == "10.0.0.6");  // IPv4-mapped counts as IPv4
    BOOST_TEST(!list[3].v6);
    BOOST_TEST(list[1].isLoopback());
    BOOST_TEST(!list[0].isLoopback());
    BOOST_TEST(restd::config::IpAddress::parse("127.3.4.5")->isLoopback());
}

BOOST_AUTO_TEST_CASE(web_server_addrs_refuse_names_ranges_and_empty_entries) {
    for (const char* text : {"", "nginx.local", "10.0.0.0/8", "10.0.0.5,", ",10.0.0.5",
                             "10.0.0.5;10.0.0.6", "10.0.0.256", "[::1]", "10.0.0.5 10.0.0.6"}) {
        BOOST_TEST_CONTEXT("'" << text << "'") {
            std::string error = errorOf(
                {{"JWT_SECRET", "s"}, {"FCGI_WEB_SERVER_ADDRS", text}, {"FCGI_LISTEN", "x:1"}});
            // An empty value is unset: the non-loopback listen is then the complaint.
            BOOST_TEST(error.find("FCGI_WEB_SERVER_ADDRS") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_tcp_listen_off_loopback_needs_web_server_addrs) {
    for (const char* listen :
         {"0.0.0.0:9000", ":9000", "10.0.0.5:9000", "[::]:9000", "restd.example:9000"}) {
        BOOST_TEST_CONTEXT(listen) {
            std::string error = errorOf({{"JWT_SECRET", "s"}, {"FCGI_LISTEN", listen}});
            BOOST_TEST(error.find("FCGI_LISTEN=" + std::string(listen)) != std::string::npos);
            BOOST_TEST(error.find("FCGI_WEB_SERVER_ADDRS") != std::string::npos);
            Config c = load({{"JWT_SECRET", "s"},
                             {"FCGI_LISTEN", listen},
                             {"FCGI_WEB_SERVER_ADDRS", "10.0.0.7"}});
            BOOST_REQUIRE_EQUAL(c.fcgiWebServerAddrs.size(), 1u);
            BOOST_TEST(c.fcgiWebServerAddrs[0].text() == "10.0.0.7");
        }
    }
    for (const char* listen :
         {"127.0.0.1:9000", "127.0.0.2:9000", "[::1]:9000", "localhost:9000", "unix:/x.sock"}) {
        BOOST_TEST_CONTEXT(listen) {
            BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"FCGI_LISTEN", listen}}).empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(db_hosts_list_servers_in_order) {
    Config c = load({{"JWT_SECRET", "s"},
                     {"DB_HOSTS", " 10.0.0.1:3306, db-2.example:3307 ,[fd00::3]:3306"},
                     {"DB_READ_HOSTS", "10.0.1.1:3306"}});
    BOOST_REQUIRE_EQUAL(c.db.hosts.size(), 3u);
    BOOST_TEST(c.db.hosts[0].text() == "10.0.0.1:3306");
    BOOST_TEST(c.db.hosts[1].host == "db-2.example");
    BOOST_TEST(c.db.hosts[1].port == 3307);
    BOOST_TEST(c.db.hosts[2].host == "fd00::3");
    BOOST_TEST(c.db.hosts[2].text() == "[fd00::3]:3306");
    BOOST_TEST(c.db.writeHosts().size() == 3u);
    BOOST_REQUIRE_EQUAL(c.db.readHosts.size(), 1u);
    BOOST_TEST(c.db.readHosts[0].text() == "10.0.1.1:3306");
    BOOST_TEST(c.db.readMaxLagMs == 1000);
    BOOST_TEST(c.db.readRetryMs == 5000);
}

BOOST_AUTO_TEST_CASE(without_db_hosts_writes_go_to_the_one_server) {
    Config tcp = load({{"JWT_SECRET", "s"}, {"DB_HOST", "10.0.0.9"}, {"DB_PORT", "3307"}});
    BOOST_REQUIRE_EQUAL(tcp.db.writeHosts().size(), 1u);
    BOOST_TEST(tcp.db.writeHosts()[0].text() == "10.0.0.9:3307");
    Config viaSocket = load({{"JWT_SECRET", "s"}, {"DB_SOCKET", "/run/mysqld/mysqld.sock"}});
    BOOST_TEST(viaSocket.db.writeHosts()[0].text() == "unix:/run/mysqld/mysqld.sock");
    BOOST_TEST(viaSocket.db.readHosts.empty());
}

BOOST_AUTO_TEST_CASE(db_hosts_refuse_entries_without_a_port_or_twice) {
    for (const char* text : {"10.0.0.1", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65536", ":3306",
                             "10.0.0.1:3306,", "10.0.0.1:3306,10.0.0.1:3306", "fd00::3:3306",
                             "[fd00::3:3306", "db host:3306", "10.0.0.1:33x6"}) {
        BOOST_TEST_CONTEXT("'" << text << "'") {
            BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"DB_HOSTS", text}}).find("DB_HOSTS") !=
                       std::string::npos);
            BOOST_TEST(
                errorOf({{"JWT_SECRET", "s"}, {"DB_READ_HOSTS", text}}).find("DB_READ_HOSTS") !=
                std::string::npos);
        }
    }
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"DB_HOSTS", "10.0.0.1:3306"}, {"DB_SOCKET", "/x"}})
                   .find("DB_HOSTS and DB_SOCKET") != std::string::npos);
    BOOST_TEST(
        errorOf({{"JWT_SECRET", "s"}, {"DB_READ_RETRY_MS", "10"}}).find("DB_READ_RETRY_MS") !=
        std::string::npos);
}

BOOST_AUTO_TEST_CASE(only_socket_settings_need_a_restart) {
    BOOST_TEST(restd::config::needsRestart("FCGI_LISTEN"));
    BOOST_TEST(restd::config::needsRestart("LISTEN_BACKLOG"));
    BOOST_TEST(!restd::config::needsRestart("WORKERS"));
    BOOST_TEST(!restd::config::needsRestart("CLIENT_URL"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(config_env_file)

BOOST_AUTO_TEST_CASE(reads_assignments_and_skips_comments_and_blank_lines) {
    std::vector<std::string> got = parsed(
        "# restd settings\n"
        "\n"
        "WORKERS=4\n"
        "  ; another comment\n"
        "export LOG_LEVEL=debug\r\n"
        "CLIENT_URL = http://a.example, http://b.example \n"
        "EMPTY=\n"
        "WORKERS=5");
    std::vector<std::string> expected = {"WORKERS=4", "LOG_LEVEL=debug",
                                         "CLIENT_URL=http://a.example, http://b.example",
                                         "EMPTY=", "WORKERS=5"};
    BOOST_TEST(got == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unquotes_single_and_double_quoted_values) {
    std::vector<std::string> got = parsed(
        "A='it has # and spaces'\n"
        "B=\"say \\\"hi\\\" \\\\ \\$HOME\"\n"
        "C=\"\"\n"
        "D=no'quotes'inside\n");
    std::vector<std::string> expected = {"A=it has # and spaces", "B=say \"hi\" \\ $HOME",
                                         "C=", "D=no'quotes'inside"};
    BOOST_TEST(got == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(errors_name_the_file_and_the_line) {
    BOOST_TEST(envFileErrorOf("A=1\nnot an assignment\n") ==
               "RESTD_ENV_FILE /etc/restd/restd.env line 2: expected KEY=value");
    BOOST_TEST(envFileErrorOf("1A=x").starts_with("RESTD_ENV_FILE /etc/restd/restd.env line 1:"));
    BOOST_TEST(envFileErrorOf("A B=x").find("'A B' is not a variable name") != std::string::npos);
    BOOST_TEST(envFileErrorOf("\n\nA=\"open").find("line 3: unterminated quote") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(file_values_override_the_environment) {
    TempFile file("# test\nWORKERS=3\nCLIENT_URL=http://from-file.example\nNOT_A_SETTING=1\n");
    ScopedEnv env({{"RESTD_ENV_FILE", file.path.string()},
                   {"JWT_SECRET", "from-env"},
                   {"WORKERS", "7"},
                   {"LOG_LEVEL", "warn"}});
    std::vector<std::string> ignored;
    Config c = Config::load(&ignored);
    BOOST_TEST(c.workers == 3);
    BOOST_TEST(c.jwtKeys.current().secret == "from-env");
    BOOST_TEST((c.logLevel == restd::log::Level::Warn));
    BOOST_REQUIRE(c.clientUrls.size() == 1u);
    BOOST_TEST(c.clientUrls[0] == "http://from-file.example");
    BOOST_TEST(ignored == std::vector<std::string>{"NOT_A_SETTING"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_invalid_value_in_the_file_names_the_variable) {
    TempFile file("WORKERS=zero\n");
    ScopedEnv env({{"RESTD_ENV_FILE", file.path.string()}, {"JWT_SECRET", "s"}});
    try {
        Config::load();
        BOOST_ERROR("no ConfigError");
    } catch (const ConfigError& e) {
        BOOST_TEST(std::string(e.what()).starts_with("WORKERS"));
    }
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error_naming_the_variable) {
    ScopedEnv env({{"RESTD_ENV_FILE", "/nonexistent/restd.env"}, {"JWT_SECRET", "s"}});
    try {
        Config::load();
        BOOST_ERROR("no ConfigError");
    } catch (const ConfigError& e) {
        BOOST_TEST(
            std::string(e.what()).starts_with("RESTD_ENV_FILE: cannot read "
                                              "'/nonexistent/restd.env'"));
    }
}

BOOST_AUTO_TEST_CASE(without_the_variable_only_the_environment_counts) {
    ScopedEnv env({{"RESTD_ENV_FILE", std::nullopt}, {"JWT_SECRET", "s"}, {"WORKERS", "6"}});
    BOOST_TEST(Config::load().workers == 6);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(config_signing_keys)

const std::string kCurrent(32, 'c');
const std::string kOld(32, 'o');
const std::string kOlder(32, 'p');

BOOST_AUTO_TEST_CASE(previous_secrets_verify_and_the_current_one_signs) {
    Config c =
        load({{"JWT_SECRET", kCurrent}, {"JWT_PREVIOUS_SECRETS", " " + kOld + " ,\t" + kOlder}});
    BOOST_TEST(c.jwtKeys.current().secret == kCurrent);
    BOOST_REQUIRE(c.jwtKeys.all().size() == 3u);
    BOOST_TEST(c.jwtKeys.all()[1].secret == kOld);
    BOOST_TEST(c.jwtKeys.all()[2].secret == kOlder);
    BOOST_TEST(c.jwtKeys.all()[1].id == restd::common::keyId(kOld));
    BOOST_TEST(load({{"JWT_SECRET", kCurrent}}).jwtKeys.all().size() == 1u);
    BOOST_TEST(
        load({{"JWT_SECRET", kCurrent}, {"JWT_PREVIOUS_SECRETS", "  "}}).jwtKeys.all().size() ==
        1u);
}

BOOST_AUTO_TEST_CASE(a_previous_secret_is_checked_like_the_current_one) {
    auto previous = [](const std::string& list, const char* env = "development") {
        return errorOf(
            {{"JWT_SECRET", kCurrent}, {"JWT_PREVIOUS_SECRETS", list}, {"APP_ENV", env}});
    };
    BOOST_TEST(previous(kOld + ",," + kOlder) == "JWT_PREVIOUS_SECRETS key 2 is empty");
    BOOST_TEST(previous(kOld + ",") == "JWT_PREVIOUS_SECRETS key 2 is empty");
    BOOST_TEST(previous(kOld + "," + kOld) == "JWT_PREVIOUS_SECRETS key 2 is listed twice");
    BOOST_TEST(previous(kOld + ", " + kCurrent) ==
               "JWT_PREVIOUS_SECRETS key 2 is the current key (JWT_SECRET)");
    BOOST_TEST(previous("short").empty());
    std::string e = previous(kOld + ",short", "production");
    BOOST_TEST(e == "JWT_PREVIOUS_SECRETS key 2 must be at least 32 bytes when APP_ENV=production");
    BOOST_TEST(previous(kOld, "production").empty());
    // No message holds a key.
    for (const std::string& message :
         {previous(kOld + "," + kOld), previous(kOld + "," + kCurrent), e}) {
        BOOST_TEST(message.find(kOld) == std::string::npos);
        BOOST_TEST(message.find("short") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(the_secret_file_holds_the_current_key_less_its_trailing_blanks) {
    SecretFile file(kCurrent + " \t\r\n\n");
    Config c = load({{"JWT_SECRET_FILE", file.path.string()}, {"JWT_PREVIOUS_SECRETS", kOld}});
    BOOST_TEST(c.jwtKeys.current().secret == kCurrent);
    BOOST_TEST(c.jwtSecretFile == file.path.string());
    BOOST_TEST(c.jwtKeys.all().size() == 2u);
    // Its content is compared with the previous keys like JWT_SECRET's.
    BOOST_TEST(
        errorOf({{"JWT_SECRET_FILE", file.path.string()}, {"JWT_PREVIOUS_SECRETS", kCurrent}})
            .starts_with("JWT_PREVIOUS_SECRETS key 1 is the current key"));
}

BOOST_AUTO_TEST_CASE(the_secret_and_its_file_together_are_an_error) {
    SecretFile file(kCurrent);
    BOOST_TEST(errorOf({{"JWT_SECRET", kCurrent}, {"JWT_SECRET_FILE", file.path.string()}}) ==
               "JWT_SECRET and JWT_SECRET_FILE are both set: set one of them");
}

BOOST_AUTO_TEST_CASE(an_unreadable_short_or_empty_secret_file_is_an_error_naming_the_variable) {
    std::string missing = errorOf({{"JWT_SECRET_FILE", "/nonexistent/jwt_secret"}});
    BOOST_TEST(missing.starts_with("JWT_SECRET_FILE: cannot read '/nonexistent/jwt_secret'"),
               missing);
    SecretFile blank(" \n");
    BOOST_TEST(errorOf({{"JWT_SECRET_FILE", blank.path.string()}}) ==
               "JWT_SECRET_FILE '" + blank.path.string() + "' is empty");
}

BOOST_AUTO_TEST_CASE(a_short_secret_file_in_production_names_the_variable_not_the_key) {
    SecretFile file("tiny-key\n");
    std::string e = errorOf({{"JWT_SECRET_FILE", file.path.string()}, {"APP_ENV", "production"}});
    BOOST_TEST(e.starts_with("JWT_SECRET_FILE '"), e);
    BOOST_TEST(e.find("at least 32 bytes") != std::string::npos, e);
    BOOST_TEST(e.find("tiny-key") == std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(a_reload_sees_a_changed_key_file_or_previous_list) {
    SecretFile file(kCurrent + "\n");
    Config before = load({{"JWT_SECRET_FILE", file.path.string()}});
    std::ofstream(file.path, std::ios::binary | std::ios::trunc) << kOld << "\n";
    Config after =
        load({{"JWT_SECRET_FILE", file.path.string()}, {"JWT_PREVIOUS_SECRETS", kCurrent}});
    BOOST_TEST(after.jwtKeys.current().secret == kOld);
    std::vector<std::string_view> changed = after.changedFrom(before);
    std::vector<std::string_view> expected = {"JWT_SECRET", "JWT_PREVIOUS_SECRETS"};
    BOOST_TEST(changed == expected, boost::test_tools::per_element());
}

// DB_PASSWORD_FILE: the database password from a file (a systemd credential),
// under the same rules as JWT_SECRET_FILE.
BOOST_AUTO_TEST_CASE(the_db_password_file_holds_the_password_less_its_trailing_newline) {
    SecretFile file("p@ss word$1\n");
    Config c = load({{"JWT_SECRET", "s"}, {"DB_PASSWORD_FILE", file.path.string()}});
    BOOST_TEST(c.db.password == "p@ss word$1");
    BOOST_TEST(c.dbPasswordFile == file.path.string());
    SecretFile blanks("secret \t\r\n\n");
    BOOST_TEST(
        load({{"JWT_SECRET", "s"}, {"DB_PASSWORD_FILE", blanks.path.string()}}).db.password ==
        "secret");
    // Without it, DB_PASSWORD as before, empty included (a unix_socket account).
    BOOST_TEST(load({{"JWT_SECRET", "s"}, {"DB_PASSWORD", "pw"}}).db.password == "pw");
    BOOST_TEST(load({{"JWT_SECRET", "s"}}).db.password.empty());
}

BOOST_AUTO_TEST_CASE(the_db_password_and_its_file_together_are_an_error) {
    SecretFile file("from-file\n");
    std::string e = errorOf(
        {{"JWT_SECRET", "s"}, {"DB_PASSWORD", "inline"}, {"DB_PASSWORD_FILE", file.path.string()}});
    BOOST_TEST(e == "DB_PASSWORD and DB_PASSWORD_FILE are both set: set one of them");
}

BOOST_AUTO_TEST_CASE(an_unreadable_or_empty_db_password_file_names_the_file_not_its_content) {
    std::string missing =
        errorOf({{"JWT_SECRET", "s"}, {"DB_PASSWORD_FILE", "/nonexistent/db-password"}});
    BOOST_TEST(missing.starts_with("DB_PASSWORD_FILE: cannot read '/nonexistent/db-password'"),
               missing);
    SecretFile blank(" \n");
    BOOST_TEST(errorOf({{"JWT_SECRET", "s"}, {"DB_PASSWORD_FILE", blank.path.string()}}) ==
               "DB_PASSWORD_FILE '" + blank.path.string() + "' is empty");
}

BOOST_AUTO_TEST_CASE(a_reload_sees_a_changed_db_password_file) {
    SecretFile file("first\n");
    Config before = load({{"JWT_SECRET", "s"}, {"DB_PASSWORD_FILE", file.path.string()}});
    std::ofstream(file.path, std::ios::binary | std::ios::trunc) << "second\n";
    Config after = load({{"JWT_SECRET", "s"}, {"DB_PASSWORD_FILE", file.path.string()}});
    BOOST_TEST(after.db.password == "second");
    std::vector<std::string_view> changed = after.changedFrom(before);
    std::vector<std::string_view> expected = {"DB_PASSWORD"};
    BOOST_TEST(changed == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(db_password_file_in_the_env_file_is_a_setting) {
    SecretFile password("from-file\n");
    TempFile envFile("JWT_SECRET=s\nDB_PASSWORD_FILE=" + password.path.string() + "\n");
    ScopedEnv env({{"RESTD_ENV_FILE", envFile.path.string()},
                   {"DB_PASSWORD", std::nullopt},
                   {"DB_PASSWORD_FILE", std::nullopt},
                   {"JWT_SECRET", std::nullopt},
                   {"JWT_SECRET_FILE", std::nullopt}});
    std::vector<std::string> ignored;
    Config c = Config::load(&ignored);
    BOOST_TEST(c.db.password == "from-file");
    BOOST_TEST(ignored.empty());
}

BOOST_AUTO_TEST_SUITE_END()
