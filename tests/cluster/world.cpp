// SPDX-License-Identifier: Apache-2.0
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

Load::Options loadOptions(int threads, std::chrono::milliseconds maxDuration,
                          const std::string& prefix) {
    return {.threads = threads,
            .maxDuration = maxDuration,
            .pause = std::chrono::milliseconds(5),
            .requestTimeoutSeconds = 35,
            .markerPrefix = prefix};
}

void report(std::string_view what, const LoadResult& result) {
    BOOST_TEST_MESSAGE(what << ": " << result.summary());
    BOOST_TEST_MESSAGE("  " << result.figures());
    for (const std::string& example : result.examples) BOOST_TEST_MESSAGE("  failed: " << example);
}

}  // namespace restd::test::cluster
