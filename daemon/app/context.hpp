// What every command needs, made on first use: the validated configuration, the clock (`--now`
// or real time), the actor for the audit log, logging, and the database opened and migrated.
#pragma once

#include "core/config.hpp"
#include "core/time.hpp"

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
    // schema and audits the migration. Throws store::StoreError.
    store::Database& db();

private:
    GlobalOptions m_options;
    core::Config m_config;
    std::string m_actor;
    std::unique_ptr<core::Instant> m_fixed_now;
    std::unique_ptr<store::Database> m_db;
};

// Where the configuration comes from: --config, else $KIBARU_CONFIG, else config/kibaru.toml
// when it exists, else "" (built-in defaults).
std::string resolve_config_path(const std::string& option);

} // namespace kibaru::app
