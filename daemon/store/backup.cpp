#include "store/backup.hpp"

#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

namespace kibaru::store {

namespace {

// The source's read snapshot for the whole copy, unless the caller already holds a transaction
// on it (which then is the snapshot).
class Snapshot {
public:
    explicit Snapshot(Database& db) : m_db(db) {
        if (!sqlite3_get_autocommit(db.handle())) {
            return;
        }
        m_db.exec("BEGIN");
        m_owned = true;
        try {
            m_db.exec("SELECT count(*) FROM sqlite_schema"); // BEGIN is deferred: read now
        } catch (...) {
            end();
            throw;
        }
    }
    ~Snapshot() { end(); }
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;

    // Ends the snapshot; true when it was this object's (not the caller's transaction).
    bool end() noexcept {
        if (!m_owned) {
            return false;
        }
        m_owned = false;
        sqlite3_exec(m_db.handle(), "COMMIT", nullptr, nullptr, nullptr); // only read
        return true;
    }

private:
    Database& m_db;
    bool m_owned = false;
};

// SQLITE_BUSY from the target (another connection writing it): retried this often, this far
// apart, before the copy gives up.
constexpr int k_busy_retries = 200;
constexpr std::chrono::milliseconds k_busy_wait{25};

// Syncs what the copy has written to the target's file so far (not a commit: the copy stays one
// transaction), through SQLite's own file handle.
void sync_written(sqlite3* target) {
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(target, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK &&
        file != nullptr && file->pMethods != nullptr) {
        file->pMethods->xSync(file, SQLITE_SYNC_NORMAL); // a failure shows again at the commit
    }
}

// While the snapshot was held, no connection could copy the WAL written since it began back into
// the database file, so the WAL grew (by a gigabyte while weeks of 100,000 SMS were sent). Left
// so, the sender's next commit would make that whole copy and its sync by itself (SQLite's
// automatic checkpoint) while no request leaves: a 254 ms stall, measured with strace right after
// a national backup's last step. Made here first, on the copy's connection, it runs beside the
// sender. PASSIVE: it waits for no reader or writer; failing or partial, later checkpoints do the
// rest. A sender with SQLite's automatic checkpoint tries one at every commit, a thousand times a
// second, and often took the backlog before this call could (215 ms, 3 December); the daemon and
// run-once therefore leave a backlog that large to a thread of their own
// (store/wal_checkpointer.hpp), and whichever of the two takes it, the sending goes on.
void catch_up_checkpoint(Database& source) noexcept {
    sqlite3_wal_checkpoint_v2(source.handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

// The copy proper, between two raw connections; `what` names it in errors.
std::int64_t copy_pages(Database& source, sqlite3* target, const std::string& what,
                        const CopyOptions& options) {
    Snapshot snapshot(source);
    sqlite3_backup* backup = sqlite3_backup_init(target, "main", source.handle(), "main");
    if (!backup) {
        throw StoreError(what + ": " + sqlite3_errmsg(target), sqlite3_extended_errcode(target));
    }
    int busy = 0;
    int rc = SQLITE_OK;
    std::int64_t total = 0;
    std::int64_t unsynced = 0; // bytes copied since the last sync
    const std::int64_t step_bytes =
        std::int64_t{std::max(options.pages_per_step, 1)} * source.scalar_int("PRAGMA page_size");
    while (true) {
        if (options.cancel && options.cancel->load()) {
            sqlite3_backup_finish(backup);
            throw StoreError(what + ": cancelled", SQLITE_INTERRUPT);
        }
        rc = sqlite3_backup_step(backup, std::max(options.pages_per_step, 1));
        total = sqlite3_backup_pagecount(backup);
        if (rc == SQLITE_OK || rc == SQLITE_DONE) {
            busy = 0;
            if (options.progress) {
                options.progress(total - sqlite3_backup_remaining(backup), total);
            }
            if (rc == SQLITE_DONE) {
                break;
            }
            unsynced += step_bytes;
            if (options.sync_every_bytes > 0 && unsynced >= options.sync_every_bytes) {
                sync_written(target);
                unsynced = 0;
            }
            std::this_thread::sleep_for(options.pause);
        } else if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy < k_busy_retries) {
            std::this_thread::sleep_for(k_busy_wait);
        } else {
            break;
        }
    }
    // Finishing sets the target's error message when a step failed.
    const int finished = sqlite3_backup_finish(backup);
    if (snapshot.end()) {
        catch_up_checkpoint(source);
    }
    if (rc != SQLITE_DONE || finished != SQLITE_OK) {
        const int code = rc != SQLITE_DONE ? rc : finished;
        throw StoreError(what + ": " + sqlite3_errstr(code) + " (" + sqlite3_errmsg(target) + ")",
                         code);
    }
    return total;
}

void remove_database_files(const std::string& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
        std::filesystem::remove(path + suffix, ignored);
    }
}

// fsync on a descriptor of its own: safe only for a file no SQLite connection of this process
// has open (closing it would drop that connection's POSIX locks).
void sync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) {
        throw StoreError("cannot open " + path + " to sync it: " + std::strerror(errno),
                         SQLITE_IOERR);
    }
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0) {
        throw StoreError("cannot sync " + path + " to disk: " + std::strerror(error),
                         SQLITE_IOERR_FSYNC);
    }
}

} // namespace

CopyStats copy_database(Database& source, Database& target, const CopyOptions& options) {
    CopyStats stats;
    stats.pages = copy_pages(source, target.handle(),
                             "copying " + source.path() + " into " + target.path(), options);
    stats.page_size = target.scalar_int("PRAGMA page_size");
    return stats;
}

CopyStats write_database_file(Database& source, const std::string& path,
                              const CopyOptions& options) {
    remove_database_files(path);
    sqlite3* target = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &target,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    const auto close_and_remove = [&] {
        sqlite3_close_v2(target);
        remove_database_files(path);
    };
    if (rc != SQLITE_OK) {
        const std::string message = target ? sqlite3_errmsg(target) : sqlite3_errstr(rc);
        close_and_remove();
        throw StoreError("cannot create " + path + ": " + message, rc);
    }
    sqlite3_extended_result_codes(target, 1);
    CopyStats stats;
    try {
        stats.pages =
            copy_pages(source, target, "copying " + source.path() + " to " + path, options);
        // The pages carry the source's WAL flag; a copy is one file that opens on its own.
        char* error = nullptr;
        rc = sqlite3_exec(target, "PRAGMA journal_mode = DELETE", nullptr, nullptr, &error);
        if (rc != SQLITE_OK) {
            const std::string message = error ? error : sqlite3_errstr(rc);
            sqlite3_free(error);
            throw StoreError(path + ": cannot leave WAL mode: " + message, rc);
        }
        rc = sqlite3_close(target);
        target = nullptr;
        if (rc != SQLITE_OK) {
            throw StoreError(path + ": cannot close the copy: " + sqlite3_errstr(rc), rc);
        }
        sync_path(path, O_RDONLY);
    } catch (...) {
        close_and_remove();
        throw;
    }
    stats.page_size = source.scalar_int("PRAGMA page_size");
    return stats;
}

void publish_file(const std::string& from, const std::string& to) {
    if (std::rename(from.c_str(), to.c_str()) != 0) {
        throw StoreError("cannot rename " + from + " to " + to + ": " + std::strerror(errno),
                         SQLITE_IOERR);
    }
    auto dir = std::filesystem::path(to).parent_path();
    sync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
}

} // namespace kibaru::store
