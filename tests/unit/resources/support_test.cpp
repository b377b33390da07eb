// SPDX-License-Identifier: Apache-2.0
// The pure parts of the resources' shared steps: the page query a validated
// list becomes, and which unique key a duplicate-key error names.
#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>

#include "db/error.h"
#include "db/list_query.h"
#include "http/api_error.h"
#include "resources/support/page_query.h"
#include "resources/support/unique_keys.h"
#include "validation/validator.h"

using namespace restd;

namespace {

constexpr db::SortColumn kSorts[] = {
    {.field = "createdAt", .column = "t.created_at", .index = "idx_t_created"},
    {.field = "rank", .column = "t.rank", .numeric = true, .index = "idx_t_rank"},
    {.field = "id", .column = "t.id", .numeric = true},
};
const validation::ListRules kList{.sorts = kSorts, .searchDescription = "Name"};
const support::ListSource kSource{.select = "SELECT t.name",
                                  .table = "things t",
                                  .joins = "STRAIGHT_JOIN owners o ON o.id = t.owner_id",
                                  .idColumn = "t.id"};
const restd::common::KeySet kKey{"cursor-key"};

db::PageQuery pageOf(std::string_view query) {
    return support::pageQuery(validation::validateList(query, kList), kSource, kKey);
}

constexpr support::UniqueKey kKeys[] = {
    {.index = "uq_things_name", .field = "name", .message = "Name is already taken"},
    {.index = "uq_things_code", .field = "code", .message = "Code is already taken"},
};

db::Error duplicate(std::string_view message) {
    return db::Error(db::ErrorKind::Duplicate, 1062, std::string(message));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resources_page_query)

BOOST_AUTO_TEST_CASE(the_page_query_is_the_sources_with_the_lists_sort_page_and_search) {
    db::PageQuery pq = pageOf("sort=rank&page=3&limit=10&search=x");
    BOOST_TEST(pq.select == kSource.select);
    BOOST_TEST(pq.table == kSource.table);
    BOOST_TEST(pq.joins == kSource.joins);
    BOOST_TEST(pq.idColumn == kSource.idColumn);
    BOOST_TEST(pq.sort.column == "t.rank");
    BOOST_TEST(pq.sort.numeric);
    BOOST_TEST(!pq.descending);
    BOOST_TEST(pq.limit == 10);
    BOOST_TEST(pq.offset == 20);
    BOOST_TEST(!pq.after);
    BOOST_TEST(pq.searched);
    BOOST_TEST(pq.where.sql.empty());  // the repository adds its own conditions

    db::PageQuery first = pageOf("");
    BOOST_TEST(first.sort.column == "t.created_at");
    BOOST_TEST(first.descending);
    BOOST_TEST(first.offset == 0);
    BOOST_TEST(!first.searched);
}

BOOST_AUTO_TEST_CASE(a_cursor_of_the_same_sort_continues_after_its_row) {
    const std::string cursor = db::encodeCursor({"rank", false, "7", 42}, kKey);
    db::PageQuery pq = pageOf("sort=rank&cursor=" + cursor);
    BOOST_REQUIRE(pq.after);
    BOOST_TEST(pq.after->value == "7");
    BOOST_TEST(pq.after->id == 42);
}

// Refused as db::Error BadCursor, which the dispatcher answers as a 400
// naming `cursor` (tests/unit/app/db_errors_test.cpp).
BOOST_AUTO_TEST_CASE(a_cursor_of_another_sort_or_key_is_refused) {
    for (const std::string& query :
         {"sort=-rank&cursor=" + db::encodeCursor({"rank", false, "7", 42}, kKey),
          "sort=rank&cursor=" +
              db::encodeCursor({"rank", false, "7", 42}, restd::common::KeySet("other-key")),
          std::string("cursor=forged.x")}) {
        try {
            pageOf(query);
            BOOST_FAIL("no error for " << query);
        } catch (const db::Error& e) {
            BOOST_TEST((e.kind() == db::ErrorKind::BadCursor));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(resources_unique_keys)

BOOST_AUTO_TEST_CASE(a_conflict_names_the_keys_field_with_its_message) {
    http::ApiError e = support::conflictOn(kKeys[1]);
    BOOST_TEST(e.status() == 409);
    BOOST_TEST(e.code() == "CONFLICT");
    BOOST_TEST(std::string(e.what()) == "Code is already taken");
    BOOST_REQUIRE(e.details().size() == 1u);
    BOOST_TEST(e.details()[0].field == "code");
    BOOST_TEST(e.details()[0].message == "Code is already taken");
    BOOST_TEST(e.details()[0].location == "body");
}

BOOST_AUTO_TEST_CASE(a_duplicate_is_blamed_on_the_key_it_names) {
    BOOST_TEST(support::brokenKey(kKeys, duplicate("Duplicate entry 'a' for key 'uq_things_name'"))
                   .field == "name");
    BOOST_TEST(support::brokenKey(kKeys, duplicate("Duplicate entry 'B' for key 'uq_things_code'"))
                   .field == "code");
    // One naming no key of the list: the last.
    BOOST_TEST(support::brokenKey(kKeys, duplicate("Duplicate entry")).field == "code");
}

BOOST_AUTO_TEST_CASE(a_field_finds_its_key) {
    BOOST_TEST(support::keyOf(kKeys, "name").index == "uq_things_name");
    BOOST_TEST(support::keyOf(kKeys, "code").index == "uq_things_code");
}

BOOST_AUTO_TEST_CASE(translate_duplicate_turns_only_a_duplicate_into_the_409) {
    auto throwing = [](db::ErrorKind kind, std::string message) {
        return [=]() -> int { throw db::Error(kind, 0, message); };
    };
    BOOST_TEST(support::translateDuplicate(kKeys, [] { return 7; }) == 7);
    try {
        support::translateDuplicate(
            kKeys, throwing(db::ErrorKind::Duplicate, "Duplicate entry for key 'uq_things_name'"));
        BOOST_FAIL("no error");
    } catch (const http::ApiError& e) {
        BOOST_TEST(e.status() == 409);
        BOOST_TEST(e.details().at(0).field == "name");
    }
    // Other errors pass unchanged, and without keys a duplicate does too.
    BOOST_CHECK_THROW(support::translateDuplicate(kKeys, throwing(db::ErrorKind::Deadlock, "dl")),
                      db::Error);
    BOOST_CHECK_THROW(
        support::translateDuplicate({}, throwing(db::ErrorKind::Duplicate, "uq_things_name")),
        db::Error);
}

BOOST_AUTO_TEST_SUITE_END()
