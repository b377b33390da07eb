#include "resources/users/rules.h"

namespace restd::users::rules {

using validation::BodyMode;
using validation::FieldRule;
using validation::Kind;

namespace {

constexpr std::string_view kRoles[] = {"user", "admin"};

constexpr FieldRule kEmail{.name = "email",
                           .kind = Kind::Email,
                           .required = true,
                           .description =
                               "Valid address, at most 254 characters; trimmed and "
                               "lower-cased; shown only to the user and admins"};
constexpr FieldRule kUsername{
    .name = "username",
    .kind = Kind::Username,
    .required = true,
    .description = "3-30 characters of [A-Za-z0-9_], unique ignoring case"};
constexpr FieldRule kPassword{.name = "password",
                              .kind = Kind::Password,
                              .required = true,
                              .description =
                                  "8-72 bytes with an upper-case letter, a lower-case "
                                  "letter and a digit"};
constexpr FieldRule kOptionalPassword{
    .name = "password",
    .kind = Kind::Password,
    .required = false,
    .description = "New password (re-hashed; revokes every token issued before)"};
constexpr FieldRule kRole{.name = "role",
                          .kind = Kind::Enum,
                          .required = false,
                          .options = kRoles,
                          .description = "Only admins may set it"};

const FieldRule kCreateFields[] = {kEmail, kUsername, kPassword, kRole};
const FieldRule kReplaceFields[] = {kEmail, kUsername, kOptionalPassword, kRole};

constexpr std::string_view kSorts[] = {"createdAt", "username", "id"};

}  // namespace

const validation::BodyRules kCreateUser{kCreateFields, BodyMode::Create};
const validation::BodyRules kReplaceUser{kReplaceFields, BodyMode::Replace};
const validation::BodyRules kPatchUser{kReplaceFields, BodyMode::Patch};
const validation::ListRules kListUsers{
    .sortFields = kSorts,
    .filters = {},
    .searchDescription = "Case-insensitive substring of the username (and email, for admins)"};

}  // namespace restd::users::rules
