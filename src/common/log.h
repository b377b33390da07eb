// SPDX-License-Identifier: Apache-2.0
// Structured logging: one JSON object per line on stderr (journald or the
// stack's log file picks it up), written with a single write(2) so lines from
// threads and processes never interleave. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace restd::log {

enum class Level { Debug, Info, Warn, Error };

struct Field {
    std::string_view key;
    std::variant<std::string_view, int64_t, double, bool, std::nullptr_t> value;
    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
    Field(std::string_view k, long v) : key(k), value(static_cast<int64_t>(v)) {}
    Field(std::string_view k, long long v) : key(k), value(static_cast<int64_t>(v)) {}
    Field(std::string_view k, unsigned long v) : key(k), value(static_cast<int64_t>(v)) {}
    Field(std::string_view k, double v) : key(k), value(v) {}
    Field(std::string_view k, bool v) : key(k), value(v) {}
    Field(std::string_view k, std::nullptr_t) : key(k), value(nullptr) {}
};

void setLevel(log::Level level);
bool enabled(log::Level level);

// {"time","level","msg","pid",<fields>...}
void write(log::Level level, std::string_view msg, std::initializer_list<Field> fields = {});

// The line write() would write, newline included, whatever the level. Valid
// until this thread's next format() or write().
std::string_view format(log::Level level, std::string_view msg,
                        std::initializer_list<Field> fields);

inline void debug(std::string_view msg, std::initializer_list<Field> f = {}) {
    write(log::Level::Debug, msg, f);
}
inline void info(std::string_view msg, std::initializer_list<Field> f = {}) {
    write(log::Level::Info, msg, f);
}
inline void warn(std::string_view msg, std::initializer_list<Field> f = {}) {
    write(log::Level::Warn, msg, f);
}
inline void error(std::string_view msg, std::initializer_list<Field> f = {}) {
    write(log::Level::Error, msg, f);
}

}  // namespace restd::log
