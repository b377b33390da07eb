// SPDX-License-Identifier: Apache-2.0
// The page query of a validated list, shared by the resources' repositories:
// what the request chose (sort, direction, page or cursor, search) in the
// form db::fetchPage runs, around the SQL a repository gives.
#pragma once

#include <string_view>

#include "db/list_query.h"
#include "validation/validator.h"

namespace restd::support {

// Where a list's rows come from: a repository's SQL (see db::PageQuery).
struct ListSource {
    std::string_view select;    // "SELECT <columns>" (no FROM)
    std::string_view table;     // "posts p"
    std::string_view joins;     // to-one joins, or empty
    std::string_view idColumn;  // "p.id"
};

// The page query of the validated list `q` over `source`: ordered by the
// column of the sort table entry `q` took (no name is looked up again), at
// its page, or after its cursor (400 when the cursor is forged or belongs to
// another sort), and `searched` when it has a search. The repository adds
// its filters and its search condition.
db::PageQuery pageQuery(const validation::ListQuery& q, const ListSource& source,
                        const common::KeySet& cursorKey);

}  // namespace restd::support
