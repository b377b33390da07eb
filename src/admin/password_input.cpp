// SPDX-License-Identifier: Apache-2.0
#include "admin/password_input.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace restd::admin {

namespace {

// One line of `fd`, read a byte at a time so that nothing past the line is
// consumed. False at end of input before any byte.
bool readLine(int fd, std::string& line) {
    line.clear();
    bool any = false;
    char c = 0;
    while (true) {
        ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return any;
        any = true;
        if (c == '\n') break;
        line += c;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
}

// Echo off on the terminal `fd` for the life of the object.
class NoEcho {
  public:
    explicit NoEcho(int fd) : fd_(fd) {
        if (tcgetattr(fd_, &saved_) != 0) return;
        termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        active_ = tcsetattr(fd_, TCSANOW, &quiet) == 0;
    }
    ~NoEcho() {
        if (active_) tcsetattr(fd_, TCSANOW, &saved_);
    }
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;

  private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

std::string ask(int tty, std::string_view prompt) {
    NoEcho quiet(tty);
    // The prompt is a courtesy: reading works without it.
    [[maybe_unused]] ssize_t written = ::write(tty, prompt.data(), prompt.size());
    std::string line;
    if (!readLine(tty, line)) throw PasswordInputError("no password given");
    return line;
}

std::string fromTerminal() {
    int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (tty < 0)
        throw PasswordInputError(std::string("cannot open the terminal: ") + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{tty};
    std::string first = ask(tty, "Password: ");
    std::string second = ask(tty, "Repeat password: ");
    if (first != second) throw PasswordInputError("the passwords do not match");
    return first;
}

}  // namespace

std::string readPassword() {
    if (isatty(STDIN_FILENO)) return fromTerminal();
    std::string line;
    if (!readLine(STDIN_FILENO, line)) throw PasswordInputError("no password on standard input");
    return line;
}

}  // namespace restd::admin
