#include "world.h"

#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <sstream>

#include "../support/http_client.h"
#include "../support/stack.h"

namespace restd::test::cluster {

using namespace api;
namespace prom = prometheus;

std::vector<std::string> appHosts() {
    std::vector<std::string> names;
    std::istringstream words(stack().env("APP_HOSTS"));
    for (std::string name; std::getline(words, name, ',');) names.push_back(name);
    return names;
}

void killAppHost(const std::string& name) {
    const pid_t group = static_cast<pid_t>(std::stol(stack().env("APP_PGID_" + name)));
    BOOST_REQUIRE_GT(group, 1);
    BOOST_REQUIRE_EQUAL(kill(-group, SIGKILL), 0);
}

std::optional<prom::Exposition> hostMetrics(const std::string& name) {
    HttpResponse response = get(stack().url("/hosts/" + name + "/metrics"));
    if (response.status != 200) return std::nullopt;
    prom::Exposition e = prom::parse(response.body);
    if (!e.errors.empty()) return std::nullopt;
    return e;
}

double summed(const std::string& metric, const prom::Labels& labels) {
    double sum = 0;
    for (const std::string& host : appHosts()) {
        if (auto e = hostMetrics(host)) sum += e->valueOr0(metric, labels);
    }
    return sum;
}

DbCluster& databases() {
    static std::unique_ptr<DbCluster> cluster =
        std::make_unique<DbCluster>(DbCluster::Running{stack().env("CLUSTER_DIR")});
    return *cluster;
}

int writeThenRead(const Account& user, int times) {
    int found = 0;
    for (int i = 0; i < times; ++i) {
        const int64_t id = createPost(user, uniqueName("cl-post"));
        HttpResponse read = send("GET", "/api/v1/posts/" + std::to_string(id), user.token);
        if (read.status == 200) {
            ++found;
        } else {
            BOOST_TEST_MESSAGE("read of post " << id << " after its write: " << read.summary());
        }
    }
    return found;
}

Load::Options loadOptions(int threads, std::chrono::milliseconds maxDuration,
                          const std::string& prefix) {
    return {.threads = threads,
            .maxDuration = maxDuration,
            .pause = std::chrono::milliseconds(5),
            .requestTimeoutSeconds = 35,
            .markerPrefix = prefix};
}

std::vector<LoadRequest> mixedLoad(const Account& user) {
    return {
        {.method = "POST",
         .path = "/api/v1/posts",
         .headers = {bearer(user.token), "Content-Type: application/json"},
         .body = object({{"title", str(std::string(kMarker))}, {"body", str("cluster load")}}),
         .expectStatus = 201},
        {.path = "/api/v1/users/" + std::to_string(user.id), .headers = {bearer(user.token)}},
        {.path = "/api/v1/posts?limit=5", .headers = {bearer(user.token)}},
    };
}

std::map<std::string, long> rowsOn(int node, const std::string& prefix) {
    std::optional<std::string> rows =
        databases().nodeSql(node, "SELECT title, COUNT(*) FROM posts WHERE title LIKE '" + prefix +
                                      "-%' GROUP BY title");
    BOOST_REQUIRE_MESSAGE(rows, "cannot count the rows of " << prefix << " on node " << node);
    std::map<std::string, long> counts;
    std::istringstream lines(*rows);
    std::string title;
    long count = 0;
    while (lines >> title >> count) counts[title] = count;
    return counts;
}

std::pair<long, long> lostAndDoubled(const LoadResult& result, int node,
                                     const std::string& prefix) {
    const std::map<std::string, long> rows = rowsOn(node, prefix);
    long lost = 0, doubled = 0;
    for (const std::string& marker : result.acknowledged) {
        if (!rows.contains(marker)) ++lost;
    }
    for (const auto& [title, count] : rows) doubled += count > 1 ? 1 : 0;
    BOOST_TEST_MESSAGE("  writes acknowledged " << result.acknowledged.size() << ", attempted "
                                                << result.attempted.size() << ", rows "
                                                << rows.size() << " on node " << node);
    return {lost, doubled};
}

void report(std::string_view what, const LoadResult& result) {
    BOOST_TEST_MESSAGE(what << ": " << result.summary());
    BOOST_TEST_MESSAGE("  " << result.figures());
    for (const std::string& example : result.examples) BOOST_TEST_MESSAGE("  failed: " << example);
}

}  // namespace restd::test::cluster
