// SPDX-License-Identifier: Apache-2.0
#include "resources/health/handlers.h"

#include <cmath>

#include "common/time.h"
#include "common/version.h"

namespace restd::health {

namespace {
constexpr const char* kPing = "SELECT 1";
constexpr std::string_view kHealthy[] = {"healthy"};
constexpr std::string_view kReadyValues[] = {"ready"};
const openapi::Schema kHealthStatus{.type = openapi::Type::String, .values = kHealthy};
const openapi::Schema kReadyStatus{.type = openapi::Type::String, .values = kReadyValues};
const openapi::Schema kUptime{.type = openapi::Type::Number, .description = "Seconds since start"};
const openapi::Property kHealthProps[] = {{"status", &kHealthStatus},
                                          {"timestamp", &openapi::kTimestamp},
                                          {"uptime", &kUptime},
                                          {"version", &openapi::kString}};
const openapi::Property kReadyProps[] = {{"status", &kReadyStatus}};
}  // namespace

const openapi::Schema kHealthSchema{.name = "Health", .properties = kHealthProps};
const openapi::Schema kReadySchema{.name = "Ready", .properties = kReadyProps};

void getHealth(router::Context& ctx) {
    using namespace std::chrono;
    double uptime = duration<double>(system_clock::now() - ctx.services.startedAtWall).count();
    ctx.res.sendData(200, [&](http::JsonWriter& w) {
        w.StartObject();
        w.Key("status");
        w.String("healthy");
        w.Key("timestamp");
        http::writeString(w, common::isoNow());
        w.Key("uptime");
        w.Double(std::round(uptime * 1000) / 1000);
        w.Key("version");
        w.String(common::kVersion);
        w.EndObject();
    });
    ctx.res.setHeader("Cache-Control", "no-store");
}

void getReady(router::Context& ctx) {
    try {
        ctx.services.pool.read([](db::Connection& conn) {
            db::Rows rows = conn.prepare(kPing).query();
            rows.next();
        });
    } catch (const db::Error&) {
        throw http::ApiError::unavailable("Database is not reachable");
    }
    ctx.res.sendData(200, [](http::JsonWriter& w) {
        w.StartObject();
        w.Key("status");
        w.String("ready");
        w.EndObject();
    });
    ctx.res.setHeader("Cache-Control", "no-store");
}

}  // namespace restd::health
