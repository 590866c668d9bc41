// The daemon's scheduled backups ([backup] every_hours, dir, keep). A timer on the loop looks
// every ten minutes whether one is due; when it is, a thread of its own takes it with its own
// connection (ops::take_scheduled_backup: SQLite's online backup in steps of 256 pages, then
// the checks), so the loop, and sending, never wait on it. The outcome comes back to the loop
// (asio::post), which audits it on the daemon's connection and logs it.
#pragma once

#include "core/config.hpp"
#include "core/time.hpp"
#include "net/asio.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace kibaru::store {
class Database;
}

namespace kibaru::app {

class BackupSchedule {
public:
    struct Timing {
        // The first look, a few minutes after start: the daemon recovers and opens weeks first,
        // and a daemon started for a moment (a test, a check) takes none.
        std::chrono::steady_clock::duration first_look = std::chrono::minutes(10);
        // Then one look every so often: a directory listing, nothing more.
        std::chrono::steady_clock::duration look_every = std::chrono::minutes(10);
    };

    // `db` is the daemon's connection (the loop's); `clock` its clock, which names the files.
    BackupSchedule(boost::asio::io_context& io, store::Database& db, const core::Config& config,
                   std::string actor, std::function<core::Instant()> clock, Timing timing);
    BackupSchedule(boost::asio::io_context& io, store::Database& db, const core::Config& config,
                   std::string actor, std::function<core::Instant()> clock)
        : BackupSchedule(io, db, config, std::move(actor), std::move(clock), Timing{}) {}
    // Waits for a backup under way after stop() (it stops between two steps or inside its
    // checks, and removes its partial file). Main thread, after the loop has stopped.
    ~BackupSchedule();
    BackupSchedule(const BackupSchedule&) = delete;
    BackupSchedule& operator=(const BackupSchedule&) = delete;

    // Arms the first look (Timing::first_look). Does nothing when [backup] every_hours is 0.
    // Loop thread.
    void start();
    // Cancels the timer and asks a backup under way to stop. Loop thread; never blocks.
    void stop();

private:
    struct Outcome;
    void arm(std::chrono::steady_clock::duration delay);
    void look();
    // Takes the backup on a thread of its own; throws when none can start (std::system_error).
    void start_worker(core::Instant now);
    void finished(const Outcome& outcome);

    boost::asio::io_context& m_io;
    store::Database& m_db;
    const core::Config& m_config;
    std::string m_actor;
    std::function<core::Instant()> m_clock;
    Timing m_timing;
    boost::asio::steady_timer m_timer;
    std::thread m_worker;
    std::atomic<bool> m_cancel{false};
    bool m_running = false; // a backup is under way (loop thread's view)
    bool m_stopped = false;
};

} // namespace kibaru::app
