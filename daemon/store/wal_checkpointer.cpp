#include "store/wal_checkpointer.hpp"

#include "store/sqlite.hpp"

#include <sqlite3.h>

namespace kibaru::store {

int wal_backlog(int wal_frames, WalProgress last) {
    const bool restarted = wal_frames < last.log_frames;
    return restarted ? wal_frames : wal_frames - last.backfilled_frames;
}

CheckpointPlace checkpoint_place(int wal_frames, WalProgress last, int auto_at_frames,
                                 int inline_max_frames) {
    if (wal_frames < auto_at_frames) {
        return CheckpointPlace::none;
    }
    return wal_backlog(wal_frames, last) <= inline_max_frames ? CheckpointPlace::in_commit
                                                              : CheckpointPlace::off_thread;
}

WalCheckpointer::WalCheckpointer(Database& writer, core::Synchronous synchronous)
    : WalCheckpointer(writer, synchronous, Options{}) {}

WalCheckpointer::WalCheckpointer(Database& writer, core::Synchronous synchronous, Options options)
    : m_writer(writer), m_options(options) {
    if (writer.path() == ":memory:" || writer.read_only()) {
        return;
    }
    try {
        m_own = Database::open(writer.path(), 5000, synchronous);
        m_autocheckpoint_before = static_cast<int>(writer.scalar_int("PRAGMA wal_autocheckpoint"));
    } catch (const StoreError&) {
        m_own.reset();
        return; // the writer keeps SQLite's automatic checkpoint: slower to catch up, no worse
    }
    m_thread = std::thread([this] { run(); });
    sqlite3_wal_hook(m_writer.handle(), &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
    if (!m_thread.joinable()) {
        return;
    }
    // Replaces this object's hook with SQLite's own, as the connection had it.
    sqlite3_wal_autocheckpoint(m_writer.handle(), m_autocheckpoint_before);
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    // A try under way may be copying a gigabyte: it stops at its next page, and what it did not
    // copy the next checkpoint does.
    sqlite3_interrupt(m_own->handle());
    m_thread.join();
}

WalCheckpointer::Stats WalCheckpointer::stats() const {
    return {m_in_commit.load(), m_off_thread.load()};
}

// SQLite calls this after each commit, on the writer's thread. An error returned here would fail
// the statement whose commit already happened: always SQLITE_OK, as SQLite's own hook.
int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_frames) {
    auto& checkpointer = *static_cast<WalCheckpointer*>(self);
    const auto& options = checkpointer.m_options;
    switch (checkpoint_place(wal_frames, checkpointer.last(), options.auto_at_frames,
                             options.inline_max_frames)) {
    case CheckpointPlace::none:
        break;
    case CheckpointPlace::in_commit:
        checkpointer.checkpoint_in_commit(db, schema);
        break;
    case CheckpointPlace::off_thread:
        checkpointer.request_off_thread();
        break;
    }
    return SQLITE_OK;
}

void WalCheckpointer::checkpoint_in_commit(sqlite3* db, const char* schema) {
    int log = -1;
    int backfilled = -1;
    // PASSIVE, as SQLite's own: it waits for no reader or writer. Busy (another connection is
    // checkpointing) or failing, the next commit tries again.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &backfilled);
    record(log, backfilled);
    ++m_in_commit;
}

void WalCheckpointer::request_off_thread() {
    {
        std::lock_guard lock(m_mutex);
        if (m_requested) {
            return;
        }
        m_requested = true;
    }
    m_wake.notify_one();
}

void WalCheckpointer::run() {
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [this] { return m_requested || m_stopping; });
        if (m_stopping) {
            return;
        }
        m_requested = false; // the writer asks again at each commit while the backlog lasts
        lock.unlock();
        int log = -1;
        int backfilled = -1;
        sqlite3_wal_checkpoint_v2(m_own->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log,
                                  &backfilled);
        record(log, backfilled);
        ++m_off_thread;
        lock.lock();
        // While a snapshot holds the backlog each try is a no-op: not more often than this.
        m_wake.wait_for(lock, m_options.pause, [this] { return m_stopping; });
    }
}

// A checkpoint that could not run (busy, an error) reports -1 and teaches nothing.
void WalCheckpointer::record(int log_frames, int backfilled_frames) {
    if (log_frames < 0 || backfilled_frames < 0) {
        return;
    }
    m_last.store(std::uint64_t{static_cast<std::uint32_t>(log_frames)} << 32 |
                 static_cast<std::uint32_t>(backfilled_frames));
}

WalProgress WalCheckpointer::last() const {
    const std::uint64_t packed = m_last.load();
    return {static_cast<int>(packed >> 32), static_cast<int>(packed & 0xffffffffu)};
}

} // namespace kibaru::store
