#include "app/master.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "app/log.h"
#include "app/metrics.h"
#include "app/version.h"
#include "app/worker.h"

namespace restd::app {

namespace {

using Clock = std::chrono::steady_clock;

// A worker that dies sooner than this after starting counts towards a crash loop.
constexpr auto kYoungDeath = std::chrono::seconds(2);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);

sigset_t masterSignals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP}) sigaddset(&set, s);
    return set;
}

}  // namespace

Master::Master(Config config)
    : config_(std::move(config)), startedAt_(std::chrono::system_clock::now()) {}

pid_t Master::spawn() {
    pid_t pid = fork();
    if (pid < 0) {
        log::error("fork failed", {{"error", std::strerror(errno)}});
        return -1;
    }
    if (pid == 0) {
        // Child: a worker dies with its master, and starts with default signals.
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() == 1) _exit(0);
        sigset_t all = masterSignals();
        for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP}) signal(s, SIG_DFL);
        sigprocmask(SIG_UNBLOCK, &all, nullptr);
        int code = Worker(config_, socket_.fd, startedAt_).run();
        _exit(code);
    }
    workers_.push_back({pid, Clock::now(), false});
    return pid;
}

void Master::reap(bool stopping) {
    while (true) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) return;
        metrics::workerReaped(pid);
        auto it = std::find_if(workers_.begin(), workers_.end(),
                               [pid](const Slot& s) { return s.pid == pid; });
        if (it == workers_.end()) continue;
        Slot slot = *it;
        workers_.erase(it);
        bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (stopping || slot.retiring) continue;
        metrics::countRestart(clean ? metrics::Restart::Recycle : metrics::Restart::Crash);
        if (clean) {
            log::info("worker recycled", {{"worker", static_cast<long>(pid)}});
            continue;
        }
        ++restarts_;
        if (WIFSIGNALED(status)) {
            log::error("worker died", {{"worker", static_cast<long>(pid)},
                                       {"signal", WTERMSIG(status)},
                                       {"restarts", restarts_}});
        } else {
            log::error("worker died", {{"worker", static_cast<long>(pid)},
                                       {"exitCode", WEXITSTATUS(status)},
                                       {"restarts", restarts_}});
        }
        if (Clock::now() - slot.startedAt < kYoungDeath) {
            backoff_ =
                std::min(kMaxBackoff, std::max(std::chrono::milliseconds(100), backoff_ * 2));
            nextSpawnAllowed_ = Clock::now() + backoff_;
            log::warn("workers are dying right after start; backing off",
                      {{"backoffMs", static_cast<long>(backoff_.count())}});
        } else {
            backoff_ = std::chrono::milliseconds(0);
        }
    }
}

void Master::respawnMissing() {
    auto active =
        std::count_if(workers_.begin(), workers_.end(), [](const Slot& s) { return !s.retiring; });
    if (active < config_.workers && Clock::now() < nextSpawnAllowed_) return;
    for (; active < config_.workers; ++active) spawn();
}

// Replaces workers one at a time: start the new one, then let the old one
// finish its requests. The socket stays open throughout, so nothing is refused.
void Master::reload() {
    log::info("reloading: replacing workers");
    std::vector<pid_t> old;
    for (auto& s : workers_)
        if (!s.retiring) old.push_back(s.pid);
    for (pid_t pid : old) {
        if (spawn() < 0) break;
        for (auto& s : workers_)
            if (s.pid == pid) s.retiring = true;
        kill(pid, SIGTERM);
    }
}

void Master::stopAll() {
    sd_notify(0, "STOPPING=1");
    log::info("stopping", {{"graceSeconds", config_.graceSeconds}});
    for (auto& s : workers_) kill(s.pid, SIGTERM);
    auto deadline = Clock::now() + std::chrono::seconds(config_.graceSeconds);
    sigset_t set = masterSignals();
    while (!workers_.empty() && Clock::now() < deadline) {
        timespec ts{0, 100 * 1000 * 1000};
        sigtimedwait(&set, nullptr, &ts);
        reap(true);
    }
    for (auto& s : workers_) {
        log::warn("worker did not stop in time; killing", {{"worker", static_cast<long>(s.pid)}});
        kill(s.pid, SIGKILL);
    }
    while (!workers_.empty()) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) break;
        std::erase_if(workers_, [pid](const Slot& s) { return s.pid == pid; });
    }
    if (!socket_.unixPath.empty()) unlink(socket_.unixPath.c_str());
    log::info("stopped");
}

int Master::run() {
    sigset_t set = masterSignals();
    sigprocmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);
    try {
        socket_ = openListenSocket(config_.fcgiListen, config_.listenBacklog);
    } catch (const std::exception& e) {
        log::error(e.what());
        return 1;
    }
    log::info("restd starting",
              {{"version", kVersion},
               {"env", appEnvName(config_.appEnv)},
               {"listen", socket_.fromSystemd ? "systemd socket" : config_.fcgiListen.c_str()},
               {"workers", config_.workers},
               {"threadsPerWorker", config_.threadsPerWorker}});
    metrics::init();  // before the first fork: every worker inherits the region
    for (int i = 0; i < config_.workers; ++i) spawn();
    sd_notify(0, "READY=1");

    while (true) {
        timespec ts{0, 250 * 1000 * 1000};
        int sig = sigtimedwait(&set, nullptr, &ts);
        if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT) {
            stopAll();
            return 0;
        }
        if (sig == SIGHUP) reload();
        reap(false);
        respawnMissing();
    }
}

}  // namespace restd::app
