#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kibaru::store {

namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context) {
    std::string message(context);
    message += ": ";
    message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw StoreError(message, db ? sqlite3_extended_errcode(db) : rc);
}

void check(sqlite3* db, int rc, std::string_view context) {
    if (rc != SQLITE_OK) {
        fail(db, rc, context);
    }
}

// Where SQLite's log goes; set once, before SQLite initializes (route_error_log).
ErrorLogSink g_log_sink = nullptr;

LogSeverity log_severity(int code) {
    switch (code & 0xff) {
    case SQLITE_NOTICE: // e.g. frames recovered from the WAL after a crash or a power cut
        return LogSeverity::info;
    case SQLITE_WARNING: // e.g. an automatic index: a query missing its own
        return LogSeverity::warning;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
    case SQLITE_MISUSE:
    case SQLITE_PERM:
        return LogSeverity::error;
    default: // SQLITE_BUSY, _LOCKED, _CONSTRAINT, _SCHEMA, _ERROR: the caller reports them
        return LogSeverity::debug;
    }
}

void forward_log(void*, int code, const char* message) {
    if (g_log_sink) {
        g_log_sink(log_severity(code), code, message);
    }
}

// SQLite counts every allocation for sqlite3_memory_used() under a global mutex: some hundred
// lock pairs per SMS sent, for statistics nobody reads. Only settable before SQLite initializes,
// which the first connection does, whichever way it is opened: every open calls this first (a
// second sqlite3_config would be refused, and logged as a misuse).
void configure_once() {
    static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)memstatus_off;
}

} // namespace

bool route_error_log(ErrorLogSink sink) {
    if (sqlite3_config(SQLITE_CONFIG_LOG, &forward_log, nullptr) != SQLITE_OK) {
        return false;
    }
    g_log_sink = sink;
    return true;
}

bool is_damaged_database(int extended_code) {
    return (extended_code & 0xff) == SQLITE_CORRUPT || (extended_code & 0xff) == SQLITE_NOTADB;
}

bool is_storage_failure(int extended_code) {
    switch (extended_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_CORRUPT:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
        return true;
    default:
        return false;
    }
}

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db) {
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        fail(db, rc, "preparing SQL");
    }
}

Statement::Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) {
    other.m_stmt = nullptr;
}

Statement::~Statement() {
    sqlite3_finalize(m_stmt);
}

Statement& Statement::bind(int index, std::string_view text) {
    check(m_db,
          sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT),
          "binding text");
    return *this;
}

Statement& Statement::bind_static(int index, std::string_view text) {
    check(
        m_db,
        sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC),
        "binding text");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    check(m_db, sqlite3_bind_int64(m_stmt, index, value), "binding integer");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    check(m_db, sqlite3_bind_double(m_stmt, index, value), "binding number");
    return *this;
}

Statement& Statement::bind_null(int index) {
    check(m_db, sqlite3_bind_null(m_stmt, index), "binding null");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    const std::string sql = sqlite3_sql(m_stmt) ? sqlite3_sql(m_stmt) : "";
    sqlite3_reset(m_stmt);
    fail(m_db, rc, "running SQL (" + sql.substr(0, 60) + ")");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::column_int(int index) const {
    return sqlite3_column_int64(m_stmt, index);
}

double Statement::column_double(int index) const {
    return sqlite3_column_double(m_stmt, index);
}

std::string Statement::column_text(int index) const {
    return std::string(column_view(index));
}

std::string_view Statement::column_view(int index) const {
    const auto* text = sqlite3_column_text(m_stmt, index);
    if (!text) {
        return {};
    }
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, index))};
}

core::DeliveryState Statement::column_state(int index) const {
    const auto name = column_view(index);
    const auto state = core::parse_delivery_state(name);
    if (!state) {
        throw StoreError("not a delivery state in the database: \"" + std::string(name) + "\"",
                         SQLITE_CORRUPT);
    }
    return *state;
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(m_stmt, index) == SQLITE_NULL;
}

bool Statement::column_is_integer(int index) const {
    return sqlite3_column_type(m_stmt, index) == SQLITE_INTEGER;
}

std::unique_ptr<Database> Database::open(const std::string& path, int busy_timeout_ms,
                                         core::Synchronous synchronous) {
    const bool in_memory = path == ":memory:";
    if (!in_memory) {
        // Create the file owner-only before SQLite does: it holds producers' phone numbers.
        // Only a file that does not exist yet: closing a descriptor of a file this process
        // already has open through SQLite would drop every POSIX lock the process holds on it
        // (fcntl semantics), and another process could then checkpoint and delete the WAL
        // under the feet of our open connections.
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::close(fd);
        } else if (errno != EEXIST) {
            throw StoreError("cannot open database " + path + ": " + std::strerror(errno),
                             SQLITE_CANTOPEN);
        }
    }
    configure_once();
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message =
            "cannot open database " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        throw StoreError(message, rc);
    }
    std::unique_ptr<Database> database(new Database(db, path));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_timeout_ms);
    database->exec("PRAGMA foreign_keys = ON");
    // Statement journals (a statement that may fail half-way, or fires a trigger, keeps one to
    // undo itself) and temporary b-trees in memory: as files they cost system calls per
    // statement (40 us per SMS in the dispatcher when a trigger kept the delivery tallies).
    database->exec("PRAGMA temp_store = MEMORY");
    if (!in_memory) {
        database->exec("PRAGMA journal_mode = WAL");
        // Both survive a process crash in WAL mode. FULL syncs the WAL at each commit, so a power
        // cut cannot take back a commit either (a claimed delivery stays claimed); NORMAL syncs
        // only at checkpoints: a power cut may lose the last commits, never corrupt the file.
        database->exec(synchronous == core::Synchronous::full ? "PRAGMA synchronous = FULL"
                                                              : "PRAGMA synchronous = NORMAL");
    }
    return database;
}

std::unique_ptr<Database> Database::open_read_only(const std::string& path, int busy_timeout_ms) {
    if (!std::filesystem::exists(path)) {
        throw StoreError("cannot open database " + path + ": no such file", SQLITE_CANTOPEN);
    }
    configure_once();
    sqlite3* db = nullptr;
    // A plain path, not a URI: a file name with '?', '#' or '%' in it is opened as it is.
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message =
            "cannot open database " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        throw StoreError(message, rc);
    }
    std::unique_ptr<Database> database(new Database(db, path));
    database->m_read_only = true;
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_timeout_ms);
    database->exec("PRAGMA temp_store = MEMORY");
    database->scalar_int("SELECT count(*) FROM sqlite_schema"); // fails now if unreadable
    return database;
}

Database::~Database() {
    m_cache.clear(); // finalize cached statements before closing
    sqlite3_close_v2(m_db);
}

void Database::exec(std::string_view sql) {
    char* error = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw StoreError(message, sqlite3_extended_errcode(m_db));
    }
}

Statement Database::prepare(std::string_view sql) {
    return Statement(m_db, sql);
}

Statement& Database::cached(const std::string& sql) {
    auto& slot = m_cache[sql];
    if (!slot) {
        slot = std::make_unique<Statement>(m_db, sql);
    } else {
        slot->reset();
    }
    return *slot;
}

void Database::reset_cached() {
    for (auto& [sql, statement] : m_cache) {
        statement->reset();
    }
}

void Database::interrupt_when(const std::atomic<bool>* flag) {
    if (!flag) {
        sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
        return;
    }
    // Every 10,000 virtual machine steps: well under a millisecond between two looks.
    sqlite3_progress_handler(
        m_db, 10000,
        [](void* context) -> int { return static_cast<const std::atomic<bool>*>(context)->load(); },
        const_cast<std::atomic<bool>*>(flag));
}

std::int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const {
    return sqlite3_changes(m_db);
}

std::int64_t Database::scalar_int(std::string_view sql) {
    Statement statement(m_db, sql);
    return statement.step() ? statement.column_int(0) : 0;
}

ForeignKeysOff::ForeignKeysOff(Database& db) : m_db(db) {
    m_db.exec("PRAGMA foreign_keys = OFF");
}

ForeignKeysOff::~ForeignKeysOff() {
    try {
        m_db.exec("PRAGMA foreign_keys = ON");
    } catch (const StoreError&) {
        // Only fails on a closed or broken connection, which is not used again.
    }
}

Transaction::Transaction(Database& db, Mode mode) : m_db(db) {
    m_db.exec(mode == Mode::write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
    if (m_open) {
        try {
            m_db.exec("ROLLBACK");
        } catch (const StoreError&) {
            // Already rolled back by SQLite (e.g. after SQLITE_FULL); nothing more to undo.
        }
    }
}

void Transaction::commit() {
    m_db.exec("COMMIT");
    m_open = false;
}

void Transaction::rollback() {
    m_db.exec("ROLLBACK");
    m_open = false;
}

} // namespace kibaru::store
