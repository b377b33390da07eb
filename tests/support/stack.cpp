// SPDX-License-Identifier: Apache-2.0
#include "stack.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "http_client.h"

extern char** environ;

namespace restd::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// What a scripts/stack call needs, built once by Stack::prepare() before the
// signal handlers are armed and never changed afterwards, so that the handler
// can start `scripts/stack stop` with async-signal-safe calls only.
struct Launch {
    std::string dir;     // repo root: the script's working directory
    std::string script;  // <repo>/scripts/stack
    std::vector<std::string> envStrings;
    std::vector<char*> envp;
    int outFd = -1;  // var/test-stack.out, O_APPEND
};

Launch gLaunch;
std::atomic<bool> gStopOnSignal{false};  // the stack may be up: a signal must stop it
std::atomic<pid_t> gRunningScript{0};    // a scripts/stack call in progress, if any

// fork + execve of `scripts/stack <command>` in its own process group (so a
// Ctrl-C at the terminal reaches neither the script nor the daemons it starts),
// stdin from /dev/null, output to gLaunch.outFd. Async-signal-safe.
pid_t spawnScript(const char* command, char* const* envp = nullptr) {
    pid_t pid = fork();
    if (pid != 0) {
        if (pid > 0) setpgid(pid, pid);
        return pid;
    }
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &dfl, nullptr);
    int devNull = open("/dev/null", O_RDONLY);
    if (devNull >= 0) dup2(devNull, STDIN_FILENO);
    dup2(gLaunch.outFd, STDOUT_FILENO);
    dup2(gLaunch.outFd, STDERR_FILENO);
    if (chdir(gLaunch.dir.c_str()) != 0) _exit(126);
    char* argv[] = {const_cast<char*>(gLaunch.script.c_str()), const_cast<char*>(command), nullptr};
    execve(argv[0], argv, envp != nullptr ? envp : gLaunch.envp.data());
    _exit(127);
}

int exitStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// SIGINT/SIGTERM/SIGHUP: stop the stack, then die of the signal as if unhandled.
// A second signal kills the test binary at once (the stop goes on in its own
// process group).
extern "C" void onTerminatingSignal(int sig) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, nullptr);
    if (gStopOnSignal.exchange(false)) {
        const char note[] = "\nintegration tests interrupted: scripts/stack stop\n";
        ssize_t ignored = write(STDOUT_FILENO, note, sizeof note - 1);
        (void)ignored;
        int status = 0;
        // A start half-way must not go on starting things after the stop.
        if (pid_t running = gRunningScript.exchange(0); running > 0) {
            kill(-running, SIGKILL);
            while (waitpid(running, &status, 0) < 0 && errno == EINTR) {
            }
        }
        pid_t pid = spawnScript("stop");
        while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    raise(sig);
}

void armSignalHandlers() {
    static bool armed = false;
    if (armed) return;
    armed = true;
    struct sigaction action {};
    action.sa_handler = onTerminatingSignal;
    sigemptyset(&action.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
}

bool isRepoRoot(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "Makefile", ec) && fs::is_directory(dir / "scripts", ec) &&
           fs::is_directory(dir / "tests" / "integration", ec);
}

std::optional<fs::path> findRepoRootFrom(fs::path dir) {
    for (; !dir.empty(); dir = dir.parent_path()) {
        if (isRepoRoot(dir)) return dir;
        if (dir == dir.root_path()) break;
    }
    return std::nullopt;
}

// From the current directory (make test runs from the repo root), else from
// the binary's own path (bin/integration_tests, bin/asan/integration_tests).
fs::path findRepoRoot() {
    std::error_code ec;
    if (auto root = findRepoRootFrom(fs::current_path(ec))) return *root;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        if (auto root = findRepoRootFrom(exe.parent_path())) return *root;
    }
    throw std::runtime_error(
        "cannot find the repository root (a directory with Makefile, scripts/ and "
        "tests/integration/) above the current directory or the test binary");
}

// One shell word as scripts write them into stack.env: unquoted (backslash
// escapes), 'single quoted' or "double quoted", possibly concatenated.
std::string shellUnquote(std::string_view raw) {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\'') {
            size_t end = raw.find('\'', i + 1);
            if (end == std::string_view::npos) end = raw.size();
            out.append(raw.substr(i + 1, end - i - 1));
            i = end;
        } else if (c == '"') {
            for (++i; i < raw.size() && raw[i] != '"'; ++i) {
                if (raw[i] == '\\' && i + 1 < raw.size() && std::strchr("\"\\$`", raw[i + 1])) ++i;
                out += raw[i];
            }
        } else if (c == '\\' && i + 1 < raw.size()) {
            out += raw[++i];
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            break;  // the rest is a comment or trailing blanks
        } else {
            out += c;
        }
    }
    return out;
}

std::map<std::string, std::string> parseEnvFile(const std::string& text) {
    std::map<std::string, std::string> values;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::string_view view(line);
        while (!view.empty() && std::isspace(static_cast<unsigned char>(view.front()))) {
            view.remove_prefix(1);
        }
        if (view.empty() || view.front() == '#') continue;
        if (view.starts_with("export ")) view.remove_prefix(7);
        size_t eq = view.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        values[std::string(view.substr(0, eq))] = shellUnquote(view.substr(eq + 1));
    }
    return values;
}

std::string tailLines(const std::string& text, size_t count) {
    std::vector<std::string_view> lines;
    std::string_view rest(text);
    while (!rest.empty()) {
        size_t nl = rest.find('\n');
        lines.push_back(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    std::string tail;
    for (size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i) {
        tail.append(lines[i]).push_back('\n');
    }
    return tail;
}

// (state, ppid) from /proc/<pid>/stat; state 0 when the process is gone.
std::pair<char, pid_t> procStat(pid_t pid) {
    std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');  // the command name may hold spaces and ')'
    if (paren == std::string::npos || paren + 4 > stat.size()) return {0, 0};
    char state = stat[paren + 2];
    pid_t ppid = static_cast<pid_t>(std::strtol(stat.c_str() + paren + 4, nullptr, 10));
    return {state, ppid};
}

void appendNote(const std::string& note) {
    if (gLaunch.outFd < 0) return;
    ssize_t ignored = write(gLaunch.outFd, note.data(), note.size());
    (void)ignored;
}

}  // namespace

Stack& stack() {
    static Stack instance;
    return instance;
}

Stack::~Stack() { stop(); }

void Stack::prepare() {
    root_ = findRepoRoot();
    fs::path script = root_ / "scripts" / "stack";
    if (access(script.c_str(), X_OK) != 0) {
        throw std::runtime_error(script.string() + " is missing or not executable");
    }
    fs::path restdBin = root_ / "bin" / "restd";
    if (const char* fromEnv = std::getenv("RESTD_BIN"); fromEnv != nullptr && *fromEnv != '\0') {
        restdBin = fs::absolute(fromEnv);  // relative to where the tests were started
    }
    if (access(restdBin.c_str(), X_OK) != 0) {
        throw std::runtime_error("restd binary " + restdBin.string() +
                                 " is missing or not executable (build it, or set RESTD_BIN)");
    }

    fs::create_directories(root_ / "var");
    int fd = open(outputPath().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + outputPath().string());

    // The caller's environment, minus what the test stack decides itself:
    // free ports (no HTTP_PORT/HTTPS_PORT) and the test settings.
    std::set<std::string, std::less<>> replaced = {"STACK_DIR", "RESTD_BIN", "HTTP_PORT",
                                                   "HTTPS_PORT"};
    for (const auto& [name, value] : kTestSettings) replaced.emplace(name);
    std::vector<std::string> envStrings;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        if (!replaced.contains(text.substr(0, text.find('=')))) envStrings.emplace_back(text);
    }
    envStrings.push_back("STACK_DIR=" + stackDir().string());
    envStrings.push_back("RESTD_BIN=" + restdBin.string());
    restdBin_ = restdBin;
    for (const auto& [name, value] : kTestSettings) {
        envStrings.push_back(std::string(name) + "=" + std::string(value));
    }

    gStopOnSignal = false;
    if (gLaunch.outFd >= 0) close(gLaunch.outFd);
    gLaunch.dir = root_.string();
    gLaunch.script = script.string();
    gLaunch.envStrings = std::move(envStrings);
    gLaunch.envp.clear();
    for (std::string& entry : gLaunch.envStrings) gLaunch.envp.push_back(entry.data());
    gLaunch.envp.push_back(nullptr);
    gLaunch.outFd = fd;
    armSignalHandlers();
}

void Stack::start() {
    if (running_) throw std::runtime_error("the test stack is already running");
    prepare();

    // A run killed before its teardown may have left a stack behind; stop on a
    // stopped stack is a no-op.
    runStack("stop");
    std::error_code ec;
    fs::remove_all(stackDir(), ec);
    if (ec) throw std::runtime_error("cannot remove " + stackDir().string() + ": " + ec.message());

    running_ = true;
    gStopOnSignal = true;
    auto failed = [this](const std::string& what, std::uintmax_t outputOffset) {
        std::string output = outputSince(outputOffset);
        stop();
        return std::runtime_error("test stack: " + what + "\n--- scripts/stack output (" +
                                  outputPath().string() + ") ---\n" + tailLines(output, 40));
    };

    std::uintmax_t offset = fs::file_size(outputPath(), ec);
    int status = runStack("start", std::chrono::seconds(300));
    if (status != 0) {
        throw failed("scripts/stack start exited with " + std::to_string(status), offset);
    }
    try {
        reloadEnv();
        for (const char* key : {"BASE_URL", "HTTPS_URL", "RESTD_PID", "RESTD_LOG"}) env(key);
        masterPid();
    } catch (const std::exception& e) {
        throw failed(std::string("bad ") + (stackDir() / "stack.env").string() + ": " + e.what(),
                     offset);
    }

    HttpResponse last;
    bool healthy = waitUntil(
        [&] {
            last = get(url("/health"), {}, {.timeoutSeconds = 5});
            return last.status == 200;
        },
        30s, 200ms);
    if (!healthy) {
        throw failed("GET " + url("/health") +
                         " did not answer 200 within 30 s; last: " + last.summary() +
                         "\n--- restd log tail ---\n" + tailLines(readFile(env("RESTD_LOG")), 20),
                     offset);
    }
}

bool Stack::stop() {
    if (!running_) return true;
    running_ = false;
    gStopOnSignal = false;
    try {
        int status = runStack("stop", std::chrono::seconds(150));
        if (status == 0) return true;
        std::cout << "error: scripts/stack stop exited with " << status << "; see "
                  << outputPath().string() << std::endl;
    } catch (const std::exception& e) {
        std::cout << "error: scripts/stack stop failed: " << e.what() << std::endl;
    }
    killLeftovers();
    return false;
}

// Each daemon leads its own process group (restd's workers and nginx's are in
// it); the name check keeps a recycled pid safe.
void Stack::killLeftovers() const {
    const std::string restdName = restdBin_.filename().string().substr(0, 15);  // comm's limit
    const std::pair<const char*, std::string> daemons[] = {
        {"RESTD_PID", restdName}, {"NGINX_PID", "nginx"}, {"MARIADB_PID", "mariadbd"}};
    for (const auto& [key, name] : daemons) {
        auto it = env_.find(key);
        if (it == env_.end() || it->second.empty()) continue;
        pid_t pid = static_cast<pid_t>(std::strtol(it->second.c_str(), nullptr, 10));
        if (pid <= 1 || !processAlive(pid)) continue;
        std::string comm = readFile("/proc/" + std::to_string(pid) + "/comm");
        if (!comm.starts_with(name)) continue;
        pid_t target = getpgid(pid) == pid ? -pid : pid;
        std::cout << "error: " << key << " " << pid << " outlived the stop: SIGTERM, then SIGKILL"
                  << std::endl;
        kill(target, SIGTERM);
        if (!waitUntil([pid] { return !processAlive(pid); }, 5s)) kill(target, SIGKILL);
    }
}

const std::string& Stack::env(const std::string& key) const {
    auto it = env_.find(key);
    if (it == env_.end()) throw std::out_of_range("stack.env has no " + key);
    return it->second;
}

std::string Stack::setting(std::string_view name) const {
    for (const auto& [key, value] : kTestSettings) {
        if (key == name) return std::string(value);
    }
    throw std::out_of_range("no test setting " + std::string(name));
}

std::vector<pid_t> Stack::workerPids() const {
    const pid_t master = masterPid();
    std::vector<pid_t> pids;
    DIR* proc = opendir("/proc");
    if (proc == nullptr) return pids;
    while (dirent* entry = readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end != '\0') continue;
        auto [state, ppid] = procStat(static_cast<pid_t>(pid));
        if (ppid == master && state != 0 && state != 'Z' && state != 'X') {
            pids.push_back(static_cast<pid_t>(pid));
        }
    }
    closedir(proc);
    std::sort(pids.begin(), pids.end());
    return pids;
}

int Stack::restartRestd(const fs::path& binary) {
    std::vector<std::string> env;
    for (const std::string& entry : gLaunch.envStrings) {
        if (!entry.starts_with("RESTD_BIN=")) env.push_back(entry);
    }
    env.push_back("RESTD_BIN=" + fs::absolute(binary).string());
    std::vector<char*> envp;
    for (std::string& entry : env) envp.push_back(entry.data());
    envp.push_back(nullptr);
    int status = runStack("restart-restd", std::chrono::seconds(60), envp.data());
    reloadEnv();
    return status;
}

fs::path Stack::restdTestBin() const {
    if (const char* fromEnv = std::getenv("RESTD_TEST_BIN"); fromEnv != nullptr && *fromEnv) {
        return fs::absolute(fromEnv);
    }
    return restdBin_.parent_path() / "restd-test";
}

int Stack::runStack(const std::string& command, std::chrono::seconds timeout) {
    return runStack(command, timeout, nullptr);
}

int Stack::runStack(const std::string& command, std::chrono::seconds timeout, char* const* envp) {
    if (gLaunch.outFd < 0) throw std::runtime_error("the test stack was never prepared");
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%FT%TZ", std::gmtime(&now));
    appendNote("\n== " + std::string(stamp) + " scripts/stack " + command + "\n");

    pid_t pid = spawnScript(command.c_str(), envp);
    if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
    gRunningScript = pid;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            gRunningScript = 0;
            return exitStatus(status);
        }
        if (done < 0 && errno != EINTR) {
            gRunningScript = 0;
            return -1;
        }
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(50ms);
    }
    // Outran its time: end the script and whatever it started in its group.
    appendNote("== scripts/stack " + command + " timed out after " +
               std::to_string(timeout.count()) + " s; killed\n");
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    gRunningScript = 0;
    return -1;
}

void Stack::attach() {
    root_ = findRepoRoot();
    reloadEnv();
    HttpResponse last;
    const bool healthy = waitUntil(
        [&] {
            last = get(url("/health"), {}, {.timeoutSeconds = 5});
            return last.status == 200;
        },
        30s, 200ms);
    if (!healthy) {
        throw std::runtime_error("attached stack: GET " + url("/health") +
                                 " did not answer 200 within 30 s; last: " + last.summary());
    }
}

void Stack::reloadEnv() {
    fs::path file = stackDir() / "stack.env";
    std::string text = readFile(file);
    if (text.empty()) throw std::runtime_error(file.string() + " is missing or empty");
    env_ = parseEnvFile(text);
}

std::string Stack::outputSince(std::uintmax_t offset) const {
    std::string all = readFile(outputPath());
    return offset < all.size() ? all.substr(offset) : all;
}

bool waitUntil(const std::function<bool()>& predicate, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (predicate()) return true;
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return false;
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(interval, deadline - now));
    }
}

bool processAlive(pid_t pid) {
    char state = procStat(pid).first;
    return state != 0 && state != 'Z' && state != 'X';
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

fs::path Stack::stackDir() const {
    if (const char* dir = std::getenv("TEST_STACK_DIR"); dir != nullptr && *dir != '\0') return dir;
    return root_ / "var" / "test-stack";
}

}  // namespace restd::test
