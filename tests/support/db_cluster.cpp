// SPDX-License-Identifier: Apache-2.0
#include "db_cluster.h"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "http_client.h"
#include "process.h"
#include "restd_control.h"
#include "stack.h"

namespace fs = std::filesystem;

namespace restd::test {

namespace {

fs::path clusterDir() {
    if (const char* dir = std::getenv("TEST_CLUSTER_DIR"); dir != nullptr && *dir != '\0')
        return dir;
    return stack().stackDir().parent_path() / "test-cluster";
}

}  // namespace

DbCluster::DbCluster(const std::string& topology, int nodes)
    : dir_(clusterDir()), script_(stack().repoRoot() / "scripts" / "db-cluster") {
    std::vector<std::string> args{"start", topology};
    if (topology == "replicas") args.push_back(std::to_string(nodes - 1));
    run({"stop"});
    const int status = run(args, std::chrono::seconds(300));
    if (status != 0) {
        run({"stop"});
        BOOST_FAIL("scripts/db-cluster start " << topology << " exited with " << status << "; see "
                                               << dir_.string() << ".out");
    }
    readEnv();
}

DbCluster::DbCluster(Running running)
    : dir_(std::move(running.dir)),
      script_(stack().repoRoot() / "scripts" / "db-cluster"),
      owned_(false) {
    readEnv();
}

DbCluster::~DbCluster() {
    if (owned_) run({"stop"});
}

int DbCluster::run(const std::vector<std::string>& args, std::chrono::seconds timeout) {
    std::vector<std::string> argv{script_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult result = runCommand(argv, {"CLUSTER_DIR=" + dir_.string()}, timeout);
    std::ofstream out(dir_.string() + ".out", std::ios::app);
    out << "== scripts/db-cluster";
    for (const std::string& arg : args) out << ' ' << arg;
    out << " (exit " << result.status << ")\n" << result.output;
    return result.timedOut ? -1 : result.status;
}

void DbCluster::readEnv() {
    std::ifstream in(dir_ / "cluster.env");
    std::string line;
    while (std::getline(in, line)) {
        const size_t eq = line.find('=');
        if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
        std::string value = line.substr(eq + 1);
        if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
            value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        env_[line.substr(0, eq)] = value;
    }
    BOOST_REQUIRE_MESSAGE(!env_.empty(), (dir_ / "cluster.env").string() << " is missing or empty");
}

const std::string& DbCluster::env(const std::string& key) const {
    auto it = env_.find(key);
    if (it == env_.end()) throw std::out_of_range("cluster.env has no " + key);
    return it->second;
}

std::optional<std::string> DbCluster::nodeSql(int node, const std::string& statement) const {
    CommandResult result = runCommand(
        {"mariadb", "--no-defaults", "--socket=" + env("NODE_SOCKET_" + std::to_string(node)),
         "--batch", "--skip-column-names", env("DB_NAME"), "-e", statement},
        {}, std::chrono::seconds(60));
    if (!result.ok()) {
        BOOST_TEST_MESSAGE("node " << node << ": " << statement << ": " << result.summary());
        return std::nullopt;
    }
    return result.output;
}

namespace {
DbCluster* gSuiteCluster = nullptr;
}  // namespace

RestdOnCluster::RestdOnCluster(const Spec& spec) {
    cluster_ = std::make_unique<DbCluster>(spec.topology, spec.nodes);
    file_ = std::make_unique<EnvFile>();
    file_->set(spec.settingsOf(*cluster_));
    reloadRestd(false, true);
    gSuiteCluster = cluster_.get();
}

RestdOnCluster::~RestdOnCluster() {
    gSuiteCluster = nullptr;
    file_.reset();  // back to the stack's MariaDB before the cluster goes
    cluster_.reset();
}

DbCluster& RestdOnCluster::cluster() {
    BOOST_REQUIRE_MESSAGE(gSuiteCluster != nullptr, "no RestdOnCluster fixture is active");
    return *gSuiteCluster;
}

int writeThenRead(const api::Account& user, int times) {
    // The newest post of its author: a list, which replicas may serve.
    const std::string newest = "/api/v1/posts?limit=1&authorId=" + std::to_string(user.id);
    int found = 0;
    for (int i = 0; i < times; ++i) {
        const int64_t id = api::createPost(user, api::uniqueName("wtr"));
        HttpResponse read = api::send("GET", newest, user.token);
        if (read.status == 200 && api::idsAt(json(read.body)) == std::vector<int64_t>{id}) {
            ++found;
        } else {
            BOOST_TEST_MESSAGE("list after the write of post " << id << ": " << read.summary());
        }
    }
    return found;
}

std::vector<LoadRequest> postsMix(const api::Account& user) {
    using api::object;
    using api::str;
    return {
        {.method = "POST",
         .path = "/api/v1/posts",
         .headers = {api::bearer(user.token), "Content-Type: application/json"},
         .body = object({{"title", str(std::string(kMarker))}, {"body", str("cluster load")}}),
         .expectStatus = 201},
        {.path = "/api/v1/users/" + std::to_string(user.id), .headers = {api::bearer(user.token)}},
        {.path = "/api/v1/posts?limit=5", .headers = {api::bearer(user.token)}},
    };
}

std::map<std::string, long> rowsOn(const DbCluster& cluster, int node, const std::string& prefix) {
    std::optional<std::string> rows =
        cluster.nodeSql(node, "SELECT title, COUNT(*) FROM posts WHERE title LIKE '" + prefix +
                                  "-%' GROUP BY title");
    BOOST_REQUIRE_MESSAGE(rows, "cannot count the rows of " << prefix << " on node " << node);
    std::map<std::string, long> counts;
    std::istringstream lines(*rows);
    std::string title;
    long count = 0;
    while (lines >> title >> count) counts[title] = count;
    return counts;
}

void checkAcknowledgedRows(const DbCluster& cluster, int node, const LoadResult& result,
                           const std::string& prefix) {
    const std::map<std::string, long> rows = rowsOn(cluster, node, prefix);
    long lost = 0, doubled = 0;
    for (const std::string& marker : result.acknowledged) {
        if (!rows.contains(marker)) ++lost;
    }
    for (const auto& [title, count] : rows) doubled += count > 1 ? 1 : 0;
    BOOST_TEST_MESSAGE("  writes acknowledged " << result.acknowledged.size() << ", attempted "
                                                << result.attempted.size() << ", rows "
                                                << rows.size() << " on node " << node);
    BOOST_CHECK_GT(result.acknowledged.size(), 0u);
    BOOST_CHECK_EQUAL(lost, 0);
    BOOST_CHECK_EQUAL(doubled, 0);
}

}  // namespace restd::test
