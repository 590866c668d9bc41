#include "store/wal_checkpointer.hpp"

#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace kibaru::store {

struct WalCheckpointer::State {
    WalCheckpointerOptions options;
    std::unique_ptr<Database> connection; // used by the thread only, once it runs
    std::mutex mutex;
    std::condition_variable wake;
    bool due = false;      // the WAL reached options.pages since the last checkpoint began
    bool stopping = false; // under mutex
    std::atomic<std::int64_t> checkpoints{0};
    std::thread thread;

    void run() {
        bool failing = false;
        while (true) {
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [this] { return due || stopping; });
                if (stopping) {
                    return;
                }
                due = false;
            }
            int wal_frames = 0;
            int copied = 0;
            const int rc = sqlite3_wal_checkpoint_v2(
                connection->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
            if (rc == SQLITE_OK) {
                checkpoints.fetch_add(1, std::memory_order_relaxed);
                failing = false;
            } else if ((rc & 0xff) != SQLITE_BUSY && !failing) {
                // Busy: another connection is checkpointing (one closing, a CLI command); the
                // next commit asks again. Anything else is worth a line, once.
                failing = true;
                if (options.on_failure) {
                    options.on_failure(sqlite3_errmsg(connection->handle()));
                }
            }
        }
    }
};

namespace {

// SQLite's WAL hook, on the writer's thread after each of its commits: only a note, so that the
// commit returns at once.
int after_commit(void* arg, sqlite3*, const char*, int wal_pages) {
    auto* state = static_cast<WalCheckpointer::State*>(arg);
    if (wal_pages >= state->options.pages) {
        {
            std::lock_guard lock(state->mutex);
            state->due = true;
        }
        state->wake.notify_one();
    }
    return SQLITE_OK;
}

} // namespace

WalCheckpointer::WalCheckpointer(Database& writer, WalCheckpointerOptions options)
    : m_writer(writer) {
    if (writer.path() == ":memory:" || writer.read_only()) {
        return;
    }
    auto state = std::make_unique<State>();
    state->options = std::move(options);
    // PASSIVE checkpoints write the database file and sync it as [database] synchronous says:
    // in WAL mode FULL and NORMAL sync alike at a checkpoint.
    state->connection = Database::open(writer.path(), state->options.busy_timeout_ms);
    m_state = std::move(state);
    m_state->thread = std::thread([state = m_state.get()] { state->run(); });
    // Replaces the connection's automatic checkpoints (which are a WAL hook of SQLite's own).
    sqlite3_wal_hook(writer.handle(), &after_commit, m_state.get());
}

WalCheckpointer::~WalCheckpointer() {
    if (!m_state) {
        return;
    }
    sqlite3_wal_autocheckpoint(m_writer.handle(), 1000); // SQLite's default, and its own hook
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stopping = true;
    }
    m_state->wake.notify_one();
    m_state->thread.join();
}

std::int64_t WalCheckpointer::checkpoints() const {
    return m_state ? m_state->checkpoints.load(std::memory_order_relaxed) : 0;
}

} // namespace kibaru::store
