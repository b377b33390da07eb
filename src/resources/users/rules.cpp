// SPDX-License-Identifier: Apache-2.0
#include "resources/users/rules.h"

#include <algorithm>

#include "validation/validator.h"

namespace restd::users::rules {

using validation::BodyMode;
using validation::FieldRule;
using validation::Kind;

namespace {

void checkUsername(std::string_view value, std::vector<std::string>& broken) {
    auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    if (value.size() < 3 || value.size() > 30 || !std::all_of(value.begin(), value.end(), allowed))
        broken.emplace_back(
            "Username must be 3 to 30 characters of letters, digits and underscores");
}

// Bytes, not characters: bcrypt reads at most 72 bytes.
void checkPassword(std::string_view value, std::vector<std::string>& broken) {
    if (value.size() < 8 || value.size() > 72)
        broken.emplace_back("Password must be 8 to 72 bytes long");
    // bcrypt reads a C string (a NUL would end it early), and a control
    // character is no key anyone types: refused before any hashing.
    if (validation::hasControl(value))
        broken.emplace_back("Password must not contain control characters");
    auto any = [&](auto pred) { return std::any_of(value.begin(), value.end(), pred); };
    if (!any([](char c) { return c >= 'A' && c <= 'Z'; }))
        broken.emplace_back("Password must contain an upper-case letter");
    if (!any([](char c) { return c >= 'a' && c <= 'z'; }))
        broken.emplace_back("Password must contain a lower-case letter");
    if (!any([](char c) { return c >= '0' && c <= '9'; }))
        broken.emplace_back("Password must contain a digit");
}

}  // namespace

const validation::TextFormat kUsernameFormat{.check = checkUsername,
                                             .pattern = "^[A-Za-z0-9_]{3,30}$"};
const validation::TextFormat kPasswordFormat{
    .check = checkPassword,
    .minLength = 8,
    .maxLength = 72,
    .pattern = "^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])[^\\x00-\\x1F\\x7F-\\x9F]*$"};

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
    .kind = Kind::Format,
    .required = true,
    .format = &kUsernameFormat,
    .description = "3-30 characters of [A-Za-z0-9_], unique ignoring case"};
constexpr FieldRule kPassword{.name = "password",
                              .kind = Kind::Format,
                              .required = true,
                              .format = &kPasswordFormat,
                              .description =
                                  "8-72 bytes with an upper-case letter, a lower-case "
                                  "letter and a digit"};
constexpr FieldRule kOptionalPassword{
    .name = "password",
    .kind = Kind::Format,
    .required = false,
    .format = &kPasswordFormat,
    .description =
        "New password, 8-72 bytes with an upper-case letter, a lower-case letter "
        "and a digit. Ends every session of the user: revokes every access token "
        "and every refresh token issued before"};
// Checked by the handler, which alone knows whose password changes.
constexpr FieldRule kCurrentPassword{
    .name = "currentPassword",
    .kind = Kind::Text,
    .required = false,
    .min = 1,
    .max = 72,
    .description =
        "The caller's current password, at most 72 bytes; never echoed. Required with "
        "`password` when users change their own password (admins too): missing is 400 "
        "VALIDATION_ERROR naming it, wrong is 403 FORBIDDEN with nothing changed, and counts "
        "as a failed login of the account (429 RATE_LIMITED after repeated failures). Not "
        "needed, and ignored, when an admin changes another user's password. Sent without "
        "`password`: 400"};
constexpr FieldRule kRole{.name = "role",
                          .kind = Kind::Enum,
                          .required = false,
                          .options = kRoles,
                          .description = "Only admins may set it"};

const FieldRule kCreateFields[] = {kEmail, kUsername, kPassword, kRole};
const FieldRule kReplaceFields[] = {kEmail, kUsername, kOptionalPassword, kCurrentPassword, kRole};

// The sort table of the users list: the columns of the repository's `users u`.
// A username is unique (ignoring case, as the column compares): no tie-breaker.
constexpr db::SortColumn kSorts[] = {
    {.field = "createdAt", .column = "u.created_at", .index = "idx_users_created"},
    {.field = "username", .column = "u.username", .unique = true, .index = "uq_users_username"},
    {.field = "id", .column = "u.id", .numeric = true},
};

}  // namespace

const validation::BodyRules kCreateUser{kCreateFields, BodyMode::Create};
const validation::BodyRules kReplaceUser{kReplaceFields, BodyMode::Replace};
const validation::BodyRules kPatchUser{kReplaceFields, BodyMode::Patch};
const validation::ListRules kListUsers{
    .sorts = kSorts,
    .filters = {},
    .searchDescription = "Case-insensitive substring of the username (and email, for admins)"};

}  // namespace restd::users::rules
