// SPDX-License-Identifier: Apache-2.0
#include "resources/support/page_query.h"

namespace restd::support {

db::PageQuery pageQuery(const validation::ListQuery& q, const ListSource& source,
                        const common::KeySet& cursorKey) {
    db::PageQuery pq{.select = source.select,
                     .table = source.table,
                     .joins = source.joins,
                     .idColumn = source.idColumn,
                     .where = {},
                     .sort = q.sort.column,
                     .descending = q.sort.descending,
                     .after = std::nullopt,
                     .limit = q.limit,
                     .offset = (q.page - 1) * q.limit,
                     .searched = q.search.has_value()};
    if (q.cursor) db::applyCursor(pq, *q.cursor, cursorKey);
    return pq;
}

}  // namespace restd::support
