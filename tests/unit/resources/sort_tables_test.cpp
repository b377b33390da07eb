// SPDX-License-Identifier: Apache-2.0
// The sort tables of the real lists: a name `sort` takes and the column the
// page SQL orders by are one declaration, so that no name can sort by
// another column (or silently by the default one).
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <string_view>

#include "app/route_table.h"
#include "db/list_query.h"
#include "resources/support/page_query.h"
#include "router/route.h"
#include "validation/validator.h"

using namespace restd;
using db::SortColumn;

namespace {

// Any table: the ORDER BY is the sort's.
const support::ListSource kSource{
    .select = "SELECT t.x", .table = "things t", .joins = {}, .idColumn = "t.id"};

// The same entry of the same table: its strings are the table's own.
bool sameEntry(const SortColumn& a, const SortColumn& b) {
    return a.field.data() == b.field.data() && a.column.data() == b.column.data() &&
           a.index.data() == b.index.data() && a.numeric == b.numeric && a.unique == b.unique;
}

std::string orderBy(const validation::ListQuery& q) {
    std::string sql = db::pageSql(support::pageQuery(q, kSource, restd::common::KeySet("key")));
    return sql.substr(sql.find(" ORDER BY "));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resources_sort_tables)

BOOST_AUTO_TEST_CASE(every_sort_a_list_takes_orders_by_the_column_declared_with_its_name) {
    int lists = 0;
    for (const router::Route& route : app::routeTable()) {
        if (!route.list) continue;
        ++lists;
        const auto& sorts = route.list->sorts;
        BOOST_TEST_CONTEXT(route.path) {
            BOOST_REQUIRE(!sorts.empty());
            for (const SortColumn& s : sorts) {
                for (std::string_view prefix : {"", "-"}) {
                    auto q = validation::validateList(
                        "sort=" + std::string(prefix) + std::string(s.field), *route.list);
                    BOOST_TEST(sameEntry(q.sort.column, s), prefix << s.field);
                    BOOST_TEST(q.sort.descending == !prefix.empty());
                    const std::string dir = prefix.empty() ? " ASC" : " DESC";
                    BOOST_TEST(orderBy(q).starts_with(" ORDER BY " + std::string(s.column) + dir),
                               prefix << s.field);
                }
            }
        }
    }
    BOOST_TEST(lists == 4);  // posts, a user's posts, products, users
}

BOOST_AUTO_TEST_CASE(a_list_without_sort_takes_its_first_entry_newest_first) {
    for (const router::Route& route : app::routeTable()) {
        if (!route.list) continue;
        BOOST_TEST_CONTEXT(route.path) {
            auto q = validation::validateList("", *route.list);
            BOOST_TEST(sameEntry(q.sort.column, route.list->sorts.front()));
            BOOST_TEST(q.sort.descending);
            // The default the OpenAPI document states for every list.
            BOOST_TEST(route.list->sorts.front().field == "createdAt");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_sort_table_names_each_field_once_and_walks_an_index_of_its_column) {
    for (const router::Route& route : app::routeTable()) {
        if (!route.list) continue;
        BOOST_TEST_CONTEXT(route.path) {
            std::set<std::string_view> names;
            const std::string_view alias = route.list->sorts.front().column.substr(
                0, route.list->sorts.front().column.find('.') + 1);
            for (const SortColumn& s : route.list->sorts) {
                BOOST_TEST(names.insert(s.field).second, s.field);
                // One table: every column of the list's own alias.
                BOOST_TEST(s.column.starts_with(alias), s.column);
                // The search window's probe forces the index: the primary key
                // orders the id only.
                const bool id = s.column.substr(alias.size()) == "id";
                BOOST_TEST((s.index == "PRIMARY") == id, s.field);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
