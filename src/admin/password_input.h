// SPDX-License-Identifier: Apache-2.0
// The password of create-user and set-password: asked on the terminal, twice
// and without echo, when standard input is one; otherwise one line of
// standard input (a pipe from a secrets manager, a file). Never an argument
// or a variable: both are visible to other users of the machine (ps,
// /proc/<pid>/environ) and stay in shell histories.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace restd::admin {

// What reading failed on (no line, a mismatch, no terminal): exit status 2.
class PasswordInputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Reads the password as described above. Throws PasswordInputError.
std::string readPassword();

}  // namespace restd::admin
