// SPDX-License-Identifier: Apache-2.0
// scripts/migrate against the stack's database: an applied migration is
// recorded by the checksum of its statements, so a corrected comment is no
// change, an old whole-file record is upgraded, and a changed statement
// stops it. Runs started at once (one per app host) take turns under a
// MariaDB lock, each record says who applied it from where, and
// `migrate status` reports without changing anything.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "../support/process.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

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

CommandResult migrate(const std::vector<std::string>& args = {}, EnvEdits env = {}) {
    std::vector<std::string> argv = {(stack().repoRoot() / "scripts/migrate").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    EnvEdits edits = dbEnv();
    edits.insert(edits.end(), env.begin(), env.end());
    return runCommand(argv, edits, 60s);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

size_t occurrences(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

const std::string kProbe = "900_migrate_probe";

// A copy of sql/ plus one migration of the test's own (kProbe), for SQL_DIR;
// fresh each time.
fs::path sqlDirWithProbe() {
    fs::path dir = stack().stackDir();
    dir += "-migrate-sql";
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(stack().repoRoot() / "sql")) {
        if (entry.path().extension() == ".sql")
            fs::copy_file(entry.path(), dir / entry.path().filename());
    }
    std::ofstream(dir / (kProbe + ".sql"))
        << "CREATE TABLE migrate_probe (id INT NOT NULL PRIMARY KEY);\n"
           "INSERT INTO migrate_probe VALUES (1);\n";
    return dir;
}

void dropProbe() {
    BOOST_CHECK(sql("DROP TABLE IF EXISTS migrate_probe; DELETE FROM schema_migrations WHERE "
                    "version = '" +
                    kProbe + "'")
                    .ok());
}

std::string lockName() { return "restd_migrate." + stack().env("DB_NAME"); }

// The test's own session holding migrate's lock, as a migrate that hangs
// would: a mariadb client that took it and sleeps. release() ends that
// session (KILL), which frees the lock at once.
class LockHolder {
  public:
    explicit LockHolder(const fs::path& log) {
        EnvEdits env = {"MYSQL_PWD=" + stack().env("DB_PASSWORD")};
        client_ = std::make_unique<Daemon>(Daemon::Options{
            .argv = {"mariadb", "--no-defaults", "--batch", "--skip-column-names",
                     "--socket=" + stack().env("DB_SOCKET"), "--user=" + stack().env("DB_USER"),
                     "--database=" + stack().env("DB_NAME"),
                     "--execute=SELECT GET_LOCK('" + lockName() + "', 10); DO SLEEP(300);"},
            .env = editedEnvironment(env),
            .log = log});
        BOOST_REQUIRE_MESSAGE(waitUntil([&] { return !holder().empty(); }, 10s),
                              "the test's session did not take the lock: " << readFile(log));
    }
    ~LockHolder() { release(); }

    // The connection id holding the lock, or "" when nobody does.
    static std::string holder() {
        CommandResult r = sql("SELECT IS_USED_LOCK('" + lockName() + "')");
        std::string id = r.output.substr(0, r.output.find('\n'));
        return r.ok() && id != "NULL" ? id : "";
    }

    void release() {
        if (!client_) return;
        std::string id = holder();
        if (!id.empty()) BOOST_CHECK(sql("KILL " + id).ok());
        client_->stop();
        client_.reset();
    }

  private:
    std::unique_ptr<Daemon> client_;
};

std::string hostName() {
    char name[256] = {};
    gethostname(name, sizeof name - 1);
    return name;
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

// Two hosts deploy at once. The test holds the lock first, so both runs are
// certainly waiting before either reads what is applied; once it lets go,
// one applies the probe and the other, after it, finds nothing to do.
BOOST_AUTO_TEST_CASE(two_migrates_started_at_once_apply_each_migration_once) {
    const fs::path dir = sqlDirWithProbe();
    fs::path log = stack().stackDir();
    log += "-migrate";
    LockHolder lock(log.string() + "-holder.log");
    EnvEdits env = dbEnv();
    env.push_back("SQL_DIR=" + dir.string());
    std::vector<std::unique_ptr<Daemon>> runs;
    std::vector<fs::path> logs;
    for (const char* name : {"-a.log", "-b.log"}) {
        logs.push_back(log.string() + name);
        fs::remove(logs.back());
        runs.push_back(std::make_unique<Daemon>(
            Daemon::Options{.argv = {(stack().repoRoot() / "scripts/migrate").string()},
                            .env = editedEnvironment(env),
                            .log = logs.back()}));
    }
    auto waiting = [&](const fs::path& file) {
        return contains(readFile(file), "another migrate is running on " + stack().env("DB_NAME"));
    };
    BOOST_CHECK_MESSAGE(waitUntil([&] { return waiting(logs[0]) && waiting(logs[1]); }, 20s),
                        "both runs should wait for the lock:\n"
                            << readFile(logs[0]) << "\n"
                            << readFile(logs[1]));
    BOOST_CHECK_MESSAGE(!contains(sql("SHOW TABLES LIKE 'migrate_probe'").output, "migrate_probe"),
                        "a run applied the probe while the lock was held");
    lock.release();
    BOOST_CHECK(waitUntil([&] { return !runs[0]->running() && !runs[1]->running(); }, 60s));
    std::string both;
    for (size_t i = 0; i < runs.size(); ++i) {
        BOOST_CHECK_MESSAGE(runs[i]->stop() == 0, "run " << i << ":\n" << readFile(logs[i]));
        both += readFile(logs[i]);
    }
    BOOST_CHECK_MESSAGE(occurrences(both, "migrate: applied " + kProbe + ".sql") == 1, both);
    BOOST_CHECK_MESSAGE(occurrences(both, "migrate: applied") == 1, both);
    // The record says who: the account as the server saw it, and this host.
    CommandResult record =
        sql("SELECT applied_by, applied_host, applied_at > NOW() - INTERVAL 1 "
            "HOUR FROM schema_migrations WHERE version = '" +
            kProbe + "'");
    BOOST_CHECK_EQUAL(record.output,
                      stack().env("DB_USER") + "@localhost\t" + hostName() + "\t1\n");
    dropProbe();
}

BOOST_AUTO_TEST_CASE(a_lock_held_past_the_timeout_stops_migrate_with_a_clear_message) {
    const fs::path dir = sqlDirWithProbe();
    fs::path log = stack().stackDir();
    log += "-migrate-timeout.log";
    LockHolder lock(log);
    CommandResult r = migrate({}, {"SQL_DIR=" + dir.string(), "MIGRATE_LOCK_TIMEOUT=1"});
    BOOST_CHECK_EQUAL(r.status, 1);
    BOOST_CHECK_MESSAGE(contains(r.output, "gave up after 1s waiting for the lock " + lockName()) &&
                            contains(r.output, "MIGRATE_LOCK_TIMEOUT") &&
                            contains(r.output, "connection " + LockHolder::holder()),
                        r.output);
    BOOST_CHECK(!contains(r.output, "migrate: applied"));
    lock.release();
    BOOST_CHECK_EQUAL(
        sql("SELECT COUNT(*) FROM schema_migrations WHERE version = '" + kProbe + "'").output,
        "0\n");
}

BOOST_AUTO_TEST_CASE(status_reports_applied_pending_and_changed_with_its_exit_code) {
    CommandResult upToDate = migrate({"status"});
    BOOST_CHECK_MESSAGE(upToDate.status == 0, upToDate.summary());
    BOOST_CHECK_MESSAGE(
        contains(upToDate.output, "applied  001_init  at ") && contains(upToDate.output, " on "),
        upToDate.output);
    BOOST_CHECK(!contains(upToDate.output, "pending"));

    const fs::path dir = sqlDirWithProbe();
    const std::string before = sql("SELECT COUNT(*) FROM schema_migrations").output;
    CommandResult pending = migrate({"status"}, {"SQL_DIR=" + dir.string()});
    BOOST_CHECK_EQUAL(pending.status, 3);
    BOOST_CHECK_MESSAGE(contains(pending.output, "pending  " + kProbe + "\n"), pending.output);
    BOOST_CHECK_EQUAL(sql("SELECT COUNT(*) FROM schema_migrations").output, before);

    const std::string current = recorded("003_list_indexes");
    BOOST_REQUIRE(sql("UPDATE schema_migrations SET checksum = REPEAT('b', 64) "
                      "WHERE version = '003_list_indexes'")
                      .ok());
    CommandResult changed = migrate({"status"}, {"SQL_DIR=" + dir.string()});
    BOOST_CHECK_EQUAL(changed.status, 4);
    BOOST_CHECK_MESSAGE(contains(changed.output, "changed  003_list_indexes  applied at "),
                        changed.output);
    BOOST_REQUIRE(sql("UPDATE schema_migrations SET checksum = '" + current.substr(0, 64) +
                      "' WHERE version = '003_list_indexes'")
                      .ok());

    CommandResult unreachable = migrate({"status"}, {"DB_PASSWORD=not-the-password"});
    BOOST_CHECK_EQUAL(unreachable.status, 1);
    BOOST_CHECK_MESSAGE(contains(unreachable.output, "cannot reach database"), unreachable.output);
    BOOST_CHECK_EQUAL(migrate({"sideways"}).status, 2);
}

// A table from before applied_by: its rows are shown as by unknown, and the
// next run adds the columns and leaves those rows as they are.
BOOST_AUTO_TEST_CASE(records_from_before_applied_by_keep_working) {
    BOOST_REQUIRE(
        sql("ALTER TABLE schema_migrations DROP COLUMN applied_by, DROP COLUMN applied_host").ok());
    CommandResult old = migrate({"status"});
    BOOST_CHECK_MESSAGE(old.status == 0 && contains(old.output, "by unknown on unknown"),
                        old.summary());
    CommandResult r = migrate();
    BOOST_CHECK_MESSAGE(r.ok() && !contains(r.output, "applied"), r.summary());
    BOOST_CHECK_EQUAL(sql("SELECT COUNT(*) FROM schema_migrations WHERE applied_by IS NULL").output,
                      sql("SELECT COUNT(*) FROM schema_migrations").output);
    BOOST_CHECK_EQUAL(migrate({"status"}).status, 0);
}

// DB_PASSWORD_FILE, as restd reads it: the password from the file, less its
// trailing newline; with DB_PASSWORD too, or an unreadable file, a clear
// refusal that never shows what the file holds.
BOOST_AUTO_TEST_CASE(migrate_reads_the_password_from_db_password_file) {
    const fs::path file = stack().stackDir().parent_path() / "migrate-db-password";
    std::ofstream(file) << stack().env("DB_PASSWORD") << "\n";
    CommandResult r = migrate({"status"}, {"DB_PASSWORD", "DB_PASSWORD_FILE=" + file.string()});
    BOOST_CHECK_MESSAGE(r.status == 0, r.summary());

    CommandResult both = migrate({"status"}, {"DB_PASSWORD_FILE=" + file.string()});
    BOOST_CHECK_EQUAL(both.status, 1);
    BOOST_CHECK_MESSAGE(contains(both.output, "DB_PASSWORD and DB_PASSWORD_FILE are both set"),
                        both.output);

    const std::string missing = file.string() + ".missing";
    CommandResult unreadable = migrate({"status"}, {"DB_PASSWORD", "DB_PASSWORD_FILE=" + missing});
    BOOST_CHECK_EQUAL(unreadable.status, 1);
    BOOST_CHECK_MESSAGE(contains(unreadable.output, "DB_PASSWORD_FILE: cannot read '" + missing),
                        unreadable.output);

    std::ofstream(file, std::ios::trunc) << "not-the-password\n";
    CommandResult wrong = migrate({"status"}, {"DB_PASSWORD", "DB_PASSWORD_FILE=" + file.string()});
    BOOST_CHECK_EQUAL(wrong.status, 1);
    BOOST_CHECK_MESSAGE(contains(wrong.output, "cannot reach database") &&
                            !contains(wrong.output, "not-the-password"),
                        wrong.output);
    fs::remove(file);
}

BOOST_AUTO_TEST_SUITE_END()
