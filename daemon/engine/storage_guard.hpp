// The engine's writes while the database may refuse them (disk full, read-only, I/O error,
// locked too long): a refused write pauses claiming rather than ending the daemon. The guard
// runs each write, keeps the StorageHealth (engine/storage_health.hpp), says why in the log and
// on /healthz (util::Metrics::storage_failure), asks the engine to try again every
// `retry_every`, and writes the `storage.recovered` audit entry into the first transaction that
// commits afterwards. What to try again (recovery, then a pump) is the engine's.
#pragma once

#include "engine/slow_writes.hpp"
#include "engine/storage_health.hpp"
#include "net/asio.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <string>
#include <utility>

namespace kibaru::store {
class Database;
}

namespace kibaru::util {
struct Metrics;
}

namespace kibaru::engine {

class StorageGuard {
public:
    struct Options {
        std::chrono::milliseconds retry_every{2000};
        util::Metrics* metrics = nullptr; // /healthz and kibaru_storage_ok, when given
        bool rethrow = false; // a one-off run ends with the error instead of waiting for the disk
    };
    // `retry` runs on `io` every retry_every while writes fail, until one commits or stop();
    // `answers_waiting` tells the log whether gateway answers wait in memory.
    StorageGuard(boost::asio::io_context& io, Options options, std::function<void()> retry,
                 std::function<bool()> answers_waiting);
    // Logs the slow writes no warning has named yet.
    ~StorageGuard() noexcept;
    StorageGuard(const StorageGuard&) = delete;
    StorageGuard& operator=(const StorageGuard&) = delete;

    // Which write it is. A dispatcher cycle's write is timed: sending waits for it, and a few
    // dozen rows that take 100 ms mean a slow disk (or a lock held elsewhere); a week's opening
    // or closing is long by its size, in steps the scheduler bounds, and is not. And the
    // cycle's retry runs that same write again, so an unexpected error in it can wait like a
    // refusal (absorbed()).
    enum class Write : bool { other, cycle };

    // Runs `transaction`, which rolls itself back when it throws. False when it failed: the
    // database refused it, or, in a cycle's write, anything else threw (`doing` names the write
    // in the log). Other errors propagate, and every error with Options::rethrow (a one-off
    // run). A cycle's write that took SlowWrites::k_slow or longer is logged
    // (engine/slow_writes.hpp).
    // A template, not a std::function: the dispatcher's transaction captures more than its
    // small buffer holds, and a heap allocation per cycle would buy nothing.
    template <typename Transaction>
    bool write(const char* doing, Transaction&& transaction) {
        return write(doing, Write::other, std::forward<Transaction>(transaction));
    }
    template <typename Transaction>
    bool write(const char* doing, Write kind, Transaction&& transaction) {
        // Other writes (a week's opening) read no clock.
        const auto start = kind == Write::cycle ? std::chrono::steady_clock::now()
                                                : std::chrono::steady_clock::time_point{};
        try {
            transaction();
        } catch (const std::exception& e) {
            if (!absorbed(doing, e, kind)) {
                throw;
            }
            return false;
        }
        if (kind == Write::cycle) {
            const auto end = std::chrono::steady_clock::now();
            if (end - start >= SlowWrites::k_slow || m_slow.summary_due(end)) {
                timed_write(doing, end - start, end);
            }
        }
        return true;
    }

    bool failing() const { return m_health.failing(); }
    // Tries again later (the engine's retry found nothing to write).
    void retry_later();
    // No more retries: the engine is stopping.
    void stop();

    // Inside the first transaction that writes after a failure (a failure itself could not be
    // audited): for how long writes failed, and why. Nothing while writes succeed.
    void audit_if_resuming(store::Database& db, const std::string& now, const std::string& actor);
    // That transaction committed: the failure is over.
    void resumed();

private:
    // True once the failure is logged and a retry planned; false when the caller must rethrow
    // it (see write()).
    bool absorbed(const char* doing, const std::exception& e, Write kind);
    void refused(const char* doing, const std::string& error);
    // Counts and logs a slow write, or a summary that came due (never throws: the write is
    // committed, and its claims must go out).
    void timed_write(const char* doing, std::chrono::steady_clock::duration took,
                     std::chrono::steady_clock::time_point now) noexcept;

    StorageHealth m_health;
    SlowWrites m_slow;
    boost::asio::steady_timer m_timer;
    Options m_options;
    std::function<void()> m_retry;
    std::function<bool()> m_answers_waiting;
    bool m_stopped = false;
};

} // namespace kibaru::engine
