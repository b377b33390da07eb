// SPDX-License-Identifier: Apache-2.0
#include "app/idempotency.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>

#include "app/idempotency_repository.h"
#include "common/digest.h"
#include "common/hex.h"
#include "common/log.h"

namespace restd::app::idempotency {

using http::ApiError;

namespace {

constexpr auto kSweepEvery = std::chrono::seconds(60);

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
    repository::expireSome(conn);
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
    repository::expireCaller(*conn, k.caller);
    sweepNowAndThen(*conn);
    // Two rounds at most: a record that expired or was abandoned is removed
    // and the insert tried once more.
    for (int round = 0; round < 2; ++round) {
        if (repository::insert(*conn, k.caller, k.key, k.fingerprint)) return true;
        auto record = repository::find(*conn, k.caller, k.key);
        if (!record) continue;  // finished and released meanwhile
        if (record->expired || record->abandoned) {
            repository::takeOver(*conn, k.caller, k.key, record->createdAt);
            continue;
        }
        if (record->fingerprint != k.fingerprint) {
            throw ApiError(http::ErrorCode::IdempotencyKeyMismatch,
                           "This Idempotency-Key was used for a different request");
        }
        if (!record->status) {
            throw std::move(ApiError(http::ErrorCode::IdempotencyInProgress,
                                     "A request with this Idempotency-Key is still running")
                                .withHeader("Retry-After", "1"));
        }
        std::string body = std::move(record->body);
        if (*record->status >= 400) body = withRequestId(body, requestId);
        res.setRawBody(*record->status, "application/json; charset=utf-8", body);
        if (record->location) res.setHeader("Location", *record->location);
        res.setHeader("Idempotent-Replayed", "true");
        return false;
    }
    throw std::move(ApiError(http::ErrorCode::IdempotencyInProgress,
                             "A request with this Idempotency-Key is still running")
                        .withHeader("Retry-After", "1"));
}

void finish(db::Pool& pool, const Key& k, const http::Response& res) noexcept {
    try {
        db::Pool::Lease conn = pool.acquire();
        if (res.status() >= 500) {
            repository::release(*conn, k.caller, k.key);
            return;
        }
        repository::store(*conn, k.caller, k.key, res.status(), res.header("Location"), res.body());
    } catch (const std::exception& e) {
        // The claim stays; a retry gets 409 until kAbandonedAfter, then runs again.
        log::error("idempotency record not stored", {{"error", e.what()}});
    }
}

}  // namespace restd::app::idempotency
