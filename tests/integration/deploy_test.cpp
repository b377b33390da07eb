// SPDX-License-Identifier: Apache-2.0
// Deployment (docs/deploy.md): the
// units pass systemd-analyze (verify, and an offline exposure below 2.0);
// restd serves on a socket handed over the way systemd hands it (through
// systemd-socket-activate, and across a restart with the socket held open);
// make install lays out the documented tree; restd-deploy prepares a database
// on the stack's MariaDB and changes nothing the second time; make deb builds
// (with debhelper, from debian/) a package lintian accepts, which installs,
// checks its configuration and purges cleanly; the man pages render without
// a warning and restd(8) names every setting.
//
// Tools come from scripts/deps (systemd, dpkg-dev, debhelper, lintian, scdoc,
// man-db); a missing one
// fails its test with the package to install. Scratch files go to
// <stack dir>-deploy (fresh each run), sockets to a short /tmp directory.
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../support/fcgi_client.h"
#include "../support/process.h"
#include "../support/stack.h"
#include "../support/temp_dir.h"

using namespace restd::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Variables of the `make test` that runs us: a child make would try to join
// its jobserver.
const EnvEdits kMakeEnv = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"};

const fs::path& scratch() {
    static const fs::path dir = [] {
        fs::path d = stack().stackDir();
        d += "-deploy";
        fs::remove_all(d);
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

const fs::path& socketDir() {
    static const ShortTempDir dir("deploy");
    return dir.path;
}

void requireTool(const std::string& tool, const std::string& package) {
    bool found = false;
    std::istringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
    for (std::string dir; !found && std::getline(path, dir, ':');) {
        found = !dir.empty() && access((fs::path(dir) / tool).c_str(), X_OK) == 0;
    }
    BOOST_REQUIRE_MESSAGE(found, tool << " is not installed: scripts/deps installs it (Debian "
                                      << "package " << package << ")");
}

// make in the repository, for the same build (SANITIZE=1 when the tests run
// bin/asan/restd) so that it reuses the binary under test.
CommandResult make(std::vector<std::string> args, std::chrono::seconds timeout = 300s) {
    std::vector<std::string> argv = {"make", "-C", stack().repoRoot().string(),
                                     "--no-print-directory"};
    if (stack().restdBin().parent_path().filename() == "asan") argv.push_back("SANITIZE=1");
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, kMakeEnv, timeout);
}

// KEY=value lines of an env file; comments and blank lines skipped.
std::map<std::string, std::string> readEnvFile(const fs::path& file) {
    std::map<std::string, std::string> values;
    std::istringstream lines(readFile(file));
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line.front() == '#') continue;
        size_t eq = line.find('=');
        if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return values;
}

// Relative path -> permission bits of every regular file under root.
std::map<std::string, unsigned> filesUnder(const fs::path& root) {
    std::map<std::string, unsigned> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        files[entry.path().lexically_relative(root).string()] =
            static_cast<unsigned>(entry.status().permissions()) & 07777;
    }
    return files;
}

// The tree `make install PREFIX=/usr SYSCONFDIR=/etc` must produce, with modes.
std::map<std::string, unsigned> expectedTree() {
    const fs::path& repo = stack().repoRoot();
    std::map<std::string, unsigned> tree = {
        {"usr/sbin/restd", 0755},
        {"usr/sbin/restd-deploy", 0755},
        {"usr/lib/systemd/system/restd.service", 0644},
        {"usr/lib/systemd/system/restd.socket", 0644},
        {"usr/share/restd/restd.env.example", 0644},
        {"usr/share/doc/restd/examples/restd.env.example", 0644},  // a symlink to it
        {"usr/share/man/man8/restd.8", 0644},
        {"usr/share/man/man8/restd-deploy.8", 0644},
        {"usr/share/doc/restd/README.md", 0644},
        {"usr/share/doc/restd/api.md", 0644},
        {"usr/share/doc/restd/architecture.md", 0644},
        {"usr/share/doc/restd/deploy.md", 0644},
        {"usr/share/restd/scripts/migrate", 0755},
        {"usr/share/restd/scripts/lib/settings.sh", 0644},
    };
    for (const auto& entry : fs::directory_iterator(repo / "sql")) {
        if (entry.path().extension() == ".sql") {
            tree["usr/share/restd/sql/" + entry.path().filename().string()] = 0644;
        }
    }
    for (const auto& entry : fs::directory_iterator(repo / "nginx")) {
        if (entry.path().extension() == ".conf") {
            tree["usr/share/restd/nginx/" + entry.path().filename().string()] = 0644;
        }
    }
    // The /docs page: our two files and Swagger UI's assets (Makefile DOCS_ASSETS).
    for (const char* file : {"index.html", "init.js", "swagger-ui-bundle.js", "swagger-ui.css",
                             "favicon-16x16.png", "favicon-32x32.png", "LICENSE"}) {
        tree["usr/share/restd/docs/" + std::string(file)] = 0644;
    }
    return tree;
}

// make install DESTDIR=<scratch>/destdir PREFIX=/usr, once for the suite.
const fs::path& installedTree() {
    static fs::path root;
    static CommandResult result;
    if (root.empty()) {
        root = scratch() / "destdir";
        result = make({"install", "DESTDIR=" + root.string(), "PREFIX=/usr", "SYSCONFDIR=/etc"});
    }
    BOOST_REQUIRE_MESSAGE(result.ok(), "make install DESTDIR=" << root << ": " << result.summary());
    return root;
}

std::string osUser() {
    const passwd* pw = getpwuid(geteuid());
    return pw != nullptr ? pw->pw_name : "root";
}

// restd-deploy (the installed copy) on the stack's MariaDB with an env file
// made from systemd/restd.env.example, run twice; once for the suite.
struct Deployment {
    fs::path envFile;
    CommandResult first, second;
    std::string afterFirst, afterSecond;  // the env file's text after each run
    std::map<std::string, std::string> values;
};

// The installed copy by default; the repository's scripts/deploy finds
// scripts/migrate differently.
CommandResult runDeploy(const fs::path& envFile, bool fromRepo = false,
                        const std::vector<std::string>& options = {}) {
    fs::path deploy = fromRepo ? stack().repoRoot() / "scripts/deploy"
                               : installedTree() / "usr/sbin/restd-deploy";
    std::vector<std::string> argv = {deploy.string(),    "--env-file",   envFile.string(),
                                     "--no-system-user", "--admin-user", osUser()};
    argv.insert(argv.end(), options.begin(), options.end());
    return runCommand(argv, {}, 120s);
}

// <scratch>/<dir>/restd.env.example: the shipped example pointed at the
// stack's MariaDB, with the database and account `name` and `extra` lines
// appended. Returns the path of the env file beside it (not created).
fs::path writeExample(const std::string& dir, const std::string& name,
                      const std::string& extra = "") {
    fs::path folder = scratch() / dir;
    fs::create_directories(folder);
    std::istringstream example(readFile(stack().repoRoot() / "systemd/restd.env.example"));
    std::ofstream out(folder / "restd.env.example");
    for (std::string line; std::getline(example, line);) {
        if (line.starts_with("DB_SOCKET=")) line = "DB_SOCKET=" + stack().env("DB_SOCKET");
        if (line.starts_with("DB_NAME=")) line = "DB_NAME=" + name;
        if (line.starts_with("DB_USER=")) line = "DB_USER=" + name;
        out << line << "\n";
    }
    out << extra;
    return folder / "restd.env";
}

// A secret file as an operator would keep it: the value and a newline, 0600.
fs::path writeSecret(const std::string& file, const std::string& value) {
    fs::path path = scratch() / file;
    std::ofstream(path) << value << "\n";
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    return path;
}

// `mariadb` as the stack's admin (this OS user, by unix_socket), as
// restd-deploy's admin steps run.
CommandResult sqlAsAdmin(const std::string& statement) {
    return runCommand(
        {"mariadb", "--no-defaults", "--batch", "--skip-column-names",
         "--socket=" + stack().env("DB_SOCKET"), "--user=" + osUser(), "--execute=" + statement},
        {"MYSQL_PWD="}, 30s);
}

const Deployment& deployment() {
    static Deployment d;
    static bool done = false;
    if (!done) {
        done = true;
        requireTool("mariadb", "mariadb-client");
        // The first host: the key is made here, when asked.
        d.envFile = writeExample("etc-restd", "restd_deploy");
        d.first = runDeploy(d.envFile, false, {"--generate-jwt-secret"});
        d.afterFirst = readFile(d.envFile);
        d.second = runDeploy(d.envFile, false, {"--generate-jwt-secret"});
        d.afterSecond = readFile(d.envFile);
        d.values = readEnvFile(d.envFile);
    }
    BOOST_REQUIRE_MESSAGE(d.first.ok(), "restd-deploy: " << d.first.summary());
    return d;
}

// `mariadb` as the deployed application account; nullopt-like: status != 0.
CommandResult sqlAsApp(const std::string& statement) {
    const auto& v = deployment().values;
    return runCommand({"mariadb", "--no-defaults", "--batch", "--skip-column-names",
                       "--socket=" + v.at("DB_SOCKET"), "--user=" + v.at("DB_USER"),
                       "--database=" + v.at("DB_NAME"), "--execute=" + statement},
                      {"MYSQL_PWD=" + v.at("DB_PASSWORD")}, 30s);
}

// restd's settings from the deployed env file, small and quick to stop.
std::vector<std::string> restdSettings() {
    std::vector<std::string> settings;
    for (const auto& [key, value] : deployment().values) settings.push_back(key + "=" + value);
    for (const char* s : {"WORKERS=1", "THREADS_PER_WORKER=2", "GRACE_SECONDS=2"}) {
        settings.emplace_back(s);
    }
    // Sanitizer settings of the run reach restd as they reach the stack's.
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
        if (const char* value = std::getenv(name))
            settings.push_back(std::string(name) + "=" + value);
    }
    return settings;
}

// A listening unix socket, as a socket unit would hold it.
int listenUnix(const fs::path& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string p = path.string();
    BOOST_REQUIRE_LT(p.size(), sizeof addr.sun_path);
    std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE_GE(fd, 0);
    BOOST_REQUIRE_EQUAL(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    BOOST_REQUIRE_EQUAL(listen(fd, 64), 0);
    return fd;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// 32 bytes in lower-case hex, as restd-deploy generates secrets. (No
// std::regex in this file: GCC 12 warns inside it under ASan.)
bool isHexSecret(const std::string& value) {
    return value.size() == 64 && value.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// `make deb` into <scratch>/deb, once for the suite; its last line is the
// package's path.
const std::string& builtDeb() {
    static std::string deb;
    static CommandResult build;
    if (build.status == -1 && !build.timedOut) {
        requireTool("dpkg-buildpackage", "dpkg-dev");
        requireTool("dh", "debhelper");
        requireTool("rsync", "rsync");
        requireTool("scdoc", "scdoc");
        // A whole build of restd with the package's flags: minutes on a
        // busy machine (a hang guard, not a measure).
        build = make({"deb", "DEB_OUT=" + (scratch() / "deb").string()}, 1200s);
        if (build.ok()) {
            deb = build.output.substr(build.output.rfind('\n', build.output.size() - 2) + 1);
            while (!deb.empty() && deb.back() == '\n') deb.pop_back();
        }
    }
    BOOST_REQUIRE_MESSAGE(build.ok(), "make deb: " << build.summary());
    BOOST_REQUIRE_MESSAGE(deb.ends_with(".deb") && fs::exists(deb),
                          "make deb printed no package path:\n"
                              << build.output);
    return deb;
}

// Where the package holds a file `make install PREFIX=/usr` puts at `path`:
// the units where bookworm's dh_installsystemd takes them (debian/rules),
// documents and man pages compressed by dh_compress.
std::string packagedPath(const std::string& path) {
    const std::string units = "usr/lib/systemd/system/";
    if (path.starts_with(units)) return path.substr(4);
    if ((path.starts_with("usr/share/doc/restd/") && path.ends_with(".md")) ||
        path.starts_with("usr/share/man/")) {
        return path + ".gz";
    }
    return path;
}

// dpkg's status of restd ("install ok installed" ...), empty when unknown.
std::string packageStatus() {
    CommandResult r = runCommand({"dpkg-query", "--showformat=${Status}", "--show", "restd"});
    return r.ok() ? r.output : "";
}

bool packageKnown() {
    std::string status = packageStatus();
    return !status.empty() && !contains(status, "not-installed");
}

// Leaves the machine as the install test found it, whatever failed: the
// package purged, and the user restd (which a purge keeps, as Debian's
// packages do) removed when the test made it.
struct PackageCleanup {
    bool userExisted;
    ~PackageCleanup() {
        if (packageKnown()) runCommand({"dpkg", "-P", "restd"}, {}, 120s);
        if (!userExisted && getpwnam("restd") != nullptr) {
            runCommand({"userdel", "restd"});
            runCommand({"groupdel", "restd"});
        }
    }
};

// The names src/config/config.cpp reads: every r.integer("X" ...),
// r.string("X" ...), r.raw("X") and getenv("X").
std::set<std::string> configSettings() {
    std::string source = readFile(stack().repoRoot() / "src/config/config.cpp");
    std::set<std::string> names;
    for (const char* call : {"r.integer(\"", "r.string(\"", "r.raw(\"", "getenv(\""}) {
        const std::string needle = call;
        for (size_t at = source.find(needle); at != std::string::npos;
             at = source.find(needle, at + 1)) {
            size_t begin = at + needle.size();
            names.insert(source.substr(begin, source.find('"', begin) - begin));
        }
    }
    return names;
}

// A maintainer-script line that enables or starts a unit. debhelper's
// snippet re-enables a unit on upgrade only when the admin had enabled it
// (`if deb-systemd-helper --quiet was-enabled ...` on the line before).
bool enablesOrStarts(const std::string& scripts) {
    std::istringstream lines(scripts);
    std::string before;  // the line before, comments and blank lines skipped
    for (std::string line; std::getline(lines, line);) {
        size_t text = line.find_first_not_of(" \t");
        if (text == std::string::npos || line[text] == '#') continue;
        const bool unitCommand = contains(line, "systemctl") || contains(line, "deb-systemd");
        for (const char* verb : {" start", " restart", " reload-or-restart"}) {
            if (unitCommand && contains(line, verb)) return true;
        }
        if (unitCommand && contains(line, " enable") && !contains(before, "was-enabled"))
            return true;
        before = line;
    }
    return false;
}

// restd's startup line says where its socket came from.
constexpr const char* kFromSystemd = R"("listen":"systemd socket")";

}  // namespace

BOOST_AUTO_TEST_SUITE(deploy)

BOOST_AUTO_TEST_CASE(service_exposure_is_below_2) {
    requireTool("systemd-analyze", "systemd");
    fs::path unit = stack().repoRoot() / "systemd/restd.service";
    CommandResult r = runCommand({"systemd-analyze", "security", "--offline=true", unit.string()});
    BOOST_REQUIRE_MESSAGE(r.ok(), "systemd-analyze security: " << r.summary());
    const std::string label = "Overall exposure level for restd.service: ";
    size_t at = r.output.find(label);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no overall exposure line in: " << r.output);
    const char* number = r.output.c_str() + at + label.size();
    char* end = nullptr;
    double exposure = std::strtod(number, &end);
    BOOST_REQUIRE_MESSAGE(end != number, "no number after '" << label << "' in: " << r.output);
    BOOST_TEST_MESSAGE("restd.service exposure: " << exposure);
    BOOST_CHECK_LT(exposure, 2.0);
}

BOOST_AUTO_TEST_CASE(installed_units_pass_systemd_analyze_verify) {
    requireTool("systemd-analyze", "systemd");
    // A real PREFIX (no DESTDIR), so that verify finds ExecStart's binary.
    fs::path prefix = scratch() / "prefix";
    CommandResult install = make({"install", "PREFIX=" + (prefix / "usr").string(),
                                  "SYSCONFDIR=" + (prefix / "etc").string()});
    BOOST_REQUIRE_MESSAGE(install.ok(), "make install: " << install.summary());
    fs::path units = prefix / "usr/lib/systemd/system";
    std::string service = readFile(units / "restd.service");
    BOOST_CHECK(contains(service, "\nExecStart=" + (prefix / "usr/sbin/restd").string() + "\n"));
    BOOST_CHECK(
        contains(service, "\nEnvironmentFile=" + (prefix / "etc/restd/restd.env").string() + "\n"));
    BOOST_CHECK(contains(
        service, "\nEnvironment=RESTD_ENV_FILE=" + (prefix / "etc/restd/restd.env").string()));

    CommandResult verify =
        runCommand({"systemd-analyze", "verify", (units / "restd.service").string(),
                    (units / "restd.socket").string()});
    BOOST_CHECK_MESSAGE(verify.ok(), "systemd-analyze verify: " << verify.summary());
    BOOST_CHECK_MESSAGE(verify.output.empty(), "systemd-analyze verify says:\n" << verify.output);
}

BOOST_AUTO_TEST_CASE(socket_unit_lets_only_restd_and_nginx_connect) {
    const fs::path& repo = stack().repoRoot();
    std::string socket = readFile(repo / "systemd/restd.socket");
    std::string service = readFile(repo / "systemd/restd.service");
    for (const char* line : {"\nListenStream=/run/restd/restd.sock\n", "\nSocketUser=restd\n",
                             "\nSocketGroup=www-data\n", "\nSocketMode=0660\n"}) {
        BOOST_CHECK_MESSAGE(contains(socket, line), "restd.socket lacks " << line);
    }
    // The path nginx's upstream dials is the socket's.
    BOOST_CHECK(contains(readFile(repo / "nginx/restd-http.conf"),
                         "server unix:/run/restd/restd.sock max_fails=0;"));
    BOOST_CHECK(contains(service, "\nRequires=restd.socket\n"));
    // A RuntimeDirectory=restd would chown /run/restd/restd.sock to restd:restd
    // on start and delete it on stop.
    BOOST_CHECK(!contains(service, "\nRuntimeDirectory="));
    for (const char* line :
         {"\nType=notify\n", "\nWatchdogSec=30s\n", "\nExecReload=/bin/kill -HUP $MAINPID\n",
          "\nUser=restd\n", "\nEnvironmentFile=/etc/restd/restd.env\n"}) {
        BOOST_CHECK_MESSAGE(contains(service, line), "restd.service lacks " << line);
    }
}

BOOST_AUTO_TEST_CASE(installed_restd_runs_as_production_unless_the_env_file_says_otherwise) {
    const fs::path& repo = stack().repoRoot();
    std::string service = readFile(repo / "systemd/restd.service");
    // Environment= first: EnvironmentFile= overrides it, so an operator's
    // APP_ENV wins and a file without one still means production.
    size_t preset = service.find("\nEnvironment=APP_ENV=production\n");
    size_t file = service.find("\nEnvironmentFile=");
    BOOST_CHECK_MESSAGE(preset != std::string::npos, "restd.service sets no APP_ENV=production");
    BOOST_CHECK(preset < file);
    std::map<std::string, std::string> example = readEnvFile(repo / "systemd/restd.env.example");
    BOOST_CHECK_EQUAL(example["APP_ENV"], "production");
    BOOST_CHECK(contains(readFile(installedTree() / "usr/lib/systemd/system/restd.service"),
                         "\nEnvironment=APP_ENV=production\n"));
}

BOOST_AUTO_TEST_CASE(make_install_lays_out_the_documented_tree) {
    const fs::path& root = installedTree();
    std::map<std::string, unsigned> actual = filesUnder(root), expected = expectedTree();
    for (const auto& [path, mode] : expected) {
        auto it = actual.find(path);
        if (it == actual.end()) {
            BOOST_ERROR("make install did not install " << path);
        } else {
            BOOST_CHECK_MESSAGE(it->second == mode, path << " has mode " << std::oct << it->second
                                                         << ", expected " << mode);
        }
    }
    for (const auto& [path, mode] : actual) {
        BOOST_CHECK_MESSAGE(expected.contains(path), "unexpected file " << path);
    }
    std::string service = readFile(root / "usr/lib/systemd/system/restd.service");
    BOOST_CHECK(contains(service, "\nExecStart=/usr/sbin/restd\n"));
    // The template only; the env file is made on the host (restd-deploy, postinst).
    BOOST_CHECK_MESSAGE(!fs::exists(root / "etc"), "make install wrote into SYSCONFDIR");
    BOOST_CHECK(readFile(root / "usr/share/restd/restd.env.example") ==
                readFile(stack().repoRoot() / "systemd/restd.env.example"));
    BOOST_CHECK(fs::is_symlink(root / "usr/share/doc/restd/examples/restd.env.example"));
    BOOST_CHECK_EQUAL(fs::file_size(root / "usr/sbin/restd"), fs::file_size(stack().restdBin()));
}

BOOST_AUTO_TEST_CASE(restd_deploy_creates_database_account_and_secrets) {
    const Deployment& d = deployment();
    for (const std::string& line :
         {"created " + d.envFile.string(), std::string("generated DB_PASSWORD"),
          std::string("generated JWT_SECRET"), std::string("created database restd_deploy"),
          std::string("created account restd_deploy@localhost"),
          std::string("migrate: applied 001_init.sql")}) {
        BOOST_CHECK_MESSAGE(contains(d.first.output, line), "first run does not say '"
                                                                << line << "':\n"
                                                                << d.first.output);
    }
    struct stat st {};
    BOOST_REQUIRE_EQUAL(stat(d.envFile.c_str(), &st), 0);
    BOOST_CHECK_EQUAL(st.st_mode & 07777, 0640u);
    for (const char* key : {"DB_PASSWORD", "JWT_SECRET"}) {
        BOOST_CHECK_MESSAGE(isHexSecret(d.values.at(key)),
                            key << " is not 32 random bytes in hex: '" << d.values.at(key) << "'");
    }

    size_t migrations = 0;
    for (const auto& entry : fs::directory_iterator(stack().repoRoot() / "sql")) {
        migrations += entry.path().extension() == ".sql";
    }
    CommandResult count = sqlAsApp("SELECT COUNT(*) FROM schema_migrations");
    BOOST_REQUIRE_MESSAGE(count.ok(), count.summary());
    BOOST_CHECK_EQUAL(std::stoul(count.output), migrations);
    // The application's account reads and writes rows, and changes no schema.
    BOOST_CHECK_MESSAGE(sqlAsApp("SELECT COUNT(*) FROM users").ok(), "SELECT as restd_deploy");
    BOOST_CHECK_MESSAGE(!sqlAsApp("CREATE TABLE deploy_probe (id INT)").ok(),
                        "restd_deploy may create tables");
}

BOOST_AUTO_TEST_CASE(restd_deploy_a_second_time_changes_nothing) {
    const Deployment& d = deployment();
    BOOST_REQUIRE_MESSAGE(d.second.ok(), "second restd-deploy: " << d.second.summary());
    for (const char* word : {"created", "generated", "granted", "applied", "is now"}) {
        BOOST_CHECK_MESSAGE(!contains(d.second.output, word), "second run did something ('"
                                                                  << word << "'):\n"
                                                                  << d.second.output);
    }
    BOOST_CHECK(d.afterSecond == d.afterFirst);
}

BOOST_AUTO_TEST_CASE(restd_deploy_never_overwrites_an_existing_password) {
    const Deployment& d = deployment();
    fs::path other = d.envFile.parent_path() / "other.env";
    std::string text = d.afterFirst;
    text.replace(text.find("DB_PASSWORD=") + 12, 64, std::string(64, 'f'));
    std::ofstream(other) << text;
    CommandResult r = runDeploy(other, /*fromRepo=*/true);
    BOOST_CHECK_MESSAGE(!r.ok(), "restd-deploy accepted a wrong password: " << r.summary());
    BOOST_CHECK_MESSAGE(contains(r.output, "cannot log in as restd_deploy"), r.output);
    // The account still has the first password.
    BOOST_CHECK_MESSAGE(sqlAsApp("SELECT 1").ok(), "the first password no longer works");
}

BOOST_AUTO_TEST_CASE(restd_deploy_writes_app_env_production_into_a_file_without_it) {
    const Deployment& d = deployment();
    BOOST_CHECK_EQUAL(d.values.at("APP_ENV"), "production");
    fs::path bare = d.envFile.parent_path() / "no-app-env.env";
    std::string text;
    std::istringstream lines(d.afterFirst);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("APP_ENV=")) text += line + "\n";
    }
    {
        std::ofstream out(bare);
        out << text;
    }
    fs::permissions(bare, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    CommandResult r = runDeploy(bare, /*fromRepo=*/true);
    BOOST_REQUIRE_MESSAGE(r.ok(), "restd-deploy: " << r.summary());
    BOOST_CHECK_MESSAGE(contains(r.output, "APP_ENV=production"), r.output);
    BOOST_CHECK_EQUAL(readEnvFile(bare)["APP_ENV"], "production");
    // An operator's own choice stays.
    std::ofstream(bare) << text << "APP_ENV=test\n";
    CommandResult again = runDeploy(bare, /*fromRepo=*/true);
    BOOST_REQUIRE_MESSAGE(again.ok(), "restd-deploy: " << again.summary());
    BOOST_CHECK_EQUAL(readEnvFile(bare)["APP_ENV"], "test");
}

// Without a key from the operator, a host would make its own and answer the
// other hosts' tokens with 401: restd-deploy refuses, saying what to pass,
// before it changes anything.
BOOST_AUTO_TEST_CASE(restd_deploy_refuses_an_empty_jwt_secret_without_a_source) {
    fs::path env = writeExample("no-secret", "restd_deploy_nokey");
    CommandResult r = runDeploy(env, /*fromRepo=*/true);
    BOOST_CHECK_EQUAL(r.status, 1);
    for (const char* part : {"JWT_SECRET is empty", "Every restd host must", "same key",
                             "--jwt-secret-file FILE", "--generate-jwt-secret"}) {
        BOOST_CHECK_MESSAGE(contains(r.output, part), "no '" << part << "' in:\n" << r.output);
    }
    BOOST_CHECK(!fs::exists(env));
    BOOST_CHECK_EQUAL(sqlAsAdmin("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE "
                                 "SCHEMA_NAME = 'restd_deploy_nokey'")
                          .output,
                      "0\n");
    BOOST_CHECK_EQUAL(
        sqlAsAdmin("SELECT COUNT(*) FROM mysql.user WHERE User = 'restd_deploy_nokey'").output,
        "0\n");
}

// A second app host on the first one's database: same key and password, both
// from the operator's files; an empty DB_PASSWORD is refused there, since
// only the existing account's password can work.
BOOST_AUTO_TEST_CASE(restd_deploy_takes_the_shared_secrets_from_files) {
    const Deployment& first = deployment();
    fs::path jwt = writeSecret("jwt.key", first.values.at("JWT_SECRET"));
    fs::path password = writeSecret("db.password", first.values.at("DB_PASSWORD"));
    fs::path env = writeExample("second-host", "restd_deploy");

    CommandResult noPassword = runDeploy(env, true, {"--jwt-secret-file", jwt.string()});
    BOOST_CHECK_EQUAL(noPassword.status, 1);
    BOOST_CHECK_MESSAGE(contains(noPassword.output, "exists already") &&
                            contains(noPassword.output, "--db-password-file"),
                        noPassword.output);
    BOOST_CHECK(!fs::exists(env));

    CommandResult r = runDeploy(
        env, true, {"--jwt-secret-file", jwt.string(), "--db-password-file", password.string()});
    BOOST_REQUIRE_MESSAGE(r.ok(), "second host: " << r.summary());
    BOOST_CHECK_MESSAGE(contains(r.output, "wrote JWT_SECRET from " + jwt.string()) &&
                            contains(r.output, "wrote DB_PASSWORD from " + password.string()) &&
                            !contains(r.output, "generated"),
                        r.output);
    std::map<std::string, std::string> values = readEnvFile(env);
    BOOST_CHECK(values.at("JWT_SECRET") == first.values.at("JWT_SECRET"));
    BOOST_CHECK(values.at("DB_PASSWORD") == first.values.at("DB_PASSWORD"));

    // Again with the same files: nothing to do. With another key: refused,
    // the file's key stays.
    const std::string text = readFile(env);
    CommandResult again = runDeploy(
        env, true, {"--jwt-secret-file", jwt.string(), "--db-password-file", password.string()});
    BOOST_CHECK_MESSAGE(again.ok() && !contains(again.output, "wrote"), again.summary());
    fs::path other = writeSecret("other-jwt.key", std::string(40, 'k'));
    CommandResult refused = runDeploy(env, true, {"--jwt-secret-file", other.string()});
    BOOST_CHECK_EQUAL(refused.status, 1);
    BOOST_CHECK_MESSAGE(contains(refused.output, "another JWT_SECRET than " + other.string()),
                        refused.output);
    BOOST_CHECK(readFile(env) == text);

    // A host without the database's admin (--no-create-db) migrates with the
    // application's own account, which may only read and write rows: with
    // the schema up to date it needs nothing more.
    fs::path remote = writeExample("remote-host", "restd_deploy");
    CommandResult noAdmin = runDeploy(remote, true,
                                      {"--no-create-db", "--jwt-secret-file", jwt.string(),
                                       "--db-password-file", password.string()});
    BOOST_CHECK_MESSAGE(noAdmin.ok() && contains(noAdmin.output, "ready:"), noAdmin.summary());

    // A key too short for restd is refused before anything is written.
    fs::path shortKey = writeSecret("short-jwt.key", "tooshort");
    fs::path third = writeExample("third-host", "restd_deploy");
    CommandResult tooShort = runDeploy(
        third, true,
        {"--jwt-secret-file", shortKey.string(), "--db-password-file", password.string()});
    BOOST_CHECK_EQUAL(tooShort.status, 1);
    BOOST_CHECK_MESSAGE(contains(tooShort.output, "32 or more"), tooShort.output);
    BOOST_CHECK(!fs::exists(third));
}

// JWT_SECRET_FILE in the env file (restd reads the key from there, e.g. a
// systemd credential): nothing to write, and no option needed.
// No restd.env.example beside the env file (make install writes nothing to
// /etc): restd-deploy takes the template installed in share/restd, and makes
// the env file's folder. The template names the system's MariaDB socket, which
// the tests do not use, so the run may stop at the migration afterwards: what
// is checked here is the file it made first.
BOOST_AUTO_TEST_CASE(restd_deploy_makes_the_env_file_from_the_installed_template) {
    fs::path envFile = scratch() / "no-example/etc-restd/restd.env";
    fs::path jwt = writeSecret("template-jwt", std::string(64, 'b'));
    fs::path password = writeSecret("template-db-password", "template-password");
    CommandResult r = runDeploy(envFile, false,
                                {"--no-create-db", "--jwt-secret-file", jwt.string(),
                                 "--db-password-file", password.string()});
    fs::path tmpl = installedTree() / "usr/share/restd/restd.env.example";
    BOOST_CHECK_MESSAGE(
        contains(r.output, "created " + envFile.string() + " from " + tmpl.string()),
        "restd-deploy did not say it used the installed template: " << r.summary());
    BOOST_REQUIRE(fs::exists(envFile));
    BOOST_CHECK_EQUAL(static_cast<unsigned>(fs::status(envFile).permissions()) & 0777, 0640u);
    std::map<std::string, std::string> values = readEnvFile(envFile);
    BOOST_CHECK_EQUAL(values["JWT_SECRET"], std::string(64, 'b'));
    BOOST_CHECK_EQUAL(values["DB_PASSWORD"], "template-password");
    BOOST_CHECK_EQUAL(values["DB_NAME"], "restd");  // the template's
}

BOOST_AUTO_TEST_CASE(restd_deploy_leaves_the_key_to_jwt_secret_file) {
    const Deployment& first = deployment();
    fs::path password = writeSecret("db.password", first.values.at("DB_PASSWORD"));
    fs::path key = writeSecret("credential-jwt.key", first.values.at("JWT_SECRET"));
    fs::path env =
        writeExample("credential-host", "restd_deploy", "JWT_SECRET_FILE=" + key.string() + "\n");
    CommandResult r = runDeploy(env, true, {"--db-password-file", password.string()});
    BOOST_REQUIRE_MESSAGE(r.ok(), r.summary());
    BOOST_CHECK_EQUAL(readEnvFile(env).at("JWT_SECRET"), "");
    CommandResult both = runDeploy(env, true, {"--generate-jwt-secret"});
    BOOST_CHECK_EQUAL(both.status, 1);
    BOOST_CHECK_MESSAGE(contains(both.output, "JWT_SECRET_FILE"), both.output);
    BOOST_CHECK_EQUAL(readEnvFile(env).at("JWT_SECRET"), "");
}

// DB_PASSWORD_FILE in the env file: restd-deploy reads the account's password
// from there and writes no DB_PASSWORD (restd would refuse both); with a
// systemd credential, whose path exists only while restd runs, from the
// credential's source given as --db-password-file.
BOOST_AUTO_TEST_CASE(restd_deploy_reads_the_password_from_db_password_file) {
    const Deployment& first = deployment();
    fs::path jwt = writeSecret("jwt.key", first.values.at("JWT_SECRET"));
    fs::path password = writeSecret("db.password", first.values.at("DB_PASSWORD"));
    fs::path env = writeExample("password-file-host", "restd_deploy",
                                "DB_PASSWORD_FILE=" + password.string() + "\n");
    CommandResult r = runDeploy(env, true, {"--jwt-secret-file", jwt.string()});
    BOOST_REQUIRE_MESSAGE(r.ok() && contains(r.output, "ready:"), r.summary());
    BOOST_CHECK_MESSAGE(!contains(r.output, "DB_PASSWORD from") && !contains(r.output, "generated"),
                        r.output);
    BOOST_CHECK_EQUAL(readEnvFile(env).at("DB_PASSWORD"), "");

    // A credential: the env file names a path only restd's service has.
    fs::path credential = scratch() / "run-credentials" / "db_password";
    fs::path credentialEnv = writeExample(
        "credential-password-host", "restd_deploy",
        "DB_PASSWORD_FILE=" + credential.string() + "\nJWT_SECRET_FILE=" + jwt.string() + "\n");
    CommandResult noSource = runDeploy(credentialEnv, true);
    BOOST_CHECK_EQUAL(noSource.status, 1);
    BOOST_CHECK_MESSAGE(
        contains(noSource.output, "DB_PASSWORD_FILE: cannot read '" + credential.string() + "'") &&
            contains(noSource.output, "--db-password-file"),
        noSource.output);
    BOOST_CHECK(!fs::exists(credentialEnv));
    CommandResult fromSource =
        runDeploy(credentialEnv, true, {"--db-password-file", password.string()});
    BOOST_REQUIRE_MESSAGE(fromSource.ok(), fromSource.summary());
    BOOST_CHECK_EQUAL(readEnvFile(credentialEnv).at("DB_PASSWORD"), "");

    // Both in the env file: refused before anything changes.
    const std::string text = readFile(env);
    std::ofstream(env, std::ios::app) << "DB_PASSWORD=" << first.values.at("DB_PASSWORD") << "\n";
    const std::string withBoth = readFile(env);
    CommandResult both = runDeploy(env, true);
    BOOST_CHECK_EQUAL(both.status, 1);
    BOOST_CHECK_MESSAGE(contains(both.output, "both DB_PASSWORD and DB_PASSWORD_FILE"),
                        both.output);
    BOOST_CHECK(readFile(env) == withBoth);
    std::ofstream(env, std::ios::trunc) << text;

    // Another password in the file: the login check fails, nothing shows it.
    fs::path wrong = writeSecret("wrong-db.password", "not-the-password");
    std::ofstream(env, std::ios::app) << "DB_PASSWORD_FILE=" << wrong.string() << "\n";
    CommandResult refused = runDeploy(env, true);
    BOOST_CHECK_EQUAL(refused.status, 1);
    BOOST_CHECK_MESSAGE(contains(refused.output, "cannot log in as restd_deploy") &&
                            !contains(refused.output, "not-the-password"),
                        refused.output);
}

// nginx's copy of CLIENT_URL: restd-deploy writes it beside the env file on
// every run and alone with --write-cors-origins, from CLIENT_URL only, so
// nobody edits a second list; the installed restd-http.conf includes it.
BOOST_AUTO_TEST_CASE(restd_deploy_writes_nginx_cors_origins_from_client_url) {
    const Deployment& d = deployment();
    const fs::path generated = d.envFile.parent_path() / "nginx-cors-origins.conf";
    BOOST_CHECK_MESSAGE(contains(d.first.output, "wrote " + generated.string()) &&
                            contains(d.first.output, "reload nginx"),
                        d.first.output);
    BOOST_CHECK_MESSAGE(!contains(d.second.output, "wrote " + generated.string()), d.second.output);
    auto mapLines = [](const fs::path& file) {
        std::string lines;
        std::istringstream in(readFile(file));
        for (std::string line; std::getline(in, line);)
            if (!line.starts_with("#")) lines += line + "\n";
        return lines;
    };
    BOOST_CHECK_EQUAL(mapLines(generated),
                      "\"~^https://app\\.example\\.com$\" 1;\n");  // the example's
    BOOST_CHECK_EQUAL(static_cast<unsigned>(fs::status(generated).permissions()) & 0777, 0644u);
    BOOST_CHECK(contains(readFile(installedTree() / "usr/share/restd/nginx/restd-http.conf"),
                         "include /etc/restd/nginx-cors-origins.conf;"));

    // CLIENT_URL changes: --write-cors-origins lists exactly the new origins,
    // trimmed as restd trims them and escaped, and touches nothing else.
    fs::path dir = scratch() / "cors-host";
    fs::create_directories(dir);
    fs::path env = dir / "restd.env";
    std::ofstream(env) << d.afterFirst
                       << "CLIENT_URL= https://app.example.com/ ,http://[::1]:8080,"
                          "https://a+b.example.org:8443\n";
    const std::string envText = readFile(env);
    CommandResult r = runDeploy(env, true, {"--write-cors-origins"});
    BOOST_REQUIRE_MESSAGE(r.ok(), r.summary());
    BOOST_CHECK_MESSAGE(contains(r.output, "reload nginx") && !contains(r.output, "ready:"),
                        r.output);
    BOOST_CHECK_EQUAL(mapLines(dir / "nginx-cors-origins.conf"),
                      "\"~^https://app\\.example\\.com$\" 1;\n"
                      "\"~^http://\\[::1\\]:8080$\" 1;\n"
                      "\"~^https://a\\+b\\.example\\.org:8443$\" 1;\n");
    BOOST_CHECK(readFile(env) == envText);
    CommandResult again = runDeploy(env, true, {"--write-cors-origins"});
    BOOST_CHECK_MESSAGE(again.ok() && !contains(again.output, "wrote"), again.summary());

    // An origin nginx cannot list (a path, a regex) is refused before
    // anything changes: the old list stays, and a new host gets no env file.
    const std::string before = readFile(dir / "nginx-cors-origins.conf");
    for (const char* bad :
         {"https://app.example.com/path", "https://x.com$|.*", "app.example.com", " , "}) {
        std::ofstream(env, std::ios::trunc) << d.afterFirst << "CLIENT_URL=" << bad << "\n";
        for (bool corsOnly : {true, false}) {
            CommandResult refused =
                runDeploy(env, true,
                          corsOnly ? std::vector<std::string>{"--write-cors-origins"}
                                   : std::vector<std::string>{});
            BOOST_CHECK_EQUAL(refused.status, 1);
            BOOST_CHECK_MESSAGE(contains(refused.output, "CLIENT_URL") &&
                                    contains(refused.output, "nothing was changed"),
                                refused.output);
            BOOST_CHECK(readFile(dir / "nginx-cors-origins.conf") == before);
        }
    }
    fs::path fresh = writeExample("cors-fresh-host", "restd_deploy_cors",
                                  "CLIENT_URL=https://app.example.com/api\n");
    CommandResult refused = runDeploy(fresh, true, {"--generate-jwt-secret"});
    BOOST_CHECK_EQUAL(refused.status, 1);
    BOOST_CHECK(!fs::exists(fresh));
    BOOST_CHECK(!fs::exists(fresh.parent_path() / "nginx-cors-origins.conf"));
    BOOST_CHECK_EQUAL(sqlAsAdmin("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE "
                                 "SCHEMA_NAME = 'restd_deploy_cors'")
                          .output,
                      "0\n");
}

// --app-hosts: the account at each host the app connects from, with one
// password and the same grants; a host pattern that is not one never reaches
// SQL; an account that exists keeps its password.
BOOST_AUTO_TEST_CASE(restd_deploy_creates_the_account_at_each_app_host) {
    const std::string name = "restd_deploy_hosts";
    fs::path env = writeExample("app-hosts", name);
    CommandResult bad = runDeploy(
        env, true, {"--generate-jwt-secret", "--app-hosts", "localhost,10.0.0.1' OR '1'='1"});
    BOOST_CHECK_EQUAL(bad.status, 1);
    BOOST_CHECK_MESSAGE(contains(bad.output, "is not a MariaDB host pattern"), bad.output);
    BOOST_CHECK(!fs::exists(env));

    CommandResult r = runDeploy(
        env, true,
        {"--generate-jwt-secret", "--app-hosts", "localhost, 10.0.0.%,192.168.1.0/255.255.255.0"});
    BOOST_REQUIRE_MESSAGE(r.ok(), r.summary());
    const std::vector<std::string> hosts = {"10.0.0.%", "192.168.1.0/255.255.255.0", "localhost"};
    CommandResult rows =
        sqlAsAdmin("SELECT Host FROM mysql.user WHERE User = '" + name + "' ORDER BY Host");
    BOOST_CHECK_EQUAL(rows.output, "10.0.0.%\n192.168.1.0/255.255.255.0\nlocalhost\n");
    CommandResult passwords = sqlAsAdmin(
        "SELECT COUNT(DISTINCT authentication_string) FROM mysql.user WHERE User = '" + name + "'");
    BOOST_CHECK_EQUAL(passwords.output, "1\n");
    for (const std::string& host : hosts) {
        CommandResult grants = sqlAsAdmin("SHOW GRANTS FOR '" + name + "'@'" + host + "'");
        BOOST_CHECK_MESSAGE(
            contains(grants.output, "GRANT SELECT, INSERT, UPDATE, DELETE ON `" + name +
                                        "`.* TO `" + name + "`@`" + host + "`"),
            host << ": " << grants.output);
        BOOST_CHECK_MESSAGE(!contains(grants.output, "ALL PRIVILEGES"), grants.output);
    }

    // An account made before, with its own password: granted, not changed.
    BOOST_REQUIRE(sqlAsAdmin("CREATE USER '" + name + "'@'192.0.2.7' IDENTIFIED BY 'older'").ok());
    const std::string older =
        sqlAsAdmin("SELECT authentication_string FROM mysql.user WHERE User = '" + name +
                   "' AND Host = '192.0.2.7'")
            .output;
    CommandResult more = runDeploy(env, true, {"--app-hosts", "localhost,10.0.0.%,192.0.2.7"});
    BOOST_REQUIRE_MESSAGE(more.ok(), more.summary());
    BOOST_CHECK(!contains(more.output, "created account"));
    BOOST_CHECK(contains(more.output, "granted " + name + "@192.0.2.7"));
    BOOST_CHECK_EQUAL(sqlAsAdmin("SELECT authentication_string FROM mysql.user WHERE User = '" +
                                 name + "' AND Host = '192.0.2.7'")
                          .output,
                      older);
}

BOOST_AUTO_TEST_CASE(restd_serves_a_socket_passed_by_systemd_socket_activate) {
    requireTool("systemd-socket-activate", "systemd");
    fs::path socket = socketDir() / "activate.sock";
    fs::path log = scratch() / "socket-activate.log";
    // systemd-socket-activate passes on only PATH, HOME, TERM and the -E settings.
    std::vector<std::string> argv = {"systemd-socket-activate", "-l", socket.string()};
    for (const std::string& setting : restdSettings()) {
        argv.push_back("-E");
        argv.push_back(setting);
    }
    argv.push_back(stack().restdBin().string());
    Daemon activator({.argv = argv, .env = editedEnvironment({}), .log = log});

    BOOST_REQUIRE_MESSAGE(
        waitUntil([&] { return fs::exists(socket) || !activator.running(); }, 10s),
        "no socket at " << socket << "; log:\n"
                        << readFile(log));
    // The first connection starts restd; it answers once its workers are up.
    FcgiResponse ready = fcgiGet(socket.string(), "/ready", 30s);
    BOOST_CHECK_MESSAGE(ready.status == 200 && contains(ready.body, R"("status":"ready")"),
                        "GET /ready: " << ready.summary() << "\nlog:\n"
                                       << readFile(log));
    BOOST_CHECK_MESSAGE(contains(readFile(log), kFromSystemd),
                        "restd did not take the socket from LISTEN_FDS:\n"
                            << readFile(log));
    BOOST_CHECK_EQUAL(activator.stop(), 0);
}

BOOST_AUTO_TEST_CASE(a_restart_refuses_no_connection) {
    // The test holds the listening socket, as restd.socket does, and starts
    // restd twice with it; a request made while no restd runs waits in the
    // backlog and the second restd answers it.
    fs::path socket = socketDir() / "restart.sock";
    int fd = listenUnix(socket);
    auto start = [&](const char* name) {
        std::vector<std::string> env = restdSettings();
        env.push_back("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
        return std::make_unique<Daemon>(Daemon::Options{.argv = {stack().restdBin().string()},
                                                        .env = env,
                                                        .log = scratch() / name,
                                                        .listenFd = fd});
    };

    auto first = start("restart-1.log");
    FcgiResponse before = fcgiGet(socket.string(), "/health", 30s);
    BOOST_CHECK_MESSAGE(before.status == 200, "first restd: " << before.summary());
    BOOST_CHECK_EQUAL(first->stop(), 0);
    BOOST_CHECK_MESSAGE(fs::exists(socket), "restd removed the socket it was given");

    FcgiRequest queued(socket.string(), "GET", "/health");
    auto second = start("restart-2.log");
    FcgiResponse after = queued.receive(30s);
    BOOST_CHECK_MESSAGE(after.status == 200, "request made during the restart: "
                                                 << after.summary() << "\nlog:\n"
                                                 << readFile(scratch() / "restart-2.log"));
    BOOST_CHECK_EQUAL(second->stop(), 0);
    close(fd);
    for (const char* name : {"restart-1.log", "restart-2.log"}) {
        BOOST_CHECK_MESSAGE(contains(readFile(scratch() / name), kFromSystemd),
                            name << ": restd did not take the socket from LISTEN_FDS");
    }
}

// nginx/upstream-hosts.example.conf, as its comment says to use it: the stack's
// nginx configuration with the single-host upstreams of restd-http.conf
// replaced by the example's; nginx -t accepts it.
BOOST_AUTO_TEST_CASE(the_multi_host_upstream_example_passes_nginx_t) {
    requireTool("nginx", "nginx");
    fs::path conf = scratch() / "nginx-hosts";
    fs::remove_all(conf);
    fs::copy(stack().stackDir() / "nginx", conf,
             fs::copy_options::recursive | fs::copy_options::skip_symlinks);
    fs::path http = conf / "restd/restd-http.conf";
    std::istringstream lines(readFile(http));
    std::string kept;
    int removed = 0;
    bool skipping = false;
    for (std::string line; std::getline(lines, line);) {
        if (line == "upstream restd {" || line == "upstream restd_host_local {") {
            skipping = true;
            ++removed;
        }
        if (!skipping) kept += line + "\n";
        if (skipping && line == "}") skipping = false;
    }
    BOOST_REQUIRE_EQUAL(removed, 2);
    kept += "include restd/upstream-hosts.example.conf;\n";
    std::ofstream(http) << kept;
    fs::copy_file(stack().repoRoot() / "nginx/upstream-hosts.example.conf",
                  conf / "restd/upstream-hosts.example.conf");
    CommandResult r = runCommand({"nginx", "-t", "-q", "-p", conf.string() + "/", "-c",
                                  (conf / "nginx.conf").string(), "-e",
                                  (scratch() / "nginx-hosts.log").string()});
    BOOST_CHECK_MESSAGE(r.ok(), "nginx -t: " << r.summary());
    // The example names a per-host upstream for each host of the shared one.
    std::string example = readFile(stack().repoRoot() / "nginx/upstream-hosts.example.conf");
    for (const char* part :
         {"upstream restd {", "server 10.0.0.11:9000 max_fails=2 fail_timeout=10s;",
          "upstream restd_host_web1 {", "upstream restd_host_web2 {"}) {
        BOOST_CHECK_MESSAGE(contains(example, part), "the example lacks " << part);
    }
}

BOOST_AUTO_TEST_CASE(make_deb_builds_a_package_lintian_accepts) {
    const std::string& deb = builtDeb();

    // Contents: the install tree (units where bookworm's debhelper puts them,
    // documents compressed), plus Debian's doc files; no env file.
    CommandResult contents = runCommand({"dpkg-deb", "--contents", deb});
    BOOST_REQUIRE_MESSAGE(contents.ok(), contents.summary());
    std::map<std::string, std::string> listed;  // path -> "mode owner"
    std::istringstream lines(contents.output);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string mode, owner, size, date, time, path;
        fields >> mode >> owner >> size >> date >> time >> path;
        if ((mode.starts_with('-') || mode.starts_with('l')) && path.starts_with("./"))
            listed[path.substr(2)] = mode + " " + owner;
    }
    std::set<std::string> expected;
    for (const auto& [path, mode] : expectedTree()) expected.insert(packagedPath(path));
    for (const char* extra : {"usr/share/doc/restd/copyright", "usr/share/doc/restd/changelog.gz",
                              "usr/share/lintian/overrides/restd"}) {
        expected.insert(extra);
    }
    for (const std::string& path : expected) {
        BOOST_CHECK_MESSAGE(listed.contains(path), "the package lacks " << path);
    }
    for (const auto& [path, info] : listed) {
        BOOST_CHECK_MESSAGE(expected.contains(path), "unexpected file in the package: " << path);
        BOOST_CHECK_MESSAGE(contains(info, "root/root"), path << " is not root's: " << info);
    }
    BOOST_CHECK_MESSAGE(listed["usr/share/doc/restd/examples/restd.env.example"].starts_with("l"),
                        "the example in the doc folder is no symlink to the template");

    // Control files: no conffile at all (nothing under /etc; the env file is
    // the postinst's), the user in postinst, nothing enabled or started.
    fs::path control = fs::path(deb).parent_path() / "control";
    CommandResult extract = runCommand({"dpkg-deb", "--control", deb, control.string()});
    BOOST_REQUIRE_MESSAGE(extract.ok(), extract.summary());
    if (fs::exists(control / "conffiles")) {
        BOOST_CHECK_MESSAGE(!contains(readFile(control / "conffiles"), "restd.env"),
                            "the env file is a conffile:\n"
                                << readFile(control / "conffiles"));
    }
    std::string fields = readFile(control / "control");
    for (const char* dep : {"adduser", "libfcgi0ldbl", "libmysqlcppconn7v5", "libsystemd0"}) {
        BOOST_CHECK_MESSAGE(contains(fields, dep), "Depends lacks " << dep << ":\n" << fields);
    }
    std::string postinst = readFile(control / "postinst");
    BOOST_CHECK(contains(postinst, "adduser --system --group"));
    BOOST_CHECK(contains(postinst, "install -m 0640 -o root -g restd \"$template\" \"$env_file\""));
    BOOST_CHECK(contains(readFile(control / "postrm"), "rm -f /etc/restd/restd.env"));
    std::string scripts = postinst + readFile(control / "postrm");
    for (const char* script : {"preinst", "prerm"}) {
        if (fs::exists(control / script)) scripts += readFile(control / script);
    }
    BOOST_CHECK_MESSAGE(!enablesOrStarts(scripts), "a maintainer script enables or starts a unit");
    // An upgrade leaves a running restd alone (no stop that nothing undoes);
    // removing the package stops it.
    if (fs::exists(control / "preinst")) {
        BOOST_CHECK_MESSAGE(!contains(readFile(control / "preinst"), " stop "),
                            "the preinst stops restd:\n"
                                << readFile(control / "preinst"));
    }
    BOOST_CHECK(contains(readFile(control / "prerm"), "deb-systemd-invoke stop restd.service"));

    // Warnings fail too, unless debian/restd.lintian-overrides says why not.
    CommandResult lint = runCommand(
        {"lintian", "--pedantic", "--info", "--fail-on", "error,warning", deb}, {}, 300s);
    BOOST_TEST_MESSAGE("lintian:\n" << lint.output);
    BOOST_CHECK_MESSAGE(lint.ok(), "lintian reports errors or warnings: " << lint.summary());
}

BOOST_AUTO_TEST_CASE(the_package_installs_checks_its_config_and_purges_cleanly) {
    requireTool("dpkg", "dpkg");
    BOOST_REQUIRE_MESSAGE(geteuid() == 0,
                          "installing the package needs root (dpkg -i on this machine, as CI "
                          "runs): run the integration tests as root");
    BOOST_REQUIRE_MESSAGE(!packageKnown(),
                          "the restd package is installed on this machine: this test would "
                          "replace and purge it (dpkg -P restd first, if it is a leftover)");
    BOOST_REQUIRE_MESSAGE(!fs::exists("/etc/restd"),
                          "/etc/restd exists without the package: remove it first");
    const std::string& deb = builtDeb();
    const bool userExisted = getpwnam("restd") != nullptr;
    PackageCleanup cleanup{userExisted};

    CommandResult install = runCommand({"dpkg", "-i", deb}, {}, 300s);
    BOOST_REQUIRE_MESSAGE(install.ok(), "dpkg -i: " << install.summary());
    BOOST_TEST_MESSAGE("dpkg -i:\n" << install.output);

    const passwd* user = getpwnam("restd");
    BOOST_REQUIRE_MESSAGE(user != nullptr, "the postinst made no user restd");
    const gid_t restdGroup = user->pw_gid;
    struct stat st {};
    BOOST_REQUIRE_EQUAL(stat("/etc/restd/restd.env", &st), 0);
    BOOST_CHECK_EQUAL(st.st_mode & 07777, 0640u);
    BOOST_CHECK_EQUAL(st.st_uid, 0u);
    BOOST_CHECK_EQUAL(st.st_gid, restdGroup);
    BOOST_CHECK(readFile("/etc/restd/restd.env") ==
                readFile(stack().repoRoot() / "systemd/restd.env.example"));
    CommandResult conffiles =
        runCommand({"dpkg-query", "--showformat=${Conffiles}", "--show", "restd"});
    BOOST_CHECK_MESSAGE(conffiles.ok() && !contains(conffiles.output, "restd.env"),
                        "dpkg lists the env file as a conffile: " << conffiles.summary());

    // Installed, not enabled: no restd unit linked into any .wants folder.
    for (const char* unit :
         {"/lib/systemd/system/restd.service", "/lib/systemd/system/restd.socket"}) {
        BOOST_CHECK_MESSAGE(fs::exists(unit), unit << " is not installed");
    }
    for (const auto& entry : fs::recursive_directory_iterator("/etc/systemd/system")) {
        BOOST_CHECK_MESSAGE(!entry.path().filename().string().starts_with("restd."),
                            "installing enabled a unit: " << entry.path());
    }
    BOOST_CHECK(fs::exists("/usr/share/man/man8/restd.8.gz"));
    // nginx's copy of CLIENT_URL, which the installed restd-http.conf
    // includes, is there at once, so `nginx -t` passes before any deploy.
    BOOST_CHECK(contains(readFile("/usr/share/restd/nginx/restd-http.conf"),
                         "include /etc/restd/nginx-cors-origins.conf;"));
    BOOST_CHECK_MESSAGE(
        contains(readFile("/etc/restd/nginx-cors-origins.conf"),
                 "\"~^https://app\\.example\\.com$\" 1;"),  // the example's CLIENT_URL
        "the postinst wrote no nginx-cors-origins.conf from the env file's CLIENT_URL");

    // The package's env file needs restd-deploy's secrets; with them, it passes.
    CommandResult asShipped =
        runCommand({"/usr/sbin/restd", "--check-config"}, {"RESTD_ENV_FILE=/etc/restd/restd.env"});
    BOOST_CHECK_EQUAL(asShipped.status, 2);
    BOOST_CHECK_MESSAGE(contains(asShipped.output, "JWT_SECRET is required"), asShipped.output);
    fs::path env = scratch() / "package-restd.env";
    std::ofstream(env) << readFile("/etc/restd/restd.env") << "JWT_SECRET=" << std::string(64, 'a')
                       << "\n";
    CommandResult check =
        runCommand({"/usr/sbin/restd", "--check-config"}, {"RESTD_ENV_FILE=" + env.string()});
    BOOST_CHECK_MESSAGE(check.ok() && check.output.empty(),
                        "restd --check-config: " << check.summary());

    // An upgrade (the same version again) leaves an edited env file exactly
    // as it is, with no conffile prompt (stdin is /dev/null: one would fail).
    std::ofstream("/etc/restd/restd.env", std::ios::app) << "LOG_LEVEL=debug\n";
    const std::string edited = readFile("/etc/restd/restd.env");
    CommandResult again = runCommand({"dpkg", "-i", deb}, {}, 300s);
    BOOST_REQUIRE_MESSAGE(again.ok(), "dpkg -i a second time: " << again.summary());
    BOOST_CHECK(readFile("/etc/restd/restd.env") == edited);
    BOOST_REQUIRE_EQUAL(stat("/etc/restd/restd.env", &st), 0);
    BOOST_CHECK_EQUAL(st.st_mode & 07777, 0640u);
    BOOST_CHECK_EQUAL(st.st_gid, restdGroup);

    // Remove keeps the configuration; purge takes it and everything else.
    CommandResult remove = runCommand({"dpkg", "-r", "restd"}, {}, 120s);
    BOOST_REQUIRE_MESSAGE(remove.ok(), "dpkg -r: " << remove.summary());
    BOOST_CHECK(!fs::exists("/usr/sbin/restd"));
    BOOST_CHECK(fs::exists("/etc/restd/restd.env"));
    BOOST_CHECK_EQUAL(packageStatus(), "deinstall ok config-files");
    CommandResult purge = runCommand({"dpkg", "-P", "restd"}, {}, 120s);
    BOOST_REQUIRE_MESSAGE(purge.ok(), "dpkg -P: " << purge.summary());
    BOOST_CHECK_MESSAGE(!fs::exists("/etc/restd"), "/etc/restd remains after purge");
    BOOST_CHECK_MESSAGE(!packageKnown(), "dpkg still knows restd: " << packageStatus());
    CommandResult files = runCommand({"dpkg-deb", "--contents", deb});
    std::istringstream lines(files.output);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string mode, owner, size, date, time, path;
        fields >> mode >> owner >> size >> date >> time >> path;
        if (mode.starts_with('d') || !path.starts_with("./")) continue;
        BOOST_CHECK_MESSAGE(!fs::exists(fs::symlink_status(path.substr(1))),
                            path.substr(1) << " remains after purge");
    }
}

BOOST_AUTO_TEST_CASE(debian_changelog_names_the_version_of_restd) {
    std::string first = readFile(stack().repoRoot() / "debian/changelog");
    first = first.substr(0, first.find('\n'));
    CommandResult version = runCommand({stack().restdBin().string(), "--version"});
    BOOST_REQUIRE_MESSAGE(version.ok(), version.summary());
    std::string v = version.output.substr(std::string("restd ").size());
    while (!v.empty() && v.back() == '\n') v.pop_back();
    BOOST_CHECK_MESSAGE(first.starts_with("restd (" + v + ") "),
                        "debian/changelog starts '" << first << "', restd --version says " << v);
}

BOOST_AUTO_TEST_CASE(man_pages_render_without_warnings) {
    requireTool("man", "man-db");
    requireTool("scdoc", "scdoc");
    CommandResult build = make({"man"});
    BOOST_REQUIRE_MESSAGE(build.ok(), "make man: " << build.summary());
    for (const char* page : {"restd.8", "restd-deploy.8"}) {
        fs::path file = stack().repoRoot() / "build/man" / page;
        // man's own warnings (groff's, with -ww) go to stderr; the page to /dev/null.
        CommandResult r =
            runCommand({"sh", "-c", "man --warnings -l \"$0\" 2>&1 >/dev/null", file.string()},
                       {"MANWIDTH=80"});
        BOOST_CHECK_MESSAGE(r.ok() && r.output.empty(), page << ": " << r.summary());
    }
}

BOOST_AUTO_TEST_CASE(restd_man_page_names_every_setting) {
    requireTool("man", "man-db");
    CommandResult build = make({"man"});
    BOOST_REQUIRE_MESSAGE(build.ok(), "make man: " << build.summary());
    // Wide enough that no name is hyphenated at a line's end.
    CommandResult page = runCommand(
        {"man", "-l", (stack().repoRoot() / "build/man/restd.8").string()}, {"MANWIDTH=400"});
    BOOST_REQUIRE_MESSAGE(page.ok(), page.summary());
    std::set<std::string> settings = configSettings();
    BOOST_REQUIRE_GT(settings.size(), 30u);
    for (const std::string& name : settings) {
        BOOST_CHECK_MESSAGE(contains(page.output, name), "restd(8) does not name " << name);
    }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// Who may speak FastCGI to restd (FCGI_WEB_SERVER_ADDRS), and the warning of
// a restd started without APP_ENV: restd processes of this test, on the
// stack's database, with their own sockets.

namespace {

// restd's settings without a listen address; APP_ENV only when given.
EnvEdits ownRestd(const std::string& appEnv = "test") {
    EnvEdits env = {"RESTD_ENV_FILE",
                    "LISTEN_FDS",
                    "LISTEN_PID",
                    "FCGI_WEB_SERVER_ADDRS",
                    "WORKERS=1",
                    "THREADS_PER_WORKER=2",
                    "GRACE_SECONDS=2",
                    "JWT_SECRET=" + stack().env("JWT_SECRET"),
                    "DB_SOCKET=" + stack().env("DB_SOCKET"),
                    "DB_NAME=" + stack().env("DB_NAME"),
                    "DB_USER=" + stack().env("DB_USER"),
                    "DB_PASSWORD=" + stack().env("DB_PASSWORD")};
    env.push_back(appEnv.empty() ? std::string("APP_ENV") : "APP_ENV=" + appEnv);
    return env;
}

// A TCP port nobody listens on right now.
int freePort() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE_EQUAL(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t length = sizeof addr;
    BOOST_REQUIRE_EQUAL(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length), 0);
    close(fd);
    return ntohs(addr.sin_port);
}

// restd with `edits` in the background, logging to `log`; waits until its
// master has opened the socket ("restd starting").
std::unique_ptr<Daemon> startRestd(EnvEdits edits, const fs::path& log) {
    fs::remove(log);
    auto daemon = std::make_unique<Daemon>(Daemon::Options{
        .argv = {stack().restdBin().string()}, .env = editedEnvironment(edits), .log = log});
    BOOST_REQUIRE_MESSAGE(
        waitUntil([&] { return contains(readFile(log), "restd starting") || !daemon->running(); },
                  20s),
        "restd did not start; log:\n"
            << readFile(log));
    BOOST_REQUIRE_MESSAGE(daemon->running(), "restd exited; log:\n" << readFile(log));
    return daemon;
}

size_t countLines(const std::string& text) {
    std::istringstream lines(text);
    size_t n = 0;
    for (std::string line; std::getline(lines, line);) n += !line.empty();
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fcgi_peers)

BOOST_AUTO_TEST_CASE(a_public_tcp_listen_without_web_server_addrs_refuses_to_start) {
    const std::string listen = "0.0.0.0:" + std::to_string(freePort());
    EnvEdits env = ownRestd();
    env.push_back("FCGI_LISTEN=" + listen);
    CommandResult r = runCommand({stack().restdBin().string()}, env, 15s);
    BOOST_CHECK_MESSAGE(!r.timedOut, "restd served on " << listen << ": " << r.summary());
    BOOST_CHECK_NE(r.status, 0);
    BOOST_CHECK_MESSAGE(
        contains(r.output, "FCGI_LISTEN=" + listen) && contains(r.output, "FCGI_WEB_SERVER_ADDRS"),
        r.output);
    BOOST_CHECK_EQUAL(countLines(r.output), 1u);
}

BOOST_AUTO_TEST_CASE(a_peer_outside_web_server_addrs_is_closed_without_an_answer) {
    const int port = freePort();
    const fs::path log = scratch() / "peers-refused.log";
    EnvEdits env = ownRestd();
    env.push_back("FCGI_LISTEN=0.0.0.0:" + std::to_string(port));
    env.push_back("FCGI_WEB_SERVER_ADDRS=192.0.2.10, 2001:db8::10");
    auto restd = startRestd(env, log);
    FcgiResponse response = fcgiGet("127.0.0.1:" + std::to_string(port), "/metrics", 10s);
    BOOST_CHECK_MESSAGE(!response.completed() && response.body.empty(),
                        "a peer not listed was answered: " << response.summary());
    BOOST_CHECK_MESSAGE(waitUntil(
                            [&] {
                                return contains(readFile(log), "FCGI_WEB_SERVER_ADDRS") &&
                                       contains(readFile(log), "127.0.0.1");
                            },
                            5s),
                        "no warning naming the peer; log:\n"
                            << readFile(log));
    BOOST_CHECK_EQUAL(restd->stop(), 0);
}

BOOST_AUTO_TEST_CASE(a_listed_peer_is_served_and_loopback_needs_no_list) {
    const int port = freePort();
    EnvEdits env = ownRestd();
    env.push_back("FCGI_LISTEN=0.0.0.0:" + std::to_string(port));
    env.push_back("FCGI_WEB_SERVER_ADDRS=192.0.2.10,127.0.0.1");
    auto restd = startRestd(env, scratch() / "peers-listed.log");
    FcgiResponse listed = fcgiGet("127.0.0.1:" + std::to_string(port), "/health", 30s);
    BOOST_CHECK_MESSAGE(listed.status == 200, "listed peer: " << listed.summary());
    BOOST_CHECK_EQUAL(restd->stop(), 0);

    const int loopbackPort = freePort();
    EnvEdits loopback = ownRestd();
    loopback.push_back("FCGI_LISTEN=127.0.0.1:" + std::to_string(loopbackPort));
    auto second = startRestd(loopback, scratch() / "peers-loopback.log");
    FcgiResponse local = fcgiGet("127.0.0.1:" + std::to_string(loopbackPort), "/health", 30s);
    BOOST_CHECK_MESSAGE(local.status == 200, "loopback listen: " << local.summary());
    BOOST_CHECK_EQUAL(second->stop(), 0);
}

// DB_PASSWORD_FILE: restd logs in with the file's password (its newline
// dropped); a wrong one in the file makes /ready say the database is away.
BOOST_AUTO_TEST_CASE(restd_serves_with_the_password_from_db_password_file) {
    const fs::path file = scratch() / "restd-db-password";
    std::ofstream(file) << stack().env("DB_PASSWORD") << "\n";
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
    const fs::path socket = socketDir() / "password-file.sock";
    EnvEdits env = ownRestd();
    env.push_back("DB_PASSWORD");
    env.push_back("DB_PASSWORD_FILE=" + file.string());
    env.push_back("FCGI_LISTEN=unix:" + socket.string());
    const fs::path log = scratch() / "password-file.log";
    auto restd = startRestd(env, log);
    FcgiResponse ready = fcgiGet(socket.string(), "/ready", 30s);
    BOOST_CHECK_MESSAGE(ready.status == 200, "GET /ready: " << ready.summary() << "\nlog:\n"
                                                            << readFile(log));
    BOOST_CHECK_EQUAL(restd->stop(), 0);

    std::ofstream(file, std::ios::trunc) << "not-the-password\n";
    auto wrong = startRestd(env, scratch() / "password-file-wrong.log");
    FcgiResponse refused = fcgiGet(socket.string(), "/ready", 30s);
    BOOST_CHECK_MESSAGE(refused.status == 503, "GET /ready: " << refused.summary());
    BOOST_CHECK_EQUAL(wrong->stop(), 0);
    BOOST_CHECK(!contains(readFile(scratch() / "password-file-wrong.log"), "not-the-password"));

    // Both set: restd refuses to start, naming both and neither value.
    env.push_back("DB_PASSWORD=" + stack().env("DB_PASSWORD"));
    CommandResult both = runCommand({stack().restdBin().string()}, env, 15s);
    BOOST_CHECK_EQUAL(both.status, 2);
    BOOST_CHECK_MESSAGE(contains(both.output, "DB_PASSWORD and DB_PASSWORD_FILE are both set") &&
                            !contains(both.output, stack().env("DB_PASSWORD")),
                        both.output);
}

BOOST_AUTO_TEST_CASE(restd_without_app_env_warns_at_start) {
    EnvEdits env = ownRestd("");
    env.push_back("FCGI_LISTEN=unix:" + (socketDir() / "no-app-env.sock").string());
    const fs::path log = scratch() / "no-app-env.log";
    auto restd = startRestd(env, log);
    BOOST_CHECK_EQUAL(restd->stop(), 0);
    std::string text = readFile(log);
    BOOST_CHECK_MESSAGE(contains(text, "APP_ENV is not set") && contains(text, "\"warn\""), text);

    EnvEdits production = ownRestd("production");
    production.push_back("FCGI_LISTEN=unix:" + (socketDir() / "app-env.sock").string());
    const fs::path quiet = scratch() / "app-env.log";
    auto second = startRestd(production, quiet);
    BOOST_CHECK_EQUAL(second->stop(), 0);
    BOOST_CHECK_MESSAGE(!contains(readFile(quiet), "APP_ENV is not set"), readFile(quiet));
}

BOOST_AUTO_TEST_SUITE_END()
