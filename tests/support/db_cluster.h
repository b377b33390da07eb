// SPDX-License-Identifier: Apache-2.0
// A private MariaDB cluster for the integration tests of several database
// servers: `scripts/db-cluster start replicas N | galera` under
// <repo>/var/test-cluster (or $TEST_CLUSTER_DIR), its cluster.env read back,
// and stopped when the object goes away, failed test or not; or one that
// runs already, only read. The output of
// every scripts/db-cluster call is appended to <dir>.out.
// Not thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api.h"
#include "load.h"

namespace restd::test {

class DbCluster {
  public:
    // Starts a new cluster ("replicas" with `nodes - 1` replicas, or
    // "galera"); requires it to come up.
    DbCluster(const std::string& topology, int nodes = 2);
    // The cluster that something else started in `dir` (tests/cluster/run):
    // read, used, never stopped by this object.
    struct Running {
        std::filesystem::path dir;
    };
    explicit DbCluster(Running running);
    ~DbCluster();
    DbCluster(const DbCluster&) = delete;
    DbCluster& operator=(const DbCluster&) = delete;

    // A key of cluster.env (DB_PRIMARY, DB_READ_HOSTS, DB_PASSWORD, NODE_PORT_2, ...).
    const std::string& env(const std::string& key) const;
    // scripts/db-cluster <args...>; returns its exit status.
    int run(const std::vector<std::string>& args,
            std::chrono::seconds timeout = std::chrono::seconds(180));
    // A statement on node n as its administrator (the OS user, over the
    // node's socket); its output, or nullopt when the client failed.
    std::optional<std::string> nodeSql(int node, const std::string& statement) const;

    std::filesystem::path dir() const { return dir_; }

  private:
    void readEnv();

    std::filesystem::path dir_;
    std::filesystem::path script_;
    std::map<std::string, std::string> env_;
    bool owned_ = true;  // started here, so stopped here
};

class EnvFile;

// The stack's restd reloaded onto a new cluster for the length of a suite,
// as its fixture: *boost::unit_test::fixture<RestdOnCluster>(Spec{...}).
// settingsOf(cluster) gives the DB_* lines for restd's env file; at the end restd is back on the
// stack's own MariaDB, then the cluster is stopped.
class RestdOnCluster {
  public:
    using Settings = std::vector<std::pair<std::string, std::string>>;
    struct Spec {
        std::string topology;
        int nodes = 2;
        Settings (*settingsOf)(const DbCluster&) = nullptr;
    };
    explicit RestdOnCluster(const Spec& spec);
    ~RestdOnCluster();
    RestdOnCluster(const RestdOnCluster&) = delete;
    RestdOnCluster& operator=(const RestdOnCluster&) = delete;

    // The cluster of the suite running now.
    static DbCluster& cluster();

  private:
    std::unique_ptr<DbCluster> cluster_;
    std::unique_ptr<EnvFile> file_;
};

// ---- Writes that can be counted, on any topology ---------------------------

// Creates a post and lists its author's newest post at once, `times` times;
// the lists that showed it (each other answer is reported).
int writeThenRead(const api::Account& user, int times);

// A load mix: a post titled with the request's marker, the user by id and a
// page of posts.
std::vector<LoadRequest> postsMix(const api::Account& user);

// The titles of `prefix`'s posts on database node `node`, with their counts.
std::map<std::string, long> rowsOn(const DbCluster& cluster, int node, const std::string& prefix);

// Checks that every write the load acknowledged is a row exactly once on
// `node` (a write answered with an error may be a row: it may have
// committed); reports the counts.
void checkAcknowledgedRows(const DbCluster& cluster, int node, const LoadResult& result,
                           const std::string& prefix);

}  // namespace restd::test
