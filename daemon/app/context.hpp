// What every command needs, made on first use: the validated configuration, the clock (`--now`
// or real time), the actor for the audit log, logging, and the database opened and migrated.
#pragma once

#include "core/config.hpp"
#include "core/time.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"

#include <memory>
#include <stdexcept>
#include <string>

namespace kibaru::store {
class Database;
}

namespace kibaru::app {

enum ExitCode : int { k_ok = 0, k_runtime = 1, k_usage = 2, k_partial = 3, k_verify_failed = 4 };

// A mistake in how the command was called (bad option value): exit 2.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

// What a command names does not exist (a campaign id, a phone): exit 1.
class NotFound : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws what an operation's error means for the CLI: invalid and conflict are usage errors
// (exit 2), not_found is NotFound (exit 1), the rest are runtime errors (exit 1).
[[noreturn]] void throw_error(const ops::Error& error);

// The value of an operation's result, or its error thrown as above.
template <typename T>
T unwrap(ops::Result<T> result) {
    if (!result) {
        throw_error(result.error());
    }
    return std::move(result).value();
}

struct GlobalOptions {
    std::string config_path; // empty: $KIBARU_CONFIG, else config/kibaru.toml if it exists
    std::string db_path;     // empty: [database] path
    std::string now;         // empty: real time
    std::string actor;       // empty: the OS user name
    int verbosity = 0;
};

class Context {
public:
    // Loads and validates the configuration (ConfigError) and parses --now (UsageError).
    explicit Context(GlobalOptions options);
    ~Context();

    const core::Config& config() const { return m_config; }
    const std::string& actor() const { return m_actor; }
    core::Instant now() const;
    bool clock_is_fixed() const { return m_fixed_now != nullptr; } // --now was given
    std::string now_text() const { return core::format_utc(now()); }

    // Opens the database on first call (creating its directory), migrates it to the current
    // schema and audits the migration. Throws store::StoreError. A migration is done under the
    // database's lock (ops/database_lock.hpp): refused (UsageError) while a daemon holds it,
    // since a daemon of the version before an upgrade would find its tables changed under it.
    store::Database& db();

    // The daemon takes the database's lock before its first db(), which then migrates under
    // that lock rather than asking for it again.
    void database_locked_by_this_process() { m_holds_database_lock = true; }

    // For the commands that only read or check (audit, report, backup): a database file that
    // does not exist, is empty or is no SQLite file is an error (UsageError, naming the path),
    // never a new empty one that an auditor with a mistyped --db would be told is intact, nor
    // a log "broken". Call before db().
    void require_existing_database();

    // For `audit verify`: as require_existing_database, then the database opened read-only
    // when its schema is this binary's, so that checking a copy (a backup an auditor hashed,
    // a file on read-only media) changes none of its bytes. Otherwise (an older schema to
    // migrate, a file SQLite cannot open so) db() opens it as usual.
    void open_read_only_when_current();

    // What an operation needs: the database, the config, the actor (with every right: whoever
    // runs the CLI holds the database file) and now.
    ops::Env env();

private:
    GlobalOptions m_options;
    core::Config m_config;
    std::string m_actor;
    std::unique_ptr<core::Instant> m_fixed_now;
    std::unique_ptr<store::Database> m_db;
    bool m_holds_database_lock = false;
};

// Where the configuration comes from: --config, else $KIBARU_CONFIG, else config/kibaru.toml
// when it exists, else "" (built-in defaults).
std::string resolve_config_path(const std::string& option);

} // namespace kibaru::app
