// SPDX-License-Identifier: Apache-2.0
// SortColumn: one entry of a list's sort table, the one place a sort field is
// declared. The validator allows its name in `sort`, the OpenAPI document
// lists it, and the page SQL orders by its column, so that a name can never
// sort by another column than the one declared with it. Constant data.
#pragma once

#include <string_view>

namespace restd::db {

struct SortColumn {
    std::string_view field;   // API name, "createdAt"
    std::string_view column;  // SQL expression, "u.created_at"
    bool numeric = false;     // the cursor value binds as an integer
    bool unique = false;      // no two rows share a value: the id breaks no ties
    // The index ordered by (column, id): a searched list's window walks it by
    // name, since MariaDB 10.11 re-plans a prepared statement's executions
    // and, after a page of full rows, sometimes switches that walk to a
    // scan and sort of the whole table.
    std::string_view index = "PRIMARY";
};

}  // namespace restd::db
