// Copies of a whole database with SQLite's online backup API: a backup file written while the
// daemon sends, and a backup copied back into place by `kibaru restore`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace kibaru::store {

class Database;

struct CopyOptions {
    // Pages per sqlite3_backup_step and the pause after each step: the copy gives the disk back
    // to the daemon between steps instead of reading a national database in one go.
    int pages_per_step = 256;
    std::chrono::milliseconds pause{1};
    // The copy is synced to disk every this many bytes: left dirty until the commit, a national
    // database's gigabytes would go to the disk in one burst, and every fsync of the daemon's
    // (one per dispatcher cycle) would wait behind it, for seconds. On a virtual disk an fsync
    // flushes the whole device's cache, so it also waits for whatever the copy wrote since its
    // last sync: the smaller the step, the shorter that wait, for a backup as long
    // (measured side by side: BENCHMARKS.md "Backups while sending").
    // 0: only at the end.
    std::int64_t sync_every_bytes = 1 << 20;
    // Called after each step with pages copied so far and the total (for a percentage).
    std::function<void(std::int64_t copied, std::int64_t total)> progress;
    // When set and true between two steps, the copy stops (StoreError, SQLITE_INTERRUPT).
    const std::atomic<bool>* cancel = nullptr;
};

struct CopyStats {
    std::int64_t pages = 0;
    std::int64_t page_size = 0;
};

// Copies `source` into `target`, replacing its whole content in one transaction: `target` holds
// all of the source or, when this throws, what it held before. The source is read in one
// snapshot (a read transaction from the first step to the last, unless the caller holds one):
// without it, SQLite restarts the copy after every commit another connection makes, and a
// daemon committing several times a second would never let it finish. In WAL mode the snapshot
// holds up no writer; the WAL only grows until the copy ends. Throws StoreError. Runs on the
// caller's thread; both connections must be the caller's.
CopyStats copy_database(Database& source, Database& target, const CopyOptions& options);

// Writes `source` as a new, self-contained file `path` (replacing one there): rollback-journal
// mode, so no -wal file belongs beside it, and synced to disk before it returns, so a rename
// after it publishes a whole file. Removes what it wrote when it throws (StoreError).
CopyStats write_database_file(Database& source, const std::string& path,
                              const CopyOptions& options);

// Renames `from` to `to` (replacing it) and syncs the directory, so that after a power cut the
// file is there under its new name or not at all. Throws StoreError naming both files.
void publish_file(const std::string& from, const std::string& to);

} // namespace kibaru::store
