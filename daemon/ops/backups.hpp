// Backups: `kibaru backup FILE` and the ones the daemon takes every [backup] every_hours. A
// backup is written as "<file>.partial" with SQLite's online backup (a running daemon keeps
// sending), checked (verify_copy), and only then renamed to its name: a file under a backup's
// name is whole and verified. Then `backup.written` is audited in the live database.
#pragma once

#include "core/config.hpp"
#include "core/time.hpp"
#include "ops/backup_check.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"
#include "store/backup.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kibaru::ops {

struct BackupOptions {
    bool force = false; // replace a file already there
    store::CopyOptions copy;
};

struct BackupReport {
    std::string file; // absolute path
    std::int64_t bytes = 0;
    std::int64_t pages = 0;
    double seconds = 0; // copying and checking
    CopyVerdict verdict;
    // False when the copy failed its checks: nothing is left under `file` (nor as .partial).
    bool written() const { return verdict.ok(); }
};

// Writes and checks a backup of `source` as `file`, without the audit entry (record_backup
// writes it, on the connection that owns the audit log). Errors: invalid when `file` is a
// directory or its directory does not exist; conflict when `file` exists and `force` is not set,
// or when it is the database itself or one of its files. A copy that fails its checks is no
// error: the report's verdict says why. Throws store::StoreError when the copy cannot be
// written (disk full, I/O error), leaving no partial file. Runs on the caller's thread, with
// `source` a connection of that thread; any thread will do.
Result<BackupReport> write_backup(store::Database& source, const std::string& file,
                                  const BackupOptions& options);

// Audits `backup.written` on `report.file`: bytes, pages, audit_seq (the last audit entry the
// copy holds), scheduled. In its own transaction on env.db; throws store::StoreError.
void record_backup(const Env& env, const BackupReport& report, bool scheduled);

// `kibaru backup FILE`: write_backup from env.db, then record_backup when it was written.
Result<BackupReport> back_up(const Env& env, const std::string& file, const BackupOptions& options);

// Where scheduled backups go: [backup] dir, else backups/ beside the database.
std::string backup_dir(const core::Config& config);

// True when a scheduled backup is due at `now` ([backup] every_hours > 0 and the newest
// kibaru-*.db in backup_dir is that old, or there is none). Reads the directory.
bool scheduled_backup_due(const core::Config& config, core::Instant now);

struct ScheduledBackup {
    BackupReport report;
    std::vector<std::string> deleted;  // older backups removed to keep [backup] keep
    std::vector<std::string> problems; // older backups that could not be removed, and why
};

// Takes the backup due at `now` as backup_dir/core::backup_file_name(now) (creating the
// directory), and once it is written and verified deletes the oldest beyond [backup] keep; a
// copy that failed its checks deletes nothing. Errors and threads as write_backup.
Result<ScheduledBackup> take_scheduled_backup(store::Database& source, const core::Config& config,
                                              core::Instant now, const store::CopyOptions& copy);

// Audits a scheduled backup: `backup.written` (scheduled), then `backup.deleted` for each file
// it removed, in one transaction on env.db. Does nothing for a copy that was not written.
void record_scheduled_backup(const Env& env, const ScheduledBackup& backup);

} // namespace kibaru::ops
