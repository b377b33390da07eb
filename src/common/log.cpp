// SPDX-License-Identifier: Apache-2.0
#include "common/log.h"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <string>

#include "common/time.h"

namespace restd::log {

namespace {

std::atomic<log::Level> gLevel{log::Level::Info};
std::atomic<bool> gJournal{false};

// getpid() is a system call on every log line otherwise; the pid only changes
// in the child of a fork, which forgets the cached one.
std::atomic<int> gPid{0};

int pid() {
    int p = gPid.load(std::memory_order_relaxed);
    if (p != 0) return p;
    static std::once_flag registered;
    std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, [] { gPid.store(0); }); });
    p = static_cast<int>(getpid());
    gPid.store(p, std::memory_order_relaxed);
    return p;
}

// sd-daemon.h's SD_DEBUG, SD_INFO, SD_WARNING and SD_ERR: syslog priorities.
std::string_view journalPrefix(log::Level l) {
    switch (l) {
        case log::Level::Debug:
            return "<7>";
        case log::Level::Info:
            return "<6>";
        case log::Level::Warn:
            return "<4>";
        case log::Level::Error:
            return "<3>";
    }
    return "<6>";
}

std::string_view levelName(log::Level l) {
    switch (l) {
        case log::Level::Debug:
            return "debug";
        case log::Level::Info:
            return "info";
        case log::Level::Warn:
            return "warn";
        case log::Level::Error:
            return "error";
    }
    return "info";
}

// The line is built by hand rather than with a generic JSON writer: every
// request logs one. Values are escaped as RapidJSON's writer does (quote,
// backslash and control characters; other bytes, UTF-8 or not, pass
// through). The writers below write into a buffer sized beforehand for the
// worst case (kMaxEscaped bytes per byte of text), so no byte is checked
// against a capacity.
constexpr size_t kMaxEscaped = 6;  // \u001f
constexpr size_t kMaxNumber = 32;  // an int64 or a shortest double, with room

constexpr auto kEscaped = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = true;
    t['"'] = t['\\'] = true;
    return t;
}();

char* putRaw(char* out, std::string_view s) { return std::copy(s.begin(), s.end(), out); }

char* putString(char* out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    *out++ = '"';
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (!kEscaped[c]) {
            *out++ = ch;
            continue;
        }
        *out++ = '\\';
        switch (c) {
            case '"':
            case '\\':
                *out++ = ch;
                break;
            case '\b':
                *out++ = 'b';
                break;
            case '\f':
                *out++ = 'f';
                break;
            case '\n':
                *out++ = 'n';
                break;
            case '\r':
                *out++ = 'r';
                break;
            case '\t':
                *out++ = 't';
                break;
            default:
                out = putRaw(out, "u00");
                *out++ = kHex[c >> 4];
                *out++ = kHex[c & 0xf];
        }
    }
    *out++ = '"';
    return out;
}

template <class Number>
char* putNumber(char* out, Number n) {
    auto [end, ec] = std::to_chars(out, out + kMaxNumber, n);
    return ec == std::errc() ? end : putRaw(out, "null");
}

char* putValue(char* out, const Field& f) {
    return std::visit(
        [out](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>)
                return putString(out, v);
            else if constexpr (std::is_same_v<T, int64_t>)
                return putNumber(out, v);
            else if constexpr (std::is_same_v<T, double>)  // JSON has no NaN or infinity
                return std::isfinite(v) ? putNumber(out, v) : putRaw(out, "null");
            else if constexpr (std::is_same_v<T, bool>)
                return putRaw(out, v ? "true" : "false");
            else
                return putRaw(out, "null");
        },
        f.value);
}

size_t maxSize(std::string_view s) { return kMaxEscaped * s.size() + 2; }

}  // namespace

void setLevel(log::Level level) { gLevel.store(level, std::memory_order_relaxed); }

bool enabled(log::Level level) { return level >= gLevel.load(std::memory_order_relaxed); }

bool isJournalStream(const char* journalStream, unsigned long long device,
                     unsigned long long inode) {
    if (journalStream == nullptr) return false;
    std::string_view text(journalStream);
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    auto number = [](std::string_view digits, unsigned long long& out) {
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        return !digits.empty() && ec == std::errc() && end == digits.data() + digits.size();
    };
    unsigned long long dev = 0, ino = 0;
    return number(text.substr(0, colon), dev) && number(text.substr(colon + 1), ino) &&
           dev == device && ino == inode;
}

void detectJournal() {
    struct stat st {};
    bool journal = fstat(STDERR_FILENO, &st) == 0 &&
                   isJournalStream(std::getenv("JOURNAL_STREAM"), st.st_dev, st.st_ino);
    gJournal.store(journal, std::memory_order_relaxed);
}

void setJournal(bool on) { gJournal.store(on, std::memory_order_relaxed); }

std::string_view priorityPrefix(log::Level level) {
    return gJournal.load(std::memory_order_relaxed) ? journalPrefix(level) : std::string_view();
}

std::string_view format(log::Level level, std::string_view msg,
                        std::initializer_list<Field> fields) {
    char time[common::kIsoTimeSize];
    common::formatIsoTime(std::chrono::system_clock::now(), time);
    std::string_view levelText = levelName(level);
    std::string_view prefix = priorityPrefix(level);
    // 64 covers the literal text below (33 bytes) and the prefix (3); a field
    // adds a comma and a colon.
    size_t bound =
        64 + maxSize({time, sizeof time}) + maxSize(levelText) + maxSize(msg) + kMaxNumber;
    for (const Field& f : fields) {
        bound += maxSize(f.key) + 2;
        const auto* text = std::get_if<std::string_view>(&f.value);
        bound += text ? maxSize(*text) : kMaxNumber;
    }
    thread_local std::string line;  // only grows: no allocation once warm
    if (line.size() < bound) line.resize(bound);
    char* out = line.data();
    out = putRaw(out, prefix);
    out = putRaw(out, "{\"time\":");
    out = putString(out, {time, sizeof time});
    out = putRaw(out, ",\"level\":");
    out = putString(out, levelText);
    out = putRaw(out, ",\"msg\":");
    out = putString(out, msg);
    out = putRaw(out, ",\"pid\":");
    out = putNumber(out, pid());
    for (const Field& f : fields) {
        *out++ = ',';
        out = putString(out, f.key);
        *out++ = ':';
        out = putValue(out, f);
    }
    out = putRaw(out, "}\n");
    return {line.data(), static_cast<size_t>(out - line.data())};
}

void write(log::Level level, std::string_view msg, std::initializer_list<Field> fields) {
    if (!enabled(level)) return;
    std::string_view line = format(level, msg, fields);
    const char* p = line.data();
    size_t left = line.size();
    while (left > 0) {
        ssize_t n = ::write(STDERR_FILENO, p, left);
        if (n <= 0) break;  // nowhere to report a failing log
        p += n;
        left -= static_cast<size_t>(n);
    }
}

}  // namespace restd::log
