// SPDX-License-Identifier: Apache-2.0
// What the cluster tests know of the world tests/cluster/run built, from its
// stack.env: the restd hosts (APP_HOSTS, comma-separated, each reachable alone through nginx's
// /hosts/NAME/ paths, each a process group APP_PGID_<name>), and the database
// cluster (CLUSTER_DIR). Helpers shared by the suites; not thread-safe.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "../support/api.h"
#include "../support/db_cluster.h"
#include "../support/load.h"
#include "../support/prometheus_text.h"

namespace restd::test::cluster {

// The restd hosts' names, as nginx's /hosts/NAME/ paths know them.
std::vector<std::string> appHosts();
// SIGKILL to every process of a restd host: its master and workers at once,
// as when the machine dies.
void killAppHost(const std::string& name);

// GET /hosts/NAME/metrics; nullopt unless it answered 200 with valid text.
std::optional<prometheus::Exposition> hostMetrics(const std::string& name);
// The sum of one sample over every host that answers.
double summed(const std::string& metric, const prometheus::Labels& labels);

// The database cluster of this phase (replicas or galera).
DbCluster& databases();

// A load of `threads` clients from nginx's namespace, every write titled
// with a marker of `prefix`.
Load::Options loadOptions(int threads, std::chrono::milliseconds maxDuration,
                          const std::string& prefix);

void report(std::string_view what, const LoadResult& result);

}  // namespace restd::test::cluster
