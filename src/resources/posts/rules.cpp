// SPDX-License-Identifier: Apache-2.0
#include "resources/posts/rules.h"

namespace restd::posts::rules {

using validation::BodyMode;
using validation::FieldRule;
using validation::Kind;

namespace {

const FieldRule kFields[] = {
    {.name = "title",
     .kind = Kind::Text,
     .required = true,
     .trim = true,
     .min = 1,
     .max = 200,
     .description = "1-200 characters after trimming"},
    {.name = "body",
     .kind = Kind::Text,
     .required = true,
     .min = 1,
     .max = 50000,
     .description = "1-50,000 characters"},
    {.name = "published",
     .kind = Kind::Boolean,
     .required = false,
     .description = "Default true; unpublished posts are visible to their author and admins only"},
};

const FieldRule kFilters[] = {
    {.name = "authorId",
     .kind = Kind::Integer,
     .min = 1,
     .max = INT64_MAX,
     .description = "Only posts of this author"},
    {.name = "published", .kind = Kind::Boolean, .description = "true or false"},
};

const FieldRule kUserPostFilters[] = {
    {.name = "published", .kind = Kind::Boolean, .description = "true or false"},
};

// The sort table of both posts lists: the columns of the repository's `posts p`.
constexpr db::SortColumn kSorts[] = {
    {.field = "createdAt", .column = "p.created_at", .index = "idx_posts_created"},
    {.field = "title", .column = "p.title", .index = "idx_posts_title"},
    {.field = "id", .column = "p.id", .numeric = true},
};
constexpr std::string_view kSearch = "Case-insensitive substring of the title";

}  // namespace

const validation::BodyRules kCreatePost{kFields, BodyMode::Create};
const validation::BodyRules kReplacePost{kFields, BodyMode::Replace};
const validation::BodyRules kPatchPost{kFields, BodyMode::Patch};
const validation::ListRules kListPosts{
    .sorts = kSorts, .filters = kFilters, .searchDescription = kSearch};
const validation::ListRules kListUserPosts{
    .sorts = kSorts, .filters = kUserPostFilters, .searchDescription = kSearch};

}  // namespace restd::posts::rules
