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
#include <optional>
#include <string>
#include <vector>

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

}  // namespace restd::test
