// SPDX-License-Identifier: Apache-2.0
// `restd admin`: the operator's commands on accounts (create-user,
// set-password, revoke-sessions), so that a deploy never needs hand-written
// SQL. Each runs the users and auth resources' own rules and repositories,
// on the database the server's settings name (the environment and the file
// RESTD_ENV_FILE names, read by config::Config as the server reads them: the
// whole configuration must be valid), and ends a user's sessions exactly as
// the API does: the token version moves, which refuses every access token
// issued before, and every refresh token is revoked.
#pragma once

#include <span>
#include <string_view>

namespace restd::admin {

// Runs `restd admin <args>`; returns the exit status (admin/options.h).
// Messages go to stderr, results (an id, a count) to stdout.
int run(std::span<const std::string_view> args);

}  // namespace restd::admin
