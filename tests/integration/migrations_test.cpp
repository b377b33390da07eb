// scripts/migrate against the stack's database: an applied migration is
// recorded by the checksum of its statements, so a corrected comment is no
// change, an old whole-file record is upgraded, and a changed statement
// stops it.
#include <boost/test/unit_test.hpp>
#include <string>

#include "../support/process.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace std::chrono_literals;

namespace {

EnvEdits dbEnv() {
    return {"DB_SOCKET=" + stack().env("DB_SOCKET"), "DB_NAME=" + stack().env("DB_NAME"),
            "DB_USER=" + stack().env("DB_USER"), "DB_PASSWORD=" + stack().env("DB_PASSWORD")};
}

CommandResult sql(const std::string& statement) {
    return runCommand({"mariadb", "--no-defaults", "--batch", "--skip-column-names",
                       "--socket=" + stack().env("DB_SOCKET"), "--user=" + stack().env("DB_USER"),
                       "--database=" + stack().env("DB_NAME"), "--execute=" + statement},
                      {"MYSQL_PWD=" + stack().env("DB_PASSWORD")}, 30s);
}

CommandResult migrate() {
    return runCommand({(stack().repoRoot() / "scripts/migrate").string()}, dbEnv(), 60s);
}

std::string recorded(const std::string& version) {
    CommandResult r =
        sql("SELECT checksum FROM schema_migrations WHERE version = '" + version + "'");
    BOOST_REQUIRE_MESSAGE(r.ok(), r.summary());
    return r.output;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migrations)

BOOST_AUTO_TEST_CASE(a_record_of_the_file_before_its_comment_was_corrected_is_upgraded) {
    const std::string current = recorded("002_idempotency");
    // The whole-file checksum that databases migrated before 2026-12-07 hold.
    BOOST_REQUIRE(sql("UPDATE schema_migrations SET checksum = "
                      "'4a5155e9fb5dc1e4e76d19631007d73a8a639d2219a6e549f5a64353745dce1b' "
                      "WHERE version = '002_idempotency'")
                      .ok());
    CommandResult r = migrate();
    BOOST_TEST(r.ok(), r.summary());
    BOOST_TEST(recorded("002_idempotency") == current);
    BOOST_TEST(migrate().ok());  // and again: nothing to do
}

BOOST_AUTO_TEST_CASE(a_migration_changed_after_it_was_applied_stops_migrate) {
    const std::string current = recorded("003_list_indexes");
    BOOST_REQUIRE(sql("UPDATE schema_migrations SET checksum = REPEAT('a', 64) "
                      "WHERE version = '003_list_indexes'")
                      .ok());
    CommandResult r = migrate();
    BOOST_TEST(!r.ok());
    BOOST_TEST(
        r.output.find("003_list_indexes.sql was changed after it was applied") != std::string::npos,
        r.output);
    BOOST_REQUIRE(sql("UPDATE schema_migrations SET checksum = '" + current.substr(0, 64) +
                      "' WHERE version = '003_list_indexes'")
                      .ok());
    BOOST_TEST(migrate().ok());
}

BOOST_AUTO_TEST_SUITE_END()
