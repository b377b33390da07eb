// SPDX-License-Identifier: Apache-2.0
#include "common/log.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <mutex>
#include <string>

#include "common/time.h"

namespace restd::log {

namespace {

std::atomic<log::Level> gLevel{log::Level::Info};

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

std::string_view format(log::Level level, std::string_view msg,
                        std::initializer_list<Field> fields) {
    char time[common::kIsoTimeSize];
    common::formatIsoTime(std::chrono::system_clock::now(), time);
    std::string_view levelText = levelName(level);
    // 64 covers the literal text below (33 bytes); a field adds a comma and a colon.
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
