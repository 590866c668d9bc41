#include "app/backup_schedule.hpp"

#include "ops/backups.hpp"
#include "store/sqlite.hpp"

#include <spdlog/spdlog.h>

#include <optional>

namespace kibaru::app {

namespace {

std::int64_t minutes(std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::minutes>(d).count();
}

} // namespace

struct BackupSchedule::Outcome {
    std::optional<ops::ScheduledBackup> backup;
    std::string error; // when the backup could not be taken at all
};

BackupSchedule::BackupSchedule(boost::asio::io_context& io, store::Database& db,
                               const core::Config& config, std::string actor,
                               std::function<core::Instant()> clock, Timing timing)
    : m_io(io), m_db(db), m_config(config), m_actor(std::move(actor)), m_clock(std::move(clock)),
      m_timing(timing), m_timer(io) {}

BackupSchedule::~BackupSchedule() {
    m_cancel = true;
    if (m_worker.joinable()) {
        m_worker.join();
    }
}

void BackupSchedule::start() {
    if (m_config.backup.every_hours == 0) {
        spdlog::info("scheduled backups are off ([backup] every_hours = 0)");
        return;
    }
    spdlog::info("a backup every {} h into {}, keeping {}", m_config.backup.every_hours,
                 ops::backup_dir(m_config), m_config.backup.keep);
    arm(m_timing.first_look);
}

void BackupSchedule::stop() {
    m_stopped = true;
    m_cancel = true;
    m_timer.cancel();
}

void BackupSchedule::arm(std::chrono::steady_clock::duration delay) {
    m_timer.expires_after(delay);
    m_timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !m_stopped) {
            look();
        }
    });
}

void BackupSchedule::look() {
    const auto now = m_clock();
    bool due = false;
    try {
        due = !m_running && ops::scheduled_backup_due(m_config, now);
    } catch (const std::exception& e) {
        spdlog::error("scheduled backup: cannot read {}: {}", ops::backup_dir(m_config), e.what());
    }
    if (!due) {
        arm(m_timing.look_every);
        return;
    }
    if (m_worker.joinable()) {
        m_worker.join(); // the last one, finished: its outcome came back already
    }
    m_running = true;
    try {
        start_worker(now);
    } catch (const std::exception& e) {
        // No thread to be had (a process or memory limit): not a reason to stop sending.
        m_running = false;
        spdlog::error("scheduled backup: cannot start its thread ({}); trying again later",
                      e.what());
        arm(m_timing.look_every);
    }
}

void BackupSchedule::start_worker(core::Instant now) {
    m_worker = std::thread([this, now] {
        Outcome outcome;
        try {
            // A connection of this thread's own; the loop's is the loop's alone.
            auto source =
                store::Database::open(m_config.database.path, m_config.database.busy_timeout_ms,
                                      m_config.database.synchronous);
            source->interrupt_when(&m_cancel);
            store::CopyOptions copy;
            copy.cancel = &m_cancel;
            auto taken = ops::take_scheduled_backup(*source, m_config, now, copy);
            if (taken) {
                outcome.backup = std::move(*taken);
            } else {
                outcome.error = taken.error().message;
            }
        } catch (const std::exception& e) {
            outcome.error = e.what();
        }
        boost::asio::post(m_io, [this, outcome = std::move(outcome)] { finished(outcome); });
    });
}

void BackupSchedule::finished(const Outcome& outcome) {
    m_running = false;
    if (m_stopped) {
        return;
    }
    arm(m_timing.look_every);
    if (!outcome.backup) {
        spdlog::error("scheduled backup failed: {}; trying again in {} minutes", outcome.error,
                      minutes(m_timing.look_every));
        return;
    }
    const auto& backup = *outcome.backup;
    const auto& report = backup.report;
    if (!report.written()) {
        spdlog::error("scheduled backup not kept: {}; trying again in {} minutes",
                      report.verdict.problem(), minutes(m_timing.look_every));
        return;
    }
    for (const auto& problem : backup.problems) {
        spdlog::warn("scheduled backup: {}", problem);
    }
    try {
        const ops::Env env{m_db, m_config, ops::Actor{m_actor, ops::Role::admin}, m_clock()};
        ops::record_scheduled_backup(env, backup);
    } catch (const std::exception& e) {
        spdlog::error("scheduled backup {} written but not audited: {}", report.file, e.what());
    }
    spdlog::info("backup {} written and verified ({} pages, {:.1f} s, audit entries up to {}); {} "
                 "older deleted",
                 report.file, report.pages, report.seconds, report.verdict.audit_seq,
                 backup.deleted.size());
}

} // namespace kibaru::app
