// SPDX-License-Identifier: Apache-2.0
// The pure half of list queries: the cursor codec, the LIKE pattern, and the
// statements a PageQuery becomes (no database: pageSql, pageParams, countSql).
#include "db/list_query.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "db/error.h"

using namespace restd::db;

namespace {

const restd::common::KeySet kKey{"cursor-key-of-the-test"};

// base64url without padding, written here rather than borrowed, so that the
// forged cursors below depend on the format only.
std::string base64Url(std::string_view bytes) {
    static constexpr char kDigits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kDigits[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out += kDigits[(acc << (6 - bits)) & 63];
    return out;
}

// A cursor text with a valid tag around any payload: what only a holder of
// the key could make. Without a kid, as cursors were made before they named
// their key; with `kid`, its text comes first and is tagged too.
std::string signedCursor(std::string_view json, std::string_view key = "cursor-key-of-the-test",
                         std::string_view kid = {}) {
    std::string signedPart =
        kid.empty() ? base64Url(json) : std::string(kid) + "." + base64Url(json);
    return signedPart + "." + base64Url(restd::common::hmacSha256(key, signedPart).substr(0, 16));
}

bool sameCursor(const Cursor& a, const Cursor& b) {
    return a.field == b.field && a.descending == b.descending && a.value == b.value && a.id == b.id;
}

// The sort columns of posts, users and products (their repositories' tables).
constexpr SortColumn kCreatedAt{"createdAt", "p.created_at", false, false, "idx_posts_created"};
constexpr SortColumn kId{"id", "p.id", true};
constexpr SortColumn kPrice{"priceCents", "p.price_cents", true, false, "idx_products_price"};
constexpr SortColumn kUsername{"username", "p.username", false, true, "uq_users_username"};

// A posts page of one author, 20 rows, newest first.
PageQuery postsPage() {
    PageQuery q;
    q.select = "SELECT p.title";
    q.table = "posts p";
    q.joins = "STRAIGHT_JOIN users u ON u.id = p.author_id";
    q.idColumn = "p.id";
    q.sort = kCreatedAt;
    q.where.add("p.author_id = ?", int64_t{7});
    q.limit = 20;
    return q;
}

// A rider as an authenticated request's caller is one (its row is not read here).
constexpr std::string_view kCallerColumns[] = {"id", "role"};
struct CallerRider : restd::db::Rider {
    CallerRider() : Rider("users", "id", kCallerColumns, 5) {}
    void arrive(const restd::db::Rows*, int) override {}
};
const CallerRider kCaller;

std::string render(const Param& p) {
    if (const auto* i = std::get_if<int64_t>(&p)) return std::to_string(*i);
    if (const auto* b = std::get_if<bool>(&p)) return *b ? "TRUE" : "FALSE";
    return "'" + std::get<std::string>(p) + "'";
}

// The statement with each `?` replaced by its parameter, in order: what the
// database runs. Requires one parameter per placeholder.
std::string bound(const std::string& sql, const std::vector<Param>& params) {
    BOOST_REQUIRE_EQUAL(static_cast<size_t>(std::count(sql.begin(), sql.end(), '?')),
                        params.size());
    std::string out;
    size_t next = 0;
    for (char c : sql) out += c == '?' ? render(params[next++]) : std::string(1, c);
    return out;
}

std::string boundPage(const PageQuery& q, const restd::db::Rider* rider = nullptr) {
    return bound(pageSql(q, rider), pageParams(q, rider));
}

// Whether applyCursor refuses `text` (with the error the dispatcher answers
// 400 for the `cursor` query parameter: app/db_errors.cpp).
bool cursorRefused(PageQuery& q, const std::string& text, const restd::common::KeySet& key = kKey) {
    try {
        applyCursor(q, text, key);
    } catch (const restd::db::Error& e) {
        BOOST_TEST((e.kind() == restd::db::ErrorKind::BadCursor));
        return true;
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(db_cursor)

BOOST_AUTO_TEST_CASE(a_cursor_decodes_to_what_was_encoded) {
    for (const Cursor& c : {
             Cursor{"createdAt", true, "2024-05-01 10:00:00.123", 99},
             Cursor{"title", false, "Quotes \" and \\ and \u00E9\U0001F600 and \x01", 1},
             Cursor{"title", true, std::string("a\0b", 3), 2},
             Cursor{"name", false, "", INT64_MAX},
             Cursor{"priceCents", true, "-5", -1},
         }) {
        std::string text = encodeCursor(c, kKey);
        auto back = decodeCursor(text, kKey);
        BOOST_REQUIRE(back.has_value());
        BOOST_TEST(sameCursor(*back, c), text);
    }
}

BOOST_AUTO_TEST_CASE(a_cursor_text_is_url_safe) {
    std::string text = encodeCursor({"title", true, "a b/c?d=e&f+g%\u00E9", 3}, kKey);
    BOOST_TEST(std::count(text.begin(), text.end(), '.') == 2);
    BOOST_TEST(std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    }));
    // Its tag is 16 bytes: 22 characters after the last dot.
    BOOST_TEST(text.size() - text.rfind('.') - 1 == 22u);
}

BOOST_AUTO_TEST_CASE(a_cursor_of_another_key_is_refused) {
    Cursor c{"createdAt", true, "2024-05-01 10:00:00", 99};
    std::string text = encodeCursor(c, kKey);
    BOOST_TEST(!decodeCursor(text, restd::common::KeySet("another-key")));
    BOOST_TEST(!decodeCursor(text, restd::common::KeySet("")));
    BOOST_TEST(encodeCursor(c, restd::common::KeySet("another-key")) != text);
    BOOST_TEST(decodeCursor(encodeCursor(c, restd::common::KeySet("another-key")),
                            restd::common::KeySet("another-key"))
                   .has_value());
}

BOOST_AUTO_TEST_CASE(any_changed_character_is_refused) {
    const std::string text = encodeCursor({"createdAt", true, "2024-05-01 10:00:00", 99}, kKey);
    for (size_t i = 0; i < text.size(); ++i) {
        std::string changed = text;
        changed[i] = changed[i] == 'A' ? 'B' : 'A';
        BOOST_TEST(!decodeCursor(changed, kKey), changed);
    }
}

BOOST_AUTO_TEST_CASE(a_truncated_or_extended_cursor_is_refused) {
    const std::string text = encodeCursor({"createdAt", true, "2024-05-01 10:00:00", 99}, kKey);
    for (size_t n = 0; n < text.size(); ++n) {
        BOOST_TEST(!decodeCursor(text.substr(0, n), kKey), n);
        BOOST_TEST(!decodeCursor(text.substr(n + 1), kKey), n);
    }
    for (std::string_view more : {"A", "=", ".", "=="}) {
        BOOST_TEST(!decodeCursor(text + std::string(more), kKey), more);
    }
    BOOST_TEST(!decodeCursor(".", kKey));
    BOOST_TEST(!decodeCursor("", kKey));
}

BOOST_AUTO_TEST_CASE(a_well_tagged_payload_of_another_shape_is_refused) {
    // The forging helper makes cursors the codec takes...
    auto ok = decodeCursor(signedCursor(R"(["createdAt",true,"x",1])"), kKey);
    BOOST_REQUIRE(ok.has_value());
    BOOST_TEST(sameCursor(*ok, Cursor{"createdAt", true, "x", 1}));
    // ...so these fail for their shape alone.
    for (std::string_view json :
         {R"(["createdAt",true,"x"])", R"(["createdAt",true,"x",1,2])",
          R"(["createdAt","true","x",1])", R"(["createdAt",1,"x",1])", R"([5,true,"x",1])",
          R"(["createdAt",true,5,1])", R"(["createdAt",true,"x","1"])",
          R"(["createdAt",true,"x",1.5])", R"(["createdAt",true,"x",18446744073709551615])",
          R"({"field":"createdAt"})", R"("createdAt")", "[]", "not json", ""}) {
        BOOST_TEST(!decodeCursor(signedCursor(json), kKey), json);
    }
    // A payload that is no base64url, even well tagged.
    std::string payload = "!!!!";
    BOOST_TEST(!decodeCursor(
        payload + "." +
            base64Url(restd::common::hmacSha256(kKey.current().secret, payload).substr(0, 16)),
        kKey));
}

BOOST_AUTO_TEST_CASE(apply_cursor_takes_a_cursor_of_the_same_sort) {
    PageQuery q = postsPage();
    Cursor c{"createdAt", true, "2024-05-01 10:00:00", 99};
    applyCursor(q, encodeCursor(c, kKey), kKey);
    BOOST_REQUIRE(q.after.has_value());
    BOOST_TEST(sameCursor(*q.after, c));
}

BOOST_AUTO_TEST_CASE(apply_cursor_refuses_another_sort_or_a_forged_cursor) {
    const std::string good = encodeCursor({"createdAt", true, "2024-05-01 10:00:00", 99}, kKey);
    for (const std::string& text : {
             encodeCursor({"title", true, "2024-05-01 10:00:00", 99}, kKey),       // another field
             encodeCursor({"createdAt", false, "2024-05-01 10:00:00", 99}, kKey),  // ascending
             encodeCursor({"createdAt", true, "2024-05-01 10:00:00", 99},
                          restd::common::KeySet("other")),
             good.substr(0, good.size() - 1),
             std::string("not-a-cursor"),
         }) {
        PageQuery q = postsPage();
        BOOST_TEST(cursorRefused(q, text), text);
        BOOST_TEST(!q.after.has_value());
    }
    // The same cursor fits an ascending list when it was made by one.
    PageQuery ascending = postsPage();
    ascending.descending = false;
    BOOST_TEST(!cursorRefused(ascending, encodeCursor({"createdAt", false, "x", 1}, kKey)));
}

BOOST_AUTO_TEST_CASE(a_cursor_names_the_key_that_tagged_it) {
    const Cursor c{"createdAt", true, "2024-05-01 10:00:00", 99};
    const std::string text = encodeCursor(c, kKey);
    BOOST_TEST(text.substr(0, text.find('.')) == kKey.current().id);
    BOOST_TEST(text.substr(0, text.find('.')) == restd::common::keyId("cursor-key-of-the-test"));
    // The tag covers the kid: the same payload under another kid is no cursor.
    const std::string json = R"(["createdAt",true,"x",1])";
    BOOST_TEST(decodeCursor(signedCursor(json, "cursor-key-of-the-test", kKey.current().id), kKey)
                   .has_value());
    const std::string moved = kKey.current().id + text.substr(text.find('.'));
    BOOST_TEST(decodeCursor(moved, kKey).has_value());
    std::string otherKid = restd::common::keyId("another-key");
    BOOST_TEST(!decodeCursor(otherKid + text.substr(text.find('.')), kKey));
}

BOOST_AUTO_TEST_CASE(a_cursor_of_a_previous_key_decodes_and_an_unknown_kid_does_not) {
    const restd::common::KeySet oldKeys{"old-key"};
    const restd::common::KeySet rotated{"new-key", {"old-key"}};
    const Cursor c{"createdAt", true, "2024-05-01 10:00:00", 99};
    auto back = decodeCursor(encodeCursor(c, oldKeys), rotated);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(sameCursor(*back, c));
    // The new key signs, with its own kid; the old set does not know it.
    const std::string text = encodeCursor(c, rotated);
    BOOST_TEST(text.starts_with(restd::common::keyId("new-key") + "."));
    BOOST_TEST(!decodeCursor(text, oldKeys));
    BOOST_TEST(!decodeCursor(text, restd::common::KeySet("other-key", {"old-key"})));
}

BOOST_AUTO_TEST_CASE(a_cursor_without_kid_is_tried_with_every_key) {
    const std::string json = R"(["createdAt",true,"x",1])";
    const restd::common::KeySet rotated{"new-key", {"old-key"}};
    BOOST_TEST(decodeCursor(signedCursor(json, "new-key"), rotated).has_value());
    BOOST_TEST(decodeCursor(signedCursor(json, "old-key"), rotated).has_value());
    BOOST_TEST(!decodeCursor(signedCursor(json, "third-key"), rotated));
}

BOOST_AUTO_TEST_CASE(a_kid_naming_one_key_with_another_keys_tag_is_refused) {
    const std::string json = R"(["createdAt",true,"x",1])";
    const restd::common::KeySet rotated{"new-key", {"old-key"}};
    BOOST_TEST(
        decodeCursor(signedCursor(json, "old-key", rotated.all()[1].id), rotated).has_value());
    BOOST_TEST(!decodeCursor(signedCursor(json, "old-key", rotated.current().id), rotated));
    BOOST_TEST(!decodeCursor(signedCursor(json, "new-key", rotated.all()[1].id), rotated));
    // A kid in any other form than 16 lowercase hex digits, even well tagged.
    for (std::string kid : {rotated.current().id.substr(1), rotated.current().id + "0",
                            std::string("ABCDEF0123456789"), std::string("x")}) {
        BOOST_TEST(!decodeCursor(signedCursor(json, "new-key", kid), rotated), kid);
    }
}

BOOST_AUTO_TEST_CASE(contains_pattern_escapes_the_like_wildcards_and_its_escape) {
    BOOST_TEST(containsPattern("lamp") == "%lamp%");
    BOOST_TEST(containsPattern("") == "%%");
    BOOST_TEST(containsPattern("50%") == "%50!%%");
    BOOST_TEST(containsPattern("a_b") == "%a!_b%");
    BOOST_TEST(containsPattern("wow!") == "%wow!!%");
    BOOST_TEST(containsPattern("%_!") == "%!%!_!!%");
    // Nothing else is special to LIKE ... ESCAPE '!'.
    BOOST_TEST(containsPattern("\\'\"[*]?\u00E9") == "%\\'\"[*]?\u00E9%");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(db_page_sql)

BOOST_AUTO_TEST_CASE(the_first_page_reads_the_sort_index_from_its_start) {
    BOOST_TEST(boundPage(postsPage()) ==
               "SELECT p.title, p.created_at, p.id FROM posts p "
               "STRAIGHT_JOIN users u ON u.id = p.author_id WHERE p.author_id = 7 "
               "ORDER BY p.created_at DESC, p.id DESC LIMIT 21 OFFSET 0");
}

BOOST_AUTO_TEST_CASE(a_later_offset_page_is_a_deferred_join) {
    PageQuery q = postsPage();
    q.offset = 40;
    q.descending = false;
    BOOST_TEST(boundPage(q) ==
               "SELECT p.title, p.created_at, p.id FROM (SELECT p.id AS id FROM posts p "
               "WHERE p.author_id = 7 ORDER BY p.created_at ASC, p.id ASC LIMIT 21 OFFSET 40) k "
               "STRAIGHT_JOIN posts p ON p.id = k.id "
               "STRAIGHT_JOIN users u ON u.id = p.author_id "
               "ORDER BY p.created_at ASC, p.id ASC");
}

BOOST_AUTO_TEST_CASE(a_cursor_page_seeks_past_the_last_key_and_skips_nothing) {
    PageQuery q = postsPage();
    q.after = Cursor{"createdAt", true, "2024-05-01 10:00:00", 99};
    q.offset = 40;  // ignored: a cursor page has no offset
    BOOST_TEST(boundPage(q) ==
               "SELECT p.title, p.created_at, p.id FROM posts p "
               "STRAIGHT_JOIN users u ON u.id = p.author_id WHERE p.author_id = 7 "
               "AND p.created_at <= '2024-05-01 10:00:00' "
               "AND (p.created_at, p.id) < ('2024-05-01 10:00:00', 99) "
               "ORDER BY p.created_at DESC, p.id DESC LIMIT 21");

    q.descending = false;
    q.after->descending = false;
    std::string ascending = boundPage(q);
    BOOST_TEST(ascending.find("p.created_at >= '2024-05-01 10:00:00' AND (p.created_at, p.id) > "
                              "('2024-05-01 10:00:00', 99) ORDER BY p.created_at ASC, p.id ASC "
                              "LIMIT 21") != std::string::npos,
               ascending);
}

BOOST_AUTO_TEST_CASE(a_unique_or_id_sort_needs_no_tie_breaker) {
    PageQuery byId = postsPage();
    byId.sort = kId;
    byId.after = Cursor{"id", true, "ignored", 99};
    BOOST_TEST(boundPage(byId).ends_with(
                   "WHERE p.author_id = 7 AND p.id < 99 ORDER BY p.id DESC LIMIT 21"),
               boundPage(byId));

    PageQuery byName = postsPage();
    byName.sort = kUsername;
    byName.descending = false;
    byName.after = Cursor{"username", false, "bob", 12};
    BOOST_TEST(boundPage(byName).ends_with("WHERE p.author_id = 7 AND p.username > 'bob' "
                                           "ORDER BY p.username ASC LIMIT 21"),
               boundPage(byName));
}

BOOST_AUTO_TEST_CASE(a_numeric_sort_key_binds_as_an_integer) {
    PageQuery q = postsPage();
    q.sort = kPrice;
    q.after = Cursor{"priceCents", true, "1999", 12};
    BOOST_TEST(boundPage(q).find("p.price_cents <= 1999 AND (p.price_cents, p.id) < (1999, 12) "
                                 "ORDER BY p.price_cents DESC, p.id DESC") != std::string::npos,
               boundPage(q));
    auto params = pageParams(q);
    BOOST_REQUIRE(params.size() == 5u);
    BOOST_TEST(std::holds_alternative<int64_t>(params[1]));
}

BOOST_AUTO_TEST_CASE(a_searched_page_stops_at_its_window_end) {
    PageQuery q = postsPage();
    q.where.add("p.title LIKE ? ESCAPE '!'", containsPattern("50%_off"));
    q.searched = true;
    q.windowEnd = Cursor{"createdAt", true, "2023-01-01 00:00:00", 5};
    BOOST_TEST(boundPage(q) ==
               "SELECT p.title, p.created_at, p.id FROM posts p "
               "STRAIGHT_JOIN users u ON u.id = p.author_id WHERE p.author_id = 7 "
               "AND p.title LIKE '%50!%!_off%' ESCAPE '!' "
               "AND p.created_at >= '2023-01-01 00:00:00' "
               "AND (p.created_at, p.id) >= ('2023-01-01 00:00:00', 5) "
               "ORDER BY p.created_at DESC, p.id DESC LIMIT 21 OFFSET 0");

    // After a cursor: the rows between the cursor and the window's end.
    q.after = Cursor{"createdAt", true, "2024-05-01 10:00:00", 99};
    BOOST_TEST(boundPage(q).find("ESCAPE '!' AND p.created_at <= '2024-05-01 10:00:00' "
                                 "AND (p.created_at, p.id) < ('2024-05-01 10:00:00', 99) "
                                 "AND p.created_at >= '2023-01-01 00:00:00' "
                                 "AND (p.created_at, p.id) >= ('2023-01-01 00:00:00', 5) "
                                 "ORDER BY") != std::string::npos,
               boundPage(q));

    // Ascending, the window ends above.
    q.descending = false;
    q.after.reset();
    q.windowEnd->descending = false;
    BOOST_TEST(boundPage(q).find("AND p.created_at <= '2023-01-01 00:00:00' "
                                 "AND (p.created_at, p.id) <= ('2023-01-01 00:00:00', 5) "
                                 "ORDER BY p.created_at ASC") != std::string::npos,
               boundPage(q));
}

BOOST_AUTO_TEST_CASE(a_rider_joins_the_page_and_binds_its_key_in_place) {
    PageQuery q = postsPage();
    BOOST_TEST(boundPage(q, &kCaller) ==
               "SELECT p.title, p.created_at, p.id, rdr.id, rdr.role FROM posts p "
               "STRAIGHT_JOIN users u ON u.id = p.author_id JOIN users rdr ON rdr.id = 5 "
               "WHERE p.author_id = 7 ORDER BY p.created_at DESC, p.id DESC LIMIT 21 OFFSET 0");

    // In a deferred join it follows the subquery, and so does its parameter.
    q.offset = 40;
    BOOST_TEST(boundPage(q, &kCaller) ==
               "SELECT p.title, p.created_at, p.id, rdr.id, rdr.role FROM (SELECT p.id AS id FROM "
               "posts p WHERE p.author_id = 7 ORDER BY p.created_at DESC, p.id DESC "
               "LIMIT 21 OFFSET 40) k STRAIGHT_JOIN posts p ON p.id = k.id "
               "STRAIGHT_JOIN users u ON u.id = p.author_id JOIN users rdr ON rdr.id = 5 "
               "ORDER BY p.created_at DESC, p.id DESC");

    q.offset = 0;
    q.after = Cursor{"createdAt", true, "2024-05-01 10:00:00", 99};
    BOOST_TEST(boundPage(q, &kCaller)
                       .find("JOIN users rdr ON rdr.id = 5 WHERE p.author_id = 7 AND "
                             "p.created_at <= '2024-05-01 10:00:00'") != std::string::npos,
               boundPage(q, &kCaller));
}

BOOST_AUTO_TEST_CASE(the_count_reads_the_table_and_its_filters_only) {
    PageQuery q = postsPage();
    q.where.add("p.published = ?", true);
    q.after = Cursor{"createdAt", true, "2024-05-01 10:00:00", 99};
    q.windowEnd = Cursor{"createdAt", true, "2023-01-01 00:00:00", 5};
    q.offset = 40;
    BOOST_TEST(countSql(q) ==
               "SELECT COUNT(*) FROM posts p WHERE p.author_id = ? AND p.published = ?");
    BOOST_TEST(bound(countSql(q), q.where.params) ==
               "SELECT COUNT(*) FROM posts p WHERE p.author_id = 7 AND p.published = TRUE");

    PageQuery all = postsPage();
    all.where = {};
    BOOST_TEST(countSql(all) == "SELECT COUNT(*) FROM posts p");
}

BOOST_AUTO_TEST_CASE(values_never_enter_the_statement_text) {
    const std::string hostile = "x' OR '1'='1";
    PageQuery q = postsPage();
    q.where.add("p.title LIKE ? ESCAPE '!'", containsPattern(hostile));
    q.after = Cursor{"createdAt", true, hostile, 99};
    q.windowEnd = Cursor{"createdAt", true, hostile, 5};
    BOOST_TEST(pageSql(q).find("OR '1'") == std::string::npos);
    BOOST_TEST(countSql(q).find("OR '1'") == std::string::npos);
}

// Every shape: one parameter per placeholder, and the limit is bound as
// limit + 1 (the extra row tells whether another page follows).
BOOST_AUTO_TEST_CASE(every_shape_binds_one_parameter_per_placeholder) {
    int shapes = 0;
    for (const SortColumn& sort : {kCreatedAt, kId, kPrice, kUsername}) {
        for (bool descending : {true, false}) {
            for (int mode = 0; mode < 3; ++mode) {  // first page, offset page, cursor page
                for (bool filtered : {false, true}) {
                    for (bool window : {false, true}) {
                        for (bool caller : {false, true}) {
                            PageQuery q = postsPage();
                            q.sort = sort;
                            q.descending = descending;
                            if (!filtered) q.where = {};
                            if (filtered) q.where.add("p.published = ?", true);
                            if (mode == 1) q.offset = 60;
                            Cursor key{std::string(sort.field), descending, "17", 3};
                            if (mode == 2) q.after = key;
                            if (window) q.windowEnd = Cursor{key.field, descending, "9", 1};
                            const restd::db::Rider* rider = caller ? &kCaller : nullptr;
                            std::string sql = pageSql(q, rider);
                            auto params = pageParams(q, rider);
                            BOOST_TEST_CONTEXT(sql) {
                                BOOST_TEST(static_cast<size_t>(std::count(sql.begin(), sql.end(),
                                                                          '?')) == params.size());
                                bool limited = std::any_of(
                                    params.begin(), params.end(),
                                    [](const Param& p) { return p == Param(int64_t{21}); });
                                BOOST_TEST(limited);
                                BOOST_TEST(sql.find(" LIMIT ?") != std::string::npos);
                            }
                            std::string count = countSql(q);
                            BOOST_TEST(
                                static_cast<size_t>(std::count(count.begin(), count.end(), '?')) ==
                                q.where.params.size());
                            ++shapes;
                        }
                    }
                }
            }
        }
    }
    BOOST_TEST(shapes == 4 * 2 * 3 * 2 * 2 * 2);
}

BOOST_AUTO_TEST_SUITE_END()
