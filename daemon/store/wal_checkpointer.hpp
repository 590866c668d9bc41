// The WAL of the sender's database checkpointed on a thread of its own.
//
// By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: that
// commit copies the pages into the database file and syncs it before it returns, and on the
// dispatcher's connection every gateway request waits meanwhile. With a WalCheckpointer the
// connection's commits only note the WAL's size; a thread with a connection of its own runs
// PASSIVE checkpoints, which wait for no reader and no writer, so the sender's commits go on
// into the WAL meanwhile (SQLite's documentation suggests this for writers that must not pause).
// The WAL still restarts from its beginning whenever a checkpoint has caught up (on the national
// database it peaked at 17 MB while a 100,000-SMS week was sent, against 4 MB before). Removing
// it gives the connection back its own checkpoints at SQLite's default size.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace kibaru::store {

class Database;

struct WalCheckpointerOptions {
    int busy_timeout_ms = 5000; // of the checkpointer's own connection
    int pages = 1000;           // a checkpoint once the WAL holds this many (SQLite's default)
    // Called on the checkpointer's thread when a checkpoint fails (SQLite's message), once per
    // run of failures; the next one that succeeds ends the run.
    std::function<void(const std::string&)> on_failure{};
};

class WalCheckpointer {
public:
    // Takes over the checkpoints of `writer` (an open file database in WAL mode; for ":memory:"
    // or a read-only connection it does nothing). Throws StoreError when its own connection
    // cannot be opened. `writer` must outlive it; construct and destroy it on the thread that
    // uses `writer`.
    WalCheckpointer(Database& writer, WalCheckpointerOptions options);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Checkpoints run so far (each PASSIVE call that succeeded, whatever it could copy).
    std::int64_t checkpoints() const;

    struct State; // the thread's, opaque

private:
    Database& m_writer;
    std::unique_ptr<State> m_state;
};

} // namespace kibaru::store
