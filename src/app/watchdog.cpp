// SPDX-License-Identifier: Apache-2.0
// The request watchdog's check, run by the worker's main thread (see watchdog.h).
#include "app/watchdog.h"

#include "common/log.h"

namespace restd::app {

RequestAges checkTimeouts(std::span<InFlight> slots, std::chrono::seconds limit) {
    const int64_t now = Clock::now().time_since_epoch().count();
    const int64_t limitTicks = std::chrono::duration_cast<Clock::duration>(limit).count();
    RequestAges ages;
    for (InFlight& slot : slots) {
        int64_t started = slot.startedNs.load(std::memory_order_acquire);
        if (started == 0) continue;
        ++ages.busy;
        if (now - started <= limitTicks) continue;
        ++ages.stuck;
        if (slot.reportedNs == started) continue;
        slot.reportedNs = started;
        long elapsedMs = static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::duration(now - started))
                .count());
        std::lock_guard lock(slot.mutex);
        log::error("request timeout", {{"requestId", slot.requestId},
                                       {"method", slot.method},
                                       {"path", slot.path},
                                       {"elapsedMs", elapsedMs},
                                       {"limitSeconds", static_cast<long>(limit.count())}});
    }
    return ages;
}

}  // namespace restd::app
