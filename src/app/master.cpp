// SPDX-License-Identifier: Apache-2.0
#include "app/master.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "app/metrics.h"
#include "app/worker.h"
#include "common/log.h"
#include "common/version.h"

namespace restd::app {

namespace {

// A worker that dies sooner than this after starting counts towards a crash loop.
constexpr auto kYoungDeath = std::chrono::seconds(2);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
constexpr auto kBackoffMemory = std::chrono::seconds(10);
// A worker that has not said it is ready by then is treated as ready.
constexpr auto kReadyTimeout = std::chrono::seconds(10);
// How often the loop runs without events (respawn backoff, grace deadlines).
constexpr int kTickMs = 250;

sigset_t masterSignals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP}) sigaddset(&set, s);
    return set;
}

std::string joinNames(const std::vector<std::string_view>& names) {
    std::string out;
    for (std::string_view n : names) (out += out.empty() ? "" : ",") += n;
    return out;
}

long ms(std::chrono::steady_clock::duration d) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

Master::Master(config::Config config)
    : config_(std::move(config)), startedAt_(std::chrono::system_clock::now()) {}

pid_t Master::spawn() {
    const pid_t master = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        log::error("fork failed", {{"error", std::strerror(errno)}});
        return -1;
    }
    if (pid == 0) {
        // Child: a worker dies with its master. It keeps the master's stop
        // signals blocked (its signalfd takes them) and unblocks the rest.
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != master) _exit(0);
        close(signalFd_);
        close(notePipe_[0]);
        for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP}) signal(s, SIG_DFL);
        sigset_t chld;
        sigemptyset(&chld);
        sigaddset(&chld, SIGCHLD);
        sigprocmask(SIG_UNBLOCK, &chld, nullptr);
        WorkerFds fds{.listen = socket_.fd,
                      .notes = notePipe_[1],
                      .handOverSend = handOver_[0],
                      .handOverReceive = handOver_[1]};
        int code = Worker(config_, fds, startedAt_).run();
        _exit(code);
    }
    Slot slot;
    slot.pid = pid;
    slot.startedAt = Clock::now();
    slot.generation = generation_;
    workers_.push_back(slot);
    log::info("worker started", {{"worker", static_cast<long>(pid)}, {"generation", generation_}});
    return pid;
}

void Master::retire(Slot& slot, const char* cause, int signal) {
    if (slot.state != State::Retiring) {
        slot.state = State::Retiring;
        slot.retiredAt = Clock::now();
        slot.cause = cause;
    }
    if (signal != 0) kill(slot.pid, signal);
}

// Notes come before exits: a worker writes its note before it starts to
// drain, so by the time its exit is reaped the note has been read.
void Master::readNotes() {
    WorkerNote note;
    while (read(notePipe_[0], &note, sizeof note) == sizeof note) {
        auto it = std::find_if(workers_.begin(), workers_.end(),
                               [&note](const Slot& s) { return s.pid == note.pid; });
        if (it == workers_.end()) continue;
        switch (note.event) {
            case WorkerNote::Ready:
                if (it->state == State::Starting) it->state = State::Ready;
                break;
            case WorkerNote::MaxRequests:
                retire(*it, "max requests", 0);
                break;
            case WorkerNote::RequestTimeout:
                retire(*it, "request timeout", 0);
                it->cause = "request timeout";  // also when it was draining already
                break;
            default:
                break;
        }
    }
}

void Master::reap() {
    while (true) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) return;
        metrics::workerReaped(pid);
        exited(pid, status);
    }
}

// Logs one worker exit with its cause. Only an exit nobody asked for is a
// "worker died" (a crash): it counts as a restart and, young, as a crash loop.
void Master::exited(pid_t pid, int status) {
    auto it = std::find_if(workers_.begin(), workers_.end(),
                           [pid](const Slot& s) { return s.pid == pid; });
    if (it == workers_.end()) return;
    const Slot slot = *it;
    workers_.erase(it);
    const long worker = static_cast<long>(pid);
    const long livedMs = ms(Clock::now() - slot.startedAt);
    const bool planned = slot.state == State::Retiring;

    if (WIFEXITED(status) && WEXITSTATUS(status) == kExitRequestTimeout) {
        log::warn("worker exited", {{"worker", worker},
                                    {"cause", "request timeout"},
                                    {"exitCode", kExitRequestTimeout},
                                    {"livedMs", livedMs}});
        return;
    }
    if (slot.killed) {
        log::warn("worker killed", {{"worker", worker},
                                    {"cause", slot.cause},
                                    {"signal", SIGKILL},
                                    {"graceSeconds", config_.graceSeconds}});
        return;
    }
    // Exit 0 is a drained worker; the master's SIGTERM or SIGHUP can still
    // kill one that was asked to stop before it set up its signal handling.
    const bool askedSignal =
        WIFSIGNALED(status) && (WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGHUP);
    if ((WIFEXITED(status) && WEXITSTATUS(status) == 0) || (planned && askedSignal)) {
        const char* cause = planned ? slot.cause : "stopped unasked";
        if (planned && std::string_view(cause) == "max requests") {
            metrics::countRestart(metrics::Restart::Recycle);
        }
        if (WIFSIGNALED(status)) {
            log::info(
                "worker exited",
                {{"worker", worker}, {"cause", cause}, {"signal", SIGTERM}, {"livedMs", livedMs}});
        } else {
            log::info(
                "worker exited",
                {{"worker", worker}, {"cause", cause}, {"exitCode", 0}, {"livedMs", livedMs}});
        }
        return;
    }

    ++restarts_;
    metrics::countRestart(metrics::Restart::Crash);
    if (WIFSIGNALED(status)) {
        log::error("worker died", {{"worker", worker},
                                   {"signal", WTERMSIG(status)},
                                   {"restarts", restarts_},
                                   {"livedMs", livedMs}});
    } else {
        log::error("worker died", {{"worker", worker},
                                   {"exitCode", WEXITSTATUS(status)},
                                   {"restarts", restarts_},
                                   {"livedMs", livedMs}});
    }
    if (Clock::now() - slot.startedAt < kYoungDeath) {
        // Only deaths close together make a loop: an old backoff is forgotten.
        if (Clock::now() - lastYoungDeath_ > kBackoffMemory)
            backoff_ = std::chrono::milliseconds(0);
        lastYoungDeath_ = Clock::now();
        backoff_ = std::min(kMaxBackoff, std::max(std::chrono::milliseconds(100), backoff_ * 2));
        nextSpawnAllowed_ = Clock::now() + backoff_;
        log::warn("workers are dying right after start; backing off",
                  {{"backoffMs", static_cast<long>(backoff_.count())}});
    } else {
        backoff_ = std::chrono::milliseconds(0);
    }
    // A reload whose first new worker dies before it is ready cannot finish:
    // the old workers keep serving, and systemd hears that the reload is over.
    if (reloading_ && slot.state == State::Starting && slot.generation == generation_) {
        reloading_ = false;
        log::error("reload incomplete: a new worker died before it was ready; old workers serve on",
                   {{"generation", generation_}});
        sd_notify(0, "READY=1\nSTATUS=reload incomplete: new workers die at start");
    }
}

// Keeps WORKERS workers serving, one replacement step at a time.
void Master::supervise() {
    const auto now = Clock::now();
    const auto grace = std::chrono::seconds(config_.graceSeconds) + std::chrono::seconds(1);
    for (Slot& s : workers_) {
        if (s.state == State::Retiring && !s.killed && now - s.retiredAt > grace) {
            log::warn("worker did not stop within GRACE_SECONDS; killing",
                      {{"worker", static_cast<long>(s.pid)}, {"cause", s.cause}});
            kill(s.pid, SIGKILL);
            s.killed = true;
        }
        if (s.state == State::Starting && now - s.startedAt > kReadyTimeout) {
            log::warn("worker did not report ready; counting it as ready",
                      {{"worker", static_cast<long>(s.pid)}});
            s.state = State::Ready;
        }
    }
    auto isActive = [](const Slot& s) { return s.state != State::Retiring; };
    auto isStarting = [](const Slot& s) { return s.state == State::Starting; };
    auto isOld = [this](const Slot& s) {
        return s.state != State::Retiring && s.generation < generation_;
    };
    long active = std::count_if(workers_.begin(), workers_.end(), isActive);
    const bool starting = std::any_of(workers_.begin(), workers_.end(), isStarting);

    // A new worker is ready: one worker too many, so the oldest old one drains.
    while (active > config_.workers && !starting) {
        auto victim = std::find_if(workers_.begin(), workers_.end(), isOld);
        if (victim == workers_.end())
            victim = std::find_if(workers_.begin(), workers_.end(), isActive);
        retire(*victim, "reload", SIGHUP);  // it hands its kept connections over
        --active;
    }
    if (now >= nextSpawnAllowed_) {
        if (active < config_.workers) {
            for (; active < config_.workers; ++active) spawn();
        } else if (!starting && std::any_of(workers_.begin(), workers_.end(), isOld)) {
            spawn();  // the next step of a reload
        }
    }

    const bool settled = std::none_of(workers_.begin(), workers_.end(), isStarting) &&
                         std::none_of(workers_.begin(), workers_.end(), isOld);
    if (!settled) return;
    if (starting_) {
        starting_ = false;
        sd_notifyf(0, "READY=1\nSTATUS=serving with %d workers", config_.workers);
        log::info("restd ready", {{"workers", config_.workers}});
    }
    if (reloading_) {
        reloading_ = false;
        sd_notifyf(0, "READY=1\nSTATUS=serving with %d workers", config_.workers);
        log::info("reload finished",
                  {{"generation", generation_}, {"durationMs", ms(now - reloadStartedAt_)}});
    }
}

// Re-reads the configuration; the workers are then replaced by supervise().
void Master::reload() {
    timespec mono{};
    clock_gettime(CLOCK_MONOTONIC, &mono);
    sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
               static_cast<unsigned long long>(mono.tv_sec) * 1000000ULL +
                   static_cast<unsigned long long>(mono.tv_nsec) / 1000ULL);
    reloadStartedAt_ = Clock::now();

    config::Config next;
    std::vector<std::string> ignored;
    try {
        next = config::Config::load(&ignored);
    } catch (const config::ConfigError& e) {
        log::error("reload failed: invalid configuration; keeping the running one",
                   {{"error", e.what()}});
        sd_notify(0,
                  "READY=1\nSTATUS=reload failed: invalid configuration; running the previous one");
        reloading_ = false;
        return;
    }
    for (const std::string& key : ignored) {
        log::warn("RESTD_ENV_FILE sets an unknown variable; ignored", {{"name", key}});
    }
    std::vector<std::string_view> restart;
    for (std::string_view name : next.changedFrom(config_)) {
        if (config::needsRestart(name)) restart.push_back(name);
    }
    next.fcgiListen = config_.fcgiListen;
    next.listenBacklog = config_.listenBacklog;
    if (!restart.empty()) {
        log::warn("reload: changed settings need a restart; ignored",
                  {{"names", joinNames(restart)}});
    }
    const std::string changed = joinNames(next.changedFrom(config_));
    const log::Level oldLevel = config_.logLevel;
    config_ = std::move(next);
    ++generation_;
    reloading_ = true;
    // The line must pass both the old and the new level.
    log::setLevel(std::min(oldLevel, config_.logLevel));
    log::info("reloading",
              {{"changed", changed}, {"generation", generation_}, {"workers", config_.workers}});
    log::setLevel(config_.logLevel);
}

void Master::stopAll() {
    sd_notify(0, "STOPPING=1\nSTATUS=stopping");
    log::info("stopping", {{"graceSeconds", config_.graceSeconds}});
    // New clients fail at once from here on; queued connections still reach
    // the draining workers.
    unlinkListenPath(socket_);
    reloading_ = false;
    for (Slot& s : workers_) retire(s, "shutdown", SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(config_.graceSeconds);
    while (!workers_.empty() && Clock::now() < deadline) {
        pollfd fds[2] = {{signalFd_, POLLIN, 0}, {notePipe_[0], POLLIN, 0}};
        poll(fds, 2, 100);
        signalfd_siginfo info;
        while (read(signalFd_, &info, sizeof info) == sizeof info) {
        }
        readNotes();
        reap();
        watchdog();
    }
    for (Slot& s : workers_) {
        log::warn("worker did not stop in time; killing", {{"worker", static_cast<long>(s.pid)}});
        kill(s.pid, SIGKILL);
        s.killed = true;
    }
    while (!workers_.empty()) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == EINTR) continue;
        if (pid < 0) break;
        exited(pid, status);
    }
    log::info("stopped");
}

void Master::watchdog() {
    if (watchdogEvery_ == Clock::duration::zero()) return;
    const auto now = Clock::now();
    if (now < nextWatchdog_) return;
    sd_notify(0, "WATCHDOG=1");
    nextWatchdog_ = now + watchdogEvery_;
}

int Master::run() {
    sigset_t set = masterSignals();
    sigprocmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);
    signalFd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signalFd_ < 0 || pipe2(notePipe_, O_CLOEXEC | O_NONBLOCK) != 0 ||
        socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, handOver_) != 0) {
        log::error("cannot set up the master", {{"error", std::strerror(errno)}});
        return 1;
    }
    try {
        socket_ = openListenSocket(config_.fcgiListen, config_.listenBacklog);
    } catch (const std::exception& e) {
        log::error(e.what());
        return 1;
    }
    uint64_t watchdogUsec = 0;
    if (sd_watchdog_enabled(0, &watchdogUsec) > 0 && watchdogUsec > 0) {
        watchdogEvery_ = std::chrono::microseconds(watchdogUsec / 2);
    }
    log::info("restd starting",
              {{"version", common::kVersion},
               {"env", config::appEnvName(config_.appEnv)},
               {"listen", socket_.fromSystemd ? "systemd socket" : config_.fcgiListen.c_str()},
               {"workers", config_.workers},
               {"threadsPerWorker", config_.threadsPerWorker},
               {"requestTimeoutSeconds", config_.requestTimeoutSeconds},
               {"watchdogMs", ms(watchdogEvery_ * 2)}});
    metrics::init(socket_.fd);  // before the first fork: every worker inherits the region
    watchdog();
    for (int i = 0; i < config_.workers; ++i) spawn();

    while (true) {
        // Wake for signals and notes, every kTickMs, and when a ping is due.
        int timeoutMs = kTickMs;
        if (watchdogEvery_ > Clock::duration::zero()) {
            timeoutMs = static_cast<int>(std::clamp<long>(
                ms(nextWatchdog_ - Clock::now() + std::chrono::milliseconds(1)), 0, kTickMs));
        }
        pollfd fds[2] = {{signalFd_, POLLIN, 0}, {notePipe_[0], POLLIN, 0}};
        poll(fds, 2, timeoutMs);
        signalfd_siginfo info;
        bool reloadAsked = false;
        while (read(signalFd_, &info, sizeof info) == sizeof info) {
            int sig = static_cast<int>(info.ssi_signo);
            if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT) {
                readNotes();
                reap();
                stopAll();
                return 0;
            }
            if (sig == SIGHUP) reloadAsked = true;
        }
        readNotes();
        reap();
        if (reloadAsked) reload();
        supervise();
        watchdog();
        // Between two scrapes too: the longest queue is the one no scrape saw.
        metrics::sampleListenQueue();
    }
}

}  // namespace restd::app
