// The sender's WAL checkpoints, kept short. SQLite's automatic checkpoint runs inside the commit
// that finds 1,000 pages or more in the WAL, on the committing thread. For the dispatcher that is
// right as long as a checkpoint copies about that much: a few milliseconds. But while another
// connection holds a read snapshot (`kibaru backup` for a minute and more, a long export) no
// checkpoint can pass it, and the WAL grows by hundreds of megabytes; the first commit after the
// snapshot ends then copied all of it into the database file and synced it while no request
// left: a 215 ms stall, measured at the end of a national backup (BENCHMARKS.md, backups). The
// backup's own catch-up checkpoint (store/backup.cpp) lost that race to the sender, which tries
// a checkpoint at every commit, a thousand times a second.
//
// So a WalCheckpointer replaces the automatic checkpoint of one writing connection: a backlog up
// to `inline_max_frames` is checkpointed in the commit as before; a larger one is left to a
// thread of its own with a connection of its own, which tries it at most every `pause`. Whoever
// ends the snapshot (the backup's catch-up) or that thread then copies the backlog, beside the
// sending, never inside it.
#pragma once

#include "core/config.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

struct sqlite3;

namespace kibaru::store {

class Database;

// What the last checkpoint that ran saw: the WAL's size and how much of it was in the database
// file (both in frames, one page each) when it ended.
struct WalProgress {
    int log_frames = 0;
    int backfilled_frames = 0;
};

// The frames of a WAL of `wal_frames` not yet in the database file, as far as `last` tells:
// those the last checkpoint backfilled are not, unless the WAL has since been restarted (it is
// then shorter than that checkpoint saw). A WAL restarted and grown back past that length by
// other connections, with no checkpoint of the writer's or the thread's between, is taken for
// the old one: the estimate is then low, and the commit checkpoints as SQLite's own would.
int wal_backlog(int wal_frames, WalProgress last);

enum class CheckpointPlace { none, in_commit, off_thread };

// Where a commit that left `wal_frames` frames in the WAL should have it checkpointed: nowhere
// under `auto_at_frames`, in the commit while the backlog is at most `inline_max_frames`, else on
// the thread. Pure: the policy, tested apart from SQLite.
CheckpointPlace checkpoint_place(int wal_frames, WalProgress last, int auto_at_frames,
                                 int inline_max_frames);

class WalCheckpointer {
public:
    struct Options {
        int auto_at_frames = 1000;           // as SQLite's automatic checkpoint
        int inline_max_frames = 4096;        // 16 MiB of 4 KiB pages: a few ms to copy
        std::chrono::milliseconds pause{50}; // between the thread's tries
    };
    struct Stats {
        std::int64_t in_commit = 0;  // checkpoints run inside a commit
        std::int64_t off_thread = 0; // tries on the thread (a held snapshot makes them no-ops)
    };

    // Installs itself as `writer`'s WAL hook. An in-memory or read-only database needs none and
    // gets none; when the thread's connection cannot be opened, the writer keeps SQLite's own. The
    // thread's connection opens `writer`'s file with `synchronous`, which decides the checkpoint's
    // syncs as the writer's would.
    WalCheckpointer(Database& writer, core::Synchronous synchronous);
    WalCheckpointer(Database& writer, core::Synchronous synchronous, Options options);
    // Stops the thread (interrupting a try under way) and puts the writer's automatic checkpoint
    // back as it was.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    Stats stats() const;
    // Whether the writer's checkpoints are this object's (false for an in-memory or read-only
    // database, or when the thread's connection could not be opened).
    bool active() const { return m_thread.joinable(); }

private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int wal_frames);
    void checkpoint_in_commit(sqlite3* db, const char* schema);
    void request_off_thread();
    void run();
    void record(int log_frames, int backfilled_frames);
    WalProgress last() const;

    Database& m_writer;
    Options m_options;
    std::unique_ptr<Database> m_own;    // the thread's connection
    int m_autocheckpoint_before = 1000; // the writer's PRAGMA wal_autocheckpoint, put back
    // The last WalProgress, packed (log << 32 | backfilled): written by either thread.
    std::atomic<std::uint64_t> m_last{0};
    std::atomic<std::int64_t> m_in_commit{0};
    std::atomic<std::int64_t> m_off_thread{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_requested = false;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace kibaru::store
