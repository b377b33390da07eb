#include "app/log.h"

#include <pthread.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include "common/time.h"

namespace restd::app::log {

namespace {

std::atomic<LogLevel> gLevel{LogLevel::Info};

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

std::string_view levelName(LogLevel l) {
    switch (l) {
        case LogLevel::Debug:
            return "debug";
        case LogLevel::Info:
            return "info";
        case LogLevel::Warn:
            return "warn";
        case LogLevel::Error:
            return "error";
    }
    return "info";
}

void writeStr(rapidjson::Writer<rapidjson::StringBuffer>& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

void setLevel(LogLevel level) { gLevel.store(level, std::memory_order_relaxed); }

bool enabled(LogLevel level) { return level >= gLevel.load(std::memory_order_relaxed); }

void write(LogLevel level, std::string_view msg, std::initializer_list<Field> fields) {
    if (!enabled(level)) return;
    // The buffer and the writer's own stack live as long as the thread.
    thread_local rapidjson::StringBuffer buf;
    thread_local rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
    auto& w = writer;
    buf.Clear();
    w.Reset(buf);
    char time[common::kIsoTimeSize];
    common::formatIsoTime(std::chrono::system_clock::now(), time);
    w.StartObject();
    w.Key("time");
    writeStr(w, {time, sizeof time});
    w.Key("level");
    writeStr(w, levelName(level));
    w.Key("msg");
    writeStr(w, msg);
    w.Key("pid");
    w.Int(pid());
    for (const Field& f : fields) {
        w.Key(f.key.data(), static_cast<rapidjson::SizeType>(f.key.size()));
        std::visit(
            [&w](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string_view>)
                    writeStr(w, v);
                else if constexpr (std::is_same_v<T, int64_t>)
                    w.Int64(v);
                else if constexpr (std::is_same_v<T, double>)
                    w.Double(v);
                else if constexpr (std::is_same_v<T, bool>)
                    w.Bool(v);
                else
                    w.Null();
            },
            f.value);
    }
    w.EndObject();
    buf.Put('\n');
    const char* p = buf.GetString();
    size_t left = buf.GetSize();
    while (left > 0) {
        ssize_t n = ::write(STDERR_FILENO, p, left);
        if (n <= 0) break;  // nowhere to report a failing log
        p += n;
        left -= static_cast<size_t>(n);
    }
}

}  // namespace restd::app::log
