#include "app/sqlite_log.hpp"

#include "store/sqlite.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <mutex>
#include <utility>

namespace kibaru::app {

namespace {

constexpr auto k_quiet_for = std::chrono::minutes(1);

struct Quiet {
    std::chrono::steady_clock::time_point last;
    int left_out = 0;
};

spdlog::level::level_enum level_of(store::LogSeverity severity) {
    switch (severity) {
    case store::LogSeverity::error:
        return spdlog::level::err;
    case store::LogSeverity::warning:
        return spdlog::level::warn;
    case store::LogSeverity::info:
        return spdlog::level::info;
    case store::LogSeverity::debug:
        break;
    }
    return spdlog::level::debug;
}

// Runs on whichever thread SQLite was on: the loop, a console worker, a backup's thread.
void log_sqlite(store::LogSeverity severity, int code, const char* message) {
    const auto level = level_of(severity);
    if (!spdlog::should_log(level)) {
        return;
    }
    static std::mutex mutex;
    static std::map<int, Quiet> by_code;
    int left_out = 0;
    {
        std::lock_guard lock(mutex);
        auto& quiet = by_code[code];
        const auto now = std::chrono::steady_clock::now();
        if (quiet.last != std::chrono::steady_clock::time_point{} &&
            now - quiet.last < k_quiet_for) {
            ++quiet.left_out;
            return;
        }
        quiet.last = now;
        left_out = std::exchange(quiet.left_out, 0);
    }
    if (left_out > 0) {
        spdlog::log(level, "sqlite (code {}): {} (and {} more like it in the last minute)", code,
                    message, left_out);
    } else {
        spdlog::log(level, "sqlite (code {}): {}", code, message);
    }
}

} // namespace

bool route_sqlite_log() {
    return store::route_error_log(&log_sqlite);
}

} // namespace kibaru::app
