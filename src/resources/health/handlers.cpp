#include "resources/health/handlers.h"

#include <cmath>

#include "app/version.h"
#include "common/time.h"

namespace restd::health {

namespace {
constexpr const char* kPing = "SELECT 1";
}  // namespace

void getHealth(app::Context& ctx) {
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
        w.String(app::kVersion);
        w.EndObject();
    });
    ctx.res.setHeader("Cache-Control", "no-store");
}

void getReady(app::Context& ctx) {
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
