// SPDX-License-Identifier: Apache-2.0
// PartialUpdate: the UPDATE of PUT and PATCH. Sets only the columns whose
// value is present, always bumps `version` and `updated_at` (so ETags and
// If-Match see every write), and binds every value. Column names come from
// the repository's code, never from the request.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.h"
#include "db/list_query.h"

namespace restd::db {

class PartialUpdate {
  public:
    explicit PartialUpdate(std::string_view table)
        : sql_("UPDATE " + std::string(table) + " SET ") {}

    // `column = ?` with the value, when there is one.
    template <class T>
    PartialUpdate& set(std::string_view column, const std::optional<T>& value) {
        if (!value) return *this;
        sql_ += column;
        sql_ += " = ?, ";
        params_.emplace_back(*value);
        return *this;
    }
    // An assignment without a value ("token_version = token_version + 1").
    PartialUpdate& also(std::string_view assignment) {
        sql_ += assignment;
        sql_ += ", ";
        return *this;
    }

    // Runs it on row `id`; false when no such row. (Affected rows count only
    // changed rows, and `version` always changes.)
    bool run(Connection& conn, int64_t id) {
        std::string sql = sql_ + "version = version + 1, updated_at = NOW(3) WHERE id = ?";
        params_.emplace_back(id);
        Statement st = conn.prepare(sql);
        bindAll(st, params_);
        return st.execute() > 0;
    }

  private:
    std::string sql_;
    std::vector<Param> params_;
};

}  // namespace restd::db
