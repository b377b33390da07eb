// SPDX-License-Identifier: Apache-2.0
#include "db/pool.h"

#include "common/log.h"

namespace restd::db {

namespace {
// A connection idle longer than this is pinged before it is handed out.
constexpr auto kValidateAfter = std::chrono::seconds(5);
}  // namespace

Pool::Pool(const Settings& config) : Pool(config, config.writeHosts(), PoolRole::Primary) {}

Pool::Pool(Settings config, std::vector<Endpoint> servers, PoolRole role)
    : config_(std::move(config)), servers_(std::move(servers)), role_(role) {}

Pool::~Pool() = default;

namespace {
thread_local Connection* tLeased = nullptr;
}  // namespace

Connection* leasedConnection() { return tLeased; }

Pool::Lease::Lease(Pool* pool, std::unique_ptr<Connection> conn)
    : pool_(pool), conn_(std::move(conn)) {
    if (!tLeased) tLeased = conn_.get();
}

Pool::Lease::~Lease() {
    if (!conn_) return;  // moved from
    if (tLeased == conn_.get()) tLeased = nullptr;
    pool_->release(std::move(conn_));
}

namespace {

PoolObserver gObserver;

// Scope of one acquire(): reports its wait on exit, after the lock is released.
class Checkout {
  public:
    explicit Checkout(const Pool& pool) : pool_(pool), started_(std::chrono::steady_clock::now()) {}
    ~Checkout() {
        if (gObserver.checkedOut)
            gObserver.checkedOut(pool_, std::chrono::steady_clock::now() - started_);
    }
    Checkout(const Checkout&) = delete;
    Checkout& operator=(const Checkout&) = delete;

  private:
    const Pool& pool_;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace

void observePools(PoolObserver observer) { gObserver = observer; }

void notePassedOver(bool lagging) {
    if (gObserver.replicaPassedOver) gObserver.replicaPassedOver(lagging);
}

Pool::Lease Pool::acquire() {
    using Clock = std::chrono::steady_clock;
    Checkout checkout(*this);  // declared before the lock: reports after it is released
    const auto deadline = Clock::now() + std::chrono::milliseconds(config_.poolWaitMs);
    std::unique_lock lock(mutex_);
    while (true) {
        // Reuse the most recently used idle connection; drop expired ones.
        while (!idle_.empty()) {
            std::unique_ptr<Connection> conn = std::move(idle_.back());
            idle_.pop_back();
            auto now = Clock::now();
            bool expired =
                now - conn->lastUsed() > std::chrono::milliseconds(config_.poolIdleTimeoutMs) ||
                now - conn->openedAt() > std::chrono::milliseconds(config_.maxLifetimeMs);
            bool stale = now - conn->lastUsed() > kValidateAfter;
            if (!expired && stale) {
                lock.unlock();
                bool alive = conn->isAlive();
                if (!alive) log::warn("db connection lost while idle; it will be replaced");
                lock.lock();
                expired = !alive;
                if (!alive) noteTrouble(true);
            }
            if (expired) {
                --open_;
                lock.unlock();
                conn.reset();  // closing may block briefly: outside the lock
                lock.lock();
                continue;
            }
            return Lease(this, std::move(conn));
        }
        if (open_ < config_.poolMax) {
            ++open_;
            lock.unlock();
            try {
                auto conn = connect();
                lock.lock();
                if (lost_ > 0 || failedConnects_ > 0) {
                    const long lost = lost_, failed = failedConnects_;
                    const auto since = troubleSince_;
                    lost_ = failedConnects_ = 0;
                    lock.unlock();
                    log::info(
                        "db reconnected",
                        {{"lostConnections", lost},
                         {"failedConnects", failed},
                         {"afterMs",
                          static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                Clock::now() - since)
                                                .count())}});
                }
                return Lease(this, std::move(conn));
            } catch (...) {
                if (!lock.owns_lock()) lock.lock();
                --open_;
                noteTrouble(false);
                available_.notify_one();
                throw;
            }
        }
        ++waiting_;
        bool woke = available_.wait_until(lock, deadline) == std::cv_status::no_timeout;
        --waiting_;
        if (!woke && Clock::now() >= deadline) {
            if (gObserver.timedOut) gObserver.timedOut();
            throw Error(ErrorKind::Unavailable, 0, "database pool exhausted");
        }
    }
}

std::unique_ptr<Connection> Pool::connect() {
    size_t start = 0;
    {
        std::lock_guard lock(mutex_);
        start = current_;
    }
    for (size_t i = 0;; ++i) {
        const size_t at = (start + i) % servers_.size();
        try {
            auto conn = std::make_unique<Connection>(config_, servers_[at]);
            if (at != start) {
                {
                    std::lock_guard lock(mutex_);
                    current_ = at;
                }
                log::warn("db server switched",
                          {{"from", servers_[start].text()}, {"to", servers_[at].text()}});
            }
            return conn;
        } catch (const Error& e) {
            // The last server's failure is the one the caller sees.
            if (i + 1 >= servers_.size()) throw;
            log::warn("db server unreachable; trying the next",
                      {{"server", servers_[at].text()}, {"error", e.what()}});
        }
    }
}

std::string Pool::leaveServer(const Connection& broken,
                              std::vector<std::unique_ptr<Connection>>& discard) {
    for (auto it = idle_.begin(); it != idle_.end();) {
        if ((*it)->server() == broken.server()) {
            discard.push_back(std::move(*it));
            it = idle_.erase(it);
            --open_;
        } else {
            ++it;
        }
    }
    if (servers_.size() < 2 || servers_[current_].text() != broken.server()) return {};
    current_ = (current_ + 1) % servers_.size();
    return servers_[current_].text();
}

Endpoint Pool::server() const {
    std::lock_guard lock(mutex_);
    return servers_[current_];
}

void Pool::release(std::unique_ptr<Connection> conn) {
    if (conn->inTransaction()) {
        // A lease dropped mid-transaction (exception path): roll back before reuse.
        try {
            conn->run("ROLLBACK");
            conn->setInTransaction(false);
        } catch (const Error&) {
            conn->markBroken();
        }
    }
    std::vector<std::unique_ptr<Connection>> discard;
    std::string switchedTo;
    {
        std::lock_guard lock(mutex_);
        if (conn->broken()) {
            --open_;
            noteTrouble(true);
            switchedTo = leaveServer(*conn, discard);
            discard.push_back(std::move(conn));
        } else {
            idle_.push_back(std::move(conn));
        }
    }
    if (!discard.empty()) {
        log::warn("db connection lost; it will be replaced",
                  {{"server", discard.back()->server()},
                   {"idleClosed", static_cast<long>(discard.size() - 1)}});
    }
    if (!switchedTo.empty()) {
        log::warn("db server switched", {{"from", discard.back()->server()}, {"to", switchedTo}});
    }
    discard.clear();  // closing may block briefly: outside the lock
    available_.notify_one();
    if (gObserver.released) gObserver.released(*this);
}

void Pool::noteTrouble(bool connectionLost) {
    if (lost_ == 0 && failedConnects_ == 0) troubleSince_ = std::chrono::steady_clock::now();
    if (connectionLost) {
        ++lost_;
    } else {
        ++failedConnects_;
    }
}

PoolStats Pool::stats() const {
    std::lock_guard lock(mutex_);
    PoolStats s;
    s.idle = static_cast<int>(idle_.size());
    s.inUse = open_ - s.idle;
    s.waiting = waiting_;
    return s;
}

}  // namespace restd::db
