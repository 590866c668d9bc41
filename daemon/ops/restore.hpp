// `kibaru restore FILE`: a backup put back in place of the database. The copy is checked first
// (verify_copy) and refused when it fails; the database it replaces is kept beside it; the copy
// goes in with SQLite's backup API, so the database file is replaced in one transaction (never
// half a database under its name) and connections other processes hold on it stay valid.
#pragma once

#include "core/config.hpp"
#include "core/time.hpp"
#include "ops/backup_check.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"
#include "store/backup.hpp"

#include <cstdint>
#include <string>

namespace kibaru::ops {

struct RestoreReport {
    std::string file;     // the backup restored, absolute
    std::string database; // the database it replaced
    std::string kept;     // where the replaced database was kept; "" when there was none
    CopyVerdict verdict;
    bool restored = false;  // false: the copy failed its checks and nothing was changed
    int migrated_from = 0;  // the copy's schema version, now migrated to this build's
    std::int64_t pages = 0; // copied into the database
    double seconds = 0;
};

// Checks `file`; a copy that fails is not restored (restored = false, nothing touched). Then,
// holding the daemon's lock (database_lock.hpp) so that no daemon starts meanwhile: keeps
// [database] path as "<path>.before-restore-<UTC instant>" (its files as they are when it is
// too damaged to be copied), copies the backup over it, migrates it to this build's schema and
// audits `backup.restored` (and `database.migrate`) in it as `actor` at `now`.
// Errors: not_found when `file` does not exist; conflict when a daemon runs on the database (its
// lock is held) or `file` is the database itself. Throws store::StoreError when the database
// cannot be written, std::runtime_error when the lock file cannot be opened. Runs on the
// caller's thread.
Result<RestoreReport> restore_backup(const core::Config& config, const Actor& actor,
                                     core::Instant now, const std::string& file,
                                     const store::CopyOptions& copy);

} // namespace kibaru::ops
