#include "app/idempotency.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>

#include "common/digest.h"
#include "common/hex.h"
#include "common/log.h"

namespace restd::app::idempotency {

using http::ApiError;

namespace {

constexpr std::string_view kInsert =
    "INSERT INTO idempotency_keys (caller, idem_key, fingerprint, expires_at) "
    "VALUES (?, ?, ?, NOW(3) + INTERVAL 1 DAY)";
constexpr std::string_view kFind =
    "SELECT fingerprint, status, location, body, expires_at < NOW(3), "
    "status IS NULL AND created_at < NOW(3) - INTERVAL 60 SECOND, "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') "
    "FROM idempotency_keys WHERE caller = ? AND idem_key = ?";
// Deletes exactly the record that was seen (created_at), not a newer claim.
constexpr std::string_view kTakeOver =
    "DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ? "
    "AND created_at = STR_TO_DATE(?, '%Y-%m-%d %H:%i:%s.%f')";
constexpr std::string_view kStore =
    "UPDATE idempotency_keys SET status = ?, location = ?, body = ? "
    "WHERE caller = ? AND idem_key = ?";
constexpr std::string_view kRelease =
    "DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ? AND status IS NULL";
// Expired records: the caller's own on every claim (cheap: primary-key
// prefix), and everyone's in bounded batches now and then.
constexpr std::string_view kExpireCaller =
    "DELETE FROM idempotency_keys WHERE caller = ? AND expires_at < NOW(3)";
constexpr std::string_view kExpireSome =
    "DELETE FROM idempotency_keys WHERE expires_at < NOW(3) LIMIT 1000";
constexpr auto kSweepEvery = std::chrono::seconds(60);

static_assert(kKeepFor == std::chrono::hours(24), "kInsert says INTERVAL 1 DAY");
static_assert(kAbandonedAfter == std::chrono::seconds(60), "kFind says INTERVAL 60 SECOND");

bool validKey(std::string_view key) {
    if (key.empty() || key.size() > 255) return false;
    for (char c : key) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

void sweepNowAndThen(db::Connection& conn) {
    static std::atomic<int64_t> lastSweep{0};
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count();
    int64_t last = lastSweep.load();
    if (last != 0 && now - last < kSweepEvery.count()) return;
    if (!lastSweep.compare_exchange_strong(last, now)) return;  // another thread sweeps
    conn.prepare(kExpireSome).execute();
}

// An error envelope with its requestId replaced: every error body names the
// request it answers (docs/api.md "The envelope"), a replayed one too.
std::string withRequestId(const std::string& body, std::string_view requestId) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject()) return body;
    rapidjson::Value id(requestId.data(), static_cast<rapidjson::SizeType>(requestId.size()),
                        doc.GetAllocator());
    if (auto member = doc.FindMember("requestId"); member != doc.MemberEnd()) {
        member->value = id;
    } else {
        doc.AddMember("requestId", id, doc.GetAllocator());
    }
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> writer(out);
    doc.Accept(writer);
    return {out.GetString(), out.GetSize()};
}

}  // namespace

Key keyOf(const http::Request& req, int64_t userId) {
    std::string_view header = req.header("idempotency-key").value_or("");
    if (!validKey(header)) {
        throw ApiError::validation(
            {{"Idempotency-Key", "Must be 1-255 printable ASCII characters", "header"}});
    }
    std::string request;
    request.reserve(req.body().size() + 128);
    const std::string_view parts[] = {req.methodText(), req.path(), req.queryString(),
                                      req.header("content-type").value_or("")};
    for (std::string_view part : parts) {
        request += part;
        request += '\0';
    }
    request += req.body();
    return Key{"user:" + std::to_string(userId), std::string(header),
               common::toHex(common::sha256(request))};
}

bool claim(db::Pool& pool, const Key& k, std::string_view requestId, http::Response& res) {
    db::Pool::Lease conn = pool.acquire();
    conn->prepare(kExpireCaller).bind(k.caller).execute();
    sweepNowAndThen(*conn);
    // Two rounds at most: a record that expired or was abandoned is removed
    // and the insert tried once more.
    for (int round = 0; round < 2; ++round) {
        try {
            conn->prepare(kInsert).bind(k.caller).bind(k.key).bind(k.fingerprint).execute();
            return true;
        } catch (const db::Error& e) {
            if (e.kind() != db::ErrorKind::Duplicate) throw;
        }
        db::Rows rows = conn->prepare(kFind).bind(k.caller).bind(k.key).query();
        if (!rows.next()) continue;  // finished and released meanwhile
        bool expired = rows.getBool(5);
        bool abandoned = rows.getBool(6);
        if (expired || abandoned) {
            conn->prepare(kTakeOver).bind(k.caller).bind(k.key).bind(rows.getString(7)).execute();
            continue;
        }
        if (rows.getString(1) != k.fingerprint) {
            throw ApiError(422, "IDEMPOTENCY_KEY_MISMATCH",
                           "This Idempotency-Key was used for a different request");
        }
        if (rows.isNull(2)) {
            throw std::move(ApiError(409, "IDEMPOTENCY_IN_PROGRESS",
                                     "A request with this Idempotency-Key is still running")
                                .withHeader("Retry-After", "1"));
        }
        int status = static_cast<int>(rows.getInt64(2));
        std::string body = rows.getString(4);
        if (status >= 400) body = withRequestId(body, requestId);
        res.setRawBody(status, "application/json; charset=utf-8", body);
        if (!rows.isNull(3)) res.setHeader("Location", rows.getString(3));
        res.setHeader("Idempotent-Replayed", "true");
        return false;
    }
    throw std::move(ApiError(409, "IDEMPOTENCY_IN_PROGRESS",
                             "A request with this Idempotency-Key is still running")
                        .withHeader("Retry-After", "1"));
}

void finish(db::Pool& pool, const Key& k, const http::Response& res) noexcept {
    try {
        db::Pool::Lease conn = pool.acquire();
        if (res.status() >= 500) {
            conn->prepare(kRelease).bind(k.caller).bind(k.key).execute();
            return;
        }
        db::Statement store = conn->prepare(kStore);
        store.bind(static_cast<int64_t>(res.status()));
        if (auto location = res.header("Location"))
            store.bind(*location);
        else
            store.bindNull();
        store.bind(res.body()).bind(k.caller).bind(k.key).execute();
    } catch (const std::exception& e) {
        // The claim stays; a retry gets 409 until kAbandonedAfter, then runs again.
        log::error("idempotency record not stored", {{"error", e.what()}});
    }
}

}  // namespace restd::app::idempotency
