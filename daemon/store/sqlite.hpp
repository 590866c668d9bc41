// A thin RAII layer over SQLite: a Database (one connection, opened with Kibaru's pragmas),
// prepared Statements that are reset after each use, and Transactions that roll back unless
// committed. SQL failures throw StoreError: they abort the whole command, and the rollback in
// ~Transaction guarantees nothing half-written is left behind. All calls run on the caller's
// thread; a Database must not be shared between threads.
#pragma once

#include "core/config.hpp"
#include "core/delivery.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace kibaru::store {

class EventFeed; // store/event_seal.hpp

class StoreError : public std::runtime_error {
public:
    StoreError(const std::string& what, int code) : std::runtime_error(what), m_code(code) {}
    int code() const { return m_code; } // SQLite extended result code
private:
    int m_code;
};

// SQLite's own error log (SQLITE_CONFIG_LOG): what it says about a file it found damaged, a WAL
// it recovered after a crash, a statement that failed. `severity` is decided here, where the
// codes are known: damage, I/O and a full disk are errors; what callers handle themselves (a
// busy database, a constraint, a statement re-prepared after a schema change) is debug.
enum class LogSeverity { debug, info, warning, error };
// Called on whichever thread hit the problem; must not call SQLite.
using ErrorLogSink = void (*)(LogSeverity severity, int extended_code, const char* message);

// Sends SQLite's error log to `sink`. SQLite takes this only before it initializes, which the
// first connection does: call it first thing in main. Returns false when it came too late.
bool route_error_log(ErrorLogSink sink);

// True for SQLite result codes that say the storage cannot take a write now (busy, locked,
// full, read-only, I/O error, out of memory, damaged), as opposed to a refusal of the
// statement itself (a constraint, a type mismatch): retrying later may succeed.
bool is_storage_failure(int extended_code);

// True for the codes that say the file is not a sound database (damaged, or not one at all).
bool is_damaged_database(int extended_code);

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement();

    // Parameters are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT) unless bound with
    // bind_static, whose caller keeps the bytes alive until the next reset().
    Statement& bind(int index, std::string_view text);
    Statement& bind_static(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement& bind(int index, double value);
    Statement& bind_null(int index);
    // A delivery state is stored by its name (static text: no copy).
    Statement& bind(int index, core::DeliveryState state) {
        return bind_static(index, core::to_string(state));
    }

    template <typename... Args>
    Statement& bind_all(const Args&... args) {
        int i = 0;
        (bind(++i, args), ...);
        return *this;
    }
    // As bind_all, but std::string arguments are not copied (bind_static): for hot statements
    // whose arguments outlive the next reset(), as with run().
    template <typename... Args>
    Statement& bind_all_borrowed(const Args&... args) {
        int i = 0;
        (bind_borrowed(++i, args), ...);
        return *this;
    }

    // Steps once: true when a row is available. Throws StoreError on failure.
    bool step();
    // Steps to completion and resets: for statements that return no rows.
    void run();
    // Resets and clears bindings, ready for the next use.
    void reset();

    std::int64_t column_int(int index) const;
    double column_double(int index) const;
    std::string column_text(int index) const;
    std::string_view column_view(int index) const; // valid until the next step/reset
    bool column_is_null(int index) const;
    // A delivery state column; throws StoreError on a name that is no state.
    core::DeliveryState column_state(int index) const;
    bool column_is_integer(int index) const;

private:
    Statement& bind_borrowed(int index, const std::string& text) {
        return bind_static(index, text);
    }
    template <typename T>
    Statement& bind_borrowed(int index, const T& value) {
        return bind(index, value);
    }

    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

class Database {
public:
    // Opens (creating if needed) `path`, or an in-memory database for ":memory:". New files are
    // created owner-only (0600). Sets WAL, foreign keys, busy timeout, extended error codes and
    // `synchronous` ([database] synchronous; see core::Synchronous for what each one risks).
    static std::unique_ptr<Database> open(const std::string& path, int busy_timeout_ms = 5000,
                                          core::Synchronous synchronous = core::Synchronous::full);
    // Opens an existing file read-only: nothing this connection does can change the file (an
    // auditor's copy). Writes fail with SQLITE_READONLY. Throws StoreError when it cannot.
    static std::unique_ptr<Database> open_read_only(const std::string& path,
                                                    int busy_timeout_ms = 5000);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    Statement prepare(std::string_view sql);
    // A statement prepared once per connection and kept, for SQL that runs again and again (the
    // dispatcher's per-batch statements). It comes back reset, with no bindings; the reference
    // stays valid as long as the Database.
    Statement& cached(const std::string& sql);
    // Resets every cached statement: one left stepped holds a read snapshot open, and a
    // long-lived connection (a console worker's) would keep reading the past through it.
    void reset_cached();
    std::int64_t last_insert_rowid() const;
    int changes() const;
    // The single integer a query like "PRAGMA user_version" or "SELECT count(*) ..." returns.
    std::int64_t scalar_int(std::string_view sql);

    // From now on, any statement of this connection stops with SQLITE_INTERRUPT (StoreError)
    // soon after `*flag` turns true, however long it would run (a check of a whole file when
    // the daemon stops). nullptr removes it. `flag` must outlive the connection or the call
    // that removes it; any thread may set it.
    void interrupt_when(const std::atomic<bool>* flag);

    const std::string& path() const { return m_path; }
    bool read_only() const { return m_read_only; }
    sqlite3* handle() const { return m_db; }

    // The open DeliveryTransaction's feed of the events it writes (store/event_seal.hpp), or
    // nullptr: how the repositories that insert events reach it without a parameter each.
    EventFeed* event_feed() const { return m_event_feed; }
    void set_event_feed(EventFeed* feed) { m_event_feed = feed; }

private:
    Database(sqlite3* db, std::string path) : m_db(db), m_path(std::move(path)) {}
    sqlite3* m_db;
    std::string m_path;
    bool m_read_only = false;
    EventFeed* m_event_feed = nullptr;
    std::unordered_map<std::string, std::unique_ptr<Statement>> m_cache;
};

// BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when destroyed uncommitted (an exception unwinding).
// IMMEDIATE takes the write lock up front, so a CLI command and the daemon never deadlock
// upgrading read transactions.
class Transaction {
public:
    enum class Mode {
        write, // BEGIN IMMEDIATE: the write lock now, or SQLITE_BUSY now
        read,  // BEGIN: one snapshot for several reads, and no lock that holds up writers
    };
    explicit Transaction(Database& db, Mode mode = Mode::write);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();
    void rollback();

private:
    Database& m_db;
    bool m_open = true;
};

// Foreign keys unchecked for its lifetime, for a set-based write whose rows are valid by
// construction. SQLite ignores the switch inside a transaction: make this before the
// Transaction, so that the transaction ends first and the checks come back after it.
class ForeignKeysOff {
public:
    explicit ForeignKeysOff(Database& db);
    ~ForeignKeysOff();
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

private:
    Database& m_db;
};

} // namespace kibaru::store
