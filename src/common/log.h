// SPDX-License-Identifier: Apache-2.0
// Structured logging: one JSON object per line on stderr (journald or the
// stack's log file picks it up), written with a single write(2) so lines from
// threads and processes never interleave. Thread-safe. When stderr is the
// journal's stream, each line starts with its syslog priority ("<3>" for an
// error, as sd-daemon.h's SD_ERR), which journald strips and records, so
// `journalctl -p err` finds restd's errors.
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

// Whether stderr is connected to the journal, the way systemd documents it:
// JOURNAL_STREAM is "<device>:<inode>" of the stream it gave the service, and
// fd 2 still is that stream (a child whose stderr was redirected elsewhere
// inherits the variable but not the stream). Called once at start, before
// any fork; the answer holds until the next call.
void detectJournal();
// The answer of detectJournal(), set by hand (tests).
void setJournal(bool on);
// Whether `journalStream` (JOURNAL_STREAM's value, or null) names the file
// with this device and inode.
bool isJournalStream(const char* journalStream, unsigned long long device,
                     unsigned long long inode);
// The priority prefix a line of `level` starts with: "<3>", "<4>", "<6>" or
// "<7>" while stderr is the journal, else empty. For the few plain-text
// lines restd writes to stderr itself (a configuration error at start).
std::string_view priorityPrefix(log::Level level);

// {"time","level","msg","pid",<fields>...}
void write(log::Level level, std::string_view msg, std::initializer_list<Field> fields = {});

// The line write() would write (priority prefix included, see
// detectJournal()), newline included, whatever the level. Valid
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
