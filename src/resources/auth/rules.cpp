// SPDX-License-Identifier: Apache-2.0
#include "resources/auth/rules.h"

#include "resources/users/rules.h"

namespace restd::auth_tokens::rules {

using validation::BodyMode;
using validation::FieldRule;
using validation::Kind;

namespace {

const FieldRule kRegisterFields[] = {
    {.name = "email",
     .kind = Kind::Email,
     .required = true,
     .description = "Valid address, at most 254 characters; trimmed and lower-cased"},
    {.name = "username",
     .kind = Kind::Format,
     .required = true,
     .format = &users::rules::kUsernameFormat,
     .description = "3-30 characters of [A-Za-z0-9_], unique ignoring case"},
    {.name = "password",
     .kind = Kind::Format,
     .required = true,
     .format = &users::rules::kPasswordFormat,
     .description = "8-72 bytes with an upper-case letter, a lower-case letter and a digit"},
};

// Login checks shape only: a malformed email or password is just a failed login.
const FieldRule kLoginFields[] = {
    {.name = "email",
     .kind = Kind::Text,
     .required = true,
     .trim = true,
     .min = 1,
     .max = 254,
     .description = "The account's email (case ignored)"},
    {.name = "password",
     .kind = Kind::Text,
     .required = true,
     .min = 1,
     .max = 1024,
     .description = "The account's password"},
};

const FieldRule kRefreshFields[] = {
    {.name = "refreshToken",
     .kind = Kind::Text,
     .required = true,
     .min = 1,
     .max = 200,
     .description = "A refresh token from register, login or refresh"},
};

}  // namespace

const validation::BodyRules kRegister{kRegisterFields, BodyMode::Create};
const validation::BodyRules kLogin{kLoginFields, BodyMode::Create};
const validation::BodyRules kRefreshToken{kRefreshFields, BodyMode::Create};

}  // namespace restd::auth_tokens::rules
