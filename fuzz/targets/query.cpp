// SPDX-License-Identifier: Apache-2.0
// The query string of every collection GET (validateList over each list's
// rules; the first byte picks the list). It ends in a ListQuery within the
// documented bounds or in a 400 VALIDATION_ERROR of at most kMaxDetails + 1
// details, each located in the query.
#include "common.h"
#include "http/api_error.h"
#include "resources/posts/rules.h"
#include "resources/products/rules.h"
#include "resources/users/rules.h"
#include "validation/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace v = restd::validation;
    static const v::ListRules* const kLists[] = {
        &restd::posts::rules::kListPosts,
        &restd::posts::rules::kListUserPosts,
        &restd::products::rules::kListProducts,
        &restd::users::rules::kListUsers,
    };
    if (size == 0) return 0;
    const v::ListRules& rules = *kLists[data[0] % std::size(kLists)];
    std::string_view query = fuzz::text(data + 1, size - 1);
    v::ListQuery q;
    try {
        q = v::validateList(query, rules);
    } catch (const restd::http::ApiError& e) {
        FUZZ_CHECK(e.status() == 400 && e.code() == "VALIDATION_ERROR");
        FUZZ_CHECK(!e.details().empty() && e.details().size() <= v::kMaxDetails + 1);
        for (const auto& d : e.details()) FUZZ_CHECK(d.location == "query");
        return 0;
    }
    FUZZ_CHECK(q.page >= 1 && q.limit >= 1 && q.limit <= v::kMaxLimit);
    FUZZ_CHECK(q.cursor || q.page * q.limit <= v::kMaxOffsetRows);
    FUZZ_CHECK(!q.cursor || (!q.cursor->empty() && q.cursor->size() <= 512));
    FUZZ_CHECK(!q.search || v::codePoints(*q.search) <= v::kMaxSearchChars);
    FUZZ_CHECK(!q.search || !rules.searchDescription.empty());
    bool sortListed = false;
    for (const auto& s : rules.sorts) sortListed = sortListed || s.field == q.sort.column.field;
    FUZZ_CHECK(sortListed);
    for (const auto& f : rules.filters) {
        if (auto n = q.filters.integer(f.name)) FUZZ_CHECK(*n >= f.min && *n <= f.max);
    }
    return 0;
}
