// SPDX-License-Identifier: Apache-2.0
// Rider: one row that rides along with a request's statements, read in the
// same round trip as the first statement that can carry it. The caller of an
// authenticated request is one (auth/authenticate.h): every such request must read
// the caller's row, and a request that reads one row of its own (a GET by
// id) then gets both in one round trip instead of two.
//
// While a Rider::Scope is open on a thread, its rider is pending until it
// arrives. A statement the thread runs, on any connection, either carries
// it (a read of at most one row prepared with Connection::prepareRow, or a
// list's page: list_query.h), or brings it alone first (prepare(): every
// other statement, writes included, so nothing is written before the
// rider's row was seen), or, a read prepared with prepareRead, leaves it for
// a later one. arrive() runs once, with the row or without one, and may
// throw: the statement's own rows are then never read.
//
// A carried rider is a join on its table's primary key, which MariaDB reads
// once as a constant while planning: the statement keeps its plan, and its
// cost is a few columns.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace restd::db {

class Connection;
class Rows;

class Rider {
  public:
    // The row of `table` whose primary key column `key` is `value`, its
    // `columns` (plain column names).
    Rider(std::string_view table, std::string_view key, std::span<const std::string_view> columns,
          int64_t value);
    virtual ~Rider() = default;
    Rider(const Rider&) = delete;
    Rider& operator=(const Rider&) = delete;

    int columns() const { return static_cast<int>(columns_.size()); }
    int64_t value() const { return value_; }
    bool arrived() const { return arrived_; }

    // "<alias>.c1, <alias>.c2": its columns in a statement that joins it.
    std::string selectList(std::string_view alias) const;
    // "<table> <alias>" and "<alias>.<key> = ?", one parameter: value().
    std::string tableAs(std::string_view alias) const;
    std::string keyIs(std::string_view alias) const;

    // Reads the row on its own on `conn`, unless it arrived already.
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
    std::string_view table_;
    std::string_view key_;
    std::span<const std::string_view> columns_;
    int64_t value_;
    bool arrived_ = false;
};

// The rider pending on this thread, or nullptr.
Rider* pendingRider();

}  // namespace restd::db
