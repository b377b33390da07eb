// Rider: one row that rides along with a request's statements, read in the
// same round trip as the first statement that can carry it. The caller of an
// authenticated request is one (auth/authenticate.h): every such request must read
// the caller's row, and a request that reads one row of its own (a GET by
// id) then gets both in one round trip instead of two.
//
// While a Rider::Scope is open on a thread, its rider is pending until it
// arrives. The next statement the thread runs, on any connection, either
// carries it (a read of at most one row prepared with
// Connection::prepareRow, or a list's page: list_query.h) or brings it alone
// first (every other statement, writes included, so nothing is written
// before the rider's row was seen). arrive() runs once, with the row or
// without one, and may throw: the statement's own rows are then never read.
#pragma once

#include <cstdint>
#include <string_view>

namespace restd::db {

class Connection;
class Rows;

class Rider {
  public:
    // `select` reads at most one row by one integer parameter, `key`, in
    // `columns` columns: "SELECT id, role, token_version FROM users WHERE id = ?".
    Rider(std::string_view select, int columns, int64_t key)
        : select_(select), columns_(columns), key_(key) {}
    virtual ~Rider() = default;
    Rider(const Rider&) = delete;
    Rider& operator=(const Rider&) = delete;

    std::string_view select() const { return select_; }
    int columns() const { return columns_; }
    int64_t key() const { return key_; }
    bool arrived() const { return arrived_; }

    // Runs `select` on its own on `conn`, unless the row arrived already.
    void bringAlone(Connection& conn);
    // Hands over the row: columns first .. first + columns() - 1 of `rows`'
    // current row, or none (nullptr). Once; for statements that carry the
    // rider in SQL of their own (list_query.cpp).
    void deliver(const Rows* rows, int first);

    // The thread's pending rider for the scope's lifetime. Not nested.
    class Scope {
      public:
        explicit Scope(Rider& rider);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
    };

  protected:
    virtual void arrive(const Rows* rows, int first) = 0;

  private:
    std::string_view select_;
    int columns_;
    int64_t key_;
    bool arrived_ = false;
};

// The rider pending on this thread, or nullptr.
Rider* pendingRider();

}  // namespace restd::db
