// SPDX-License-Identifier: Apache-2.0
#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace restd::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (std::string& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// In the child, between fork and exec: own process group, default signals.
void resetChild() {
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
    int devNull = open("/dev/null", O_RDONLY);
    if (devNull >= 0) dup2(devNull, STDIN_FILENO);
}

int exitStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::string lastLines(const std::string& text, size_t count) {
    size_t pos = text.size();
    for (size_t n = 0; n <= count && pos > 0; ++n) {
        size_t nl = text.rfind('\n', pos - 1);
        if (nl == std::string::npos) return text;
        pos = nl;
    }
    return text.substr(pos);
}

}  // namespace

std::string CommandResult::summary() const {
    std::string head = timedOut ? "timed out" : "exit " + std::to_string(status);
    return head + ", output:\n" + lastLines(output, 40);
}

std::vector<std::string> editedEnvironment(const EnvEdits& edits) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) env.emplace_back(*entry);
    for (const std::string& edit : edits) {
        std::string name = edit.substr(0, edit.find('='));
        std::erase_if(env, [&](const std::string& e) { return e.starts_with(name + "="); });
        if (edit.find('=') != std::string::npos) env.push_back(edit);
    }
    return env;
}

CommandResult runCommand(const std::vector<std::string>& argv, const EnvEdits& edits,
                         std::chrono::seconds timeout, const fs::path& cwd) {
    CommandResult result;
    std::vector<std::string> args = argv;
    std::vector<std::string> env = editedEnvironment(edits);
    std::vector<char*> argp = pointers(args), envp = pointers(env);
    std::string dir = cwd.string();

    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        result.output = std::string("pipe: ") + std::strerror(errno);
        return result;
    }
    pid_t pid = fork();
    if (pid < 0) {
        result.output = std::string("fork: ") + std::strerror(errno);
        close(out[0]);
        close(out[1]);
        return result;
    }
    if (pid == 0) {
        resetChild();
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        if (!dir.empty() && chdir(dir.c_str()) != 0) _exit(126);
        execvpe(argp[0], argp.data(), envp.data());
        const char msg[] = "exec failed: command not found or not executable\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(127);
    }
    setpgid(pid, pid);
    close(out[1]);

    auto deadline = Clock::now() + timeout;
    char buffer[8192];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left <= 0ms) {
            result.timedOut = true;
            kill(-pid, SIGKILL);
            break;
        }
        pollfd p{out[0], POLLIN, 0};
        int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        ssize_t n = read(out[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // every writer closed its end
        result.output.append(buffer, static_cast<size_t>(n));
    }
    close(out[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.status = exitStatus(status);
    return result;
}

Daemon::Daemon(Options options) {
    std::vector<std::string> args = options.argv;
    std::vector<std::string> env = options.env;
    // LISTEN_PID must name the child, known only after fork: its digits are
    // written into this reserved entry there, without allocating.
    constexpr std::string_view kPidKey = "LISTEN_PID=";
    if (options.listenFd >= 0) {
        env.push_back("LISTEN_FDS=1");
        env.push_back(std::string(kPidKey) + std::string(20, '\0'));
    }
    std::vector<char*> argp = pointers(args), envp = pointers(env);
    char* pidDigits = options.listenFd >= 0 ? envp[envp.size() - 2] + kPidKey.size() : nullptr;
    int logFd = open(options.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logFd < 0) throw std::runtime_error("cannot open " + options.log.string());

    pid_t pid = fork();
    if (pid < 0) {
        close(logFd);
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        resetChild();
        dup2(logFd, STDOUT_FILENO);
        dup2(logFd, STDERR_FILENO);
        if (options.listenFd >= 0) {
            // dup2 clears FD_CLOEXEC on the copy; fd 3 itself needs it cleared.
            if (options.listenFd != 3) {
                dup2(options.listenFd, 3);
            } else {
                fcntl(3, F_SETFD, 0);
            }
            char digits[20];
            int n = 0;
            for (pid_t self = getpid(); self > 0 && n < 20; self /= 10)
                digits[n++] = '0' + self % 10;
            for (int i = 0; i < n; ++i) pidDigits[i] = digits[n - 1 - i];
        }
        execvpe(argp[0], argp.data(), envp.data());
        _exit(127);
    }
    setpgid(pid, pid);
    close(logFd);
    pid_ = pid;
}

Daemon::~Daemon() { stop(); }

bool Daemon::running() {
    if (reaped_ || pid_ <= 0) return false;
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
        status_ = exitStatus(status);
        reaped_ = true;
        return false;
    }
    return done == 0;
}

int Daemon::stop(std::chrono::seconds timeout) {
    if (pid_ <= 0 || reaped_ || !running()) return status_;
    kill(pid_, SIGTERM);
    auto deadline = Clock::now() + timeout;
    while (running() && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
    if (!reaped_) {
        kill(-pid_, SIGKILL);
        int status = 0;
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        status_ = exitStatus(status);
        reaped_ = true;
    }
    return status_;
}

}  // namespace restd::test
