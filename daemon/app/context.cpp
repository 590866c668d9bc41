#include "app/context.hpp"

#include "app/config_loader.hpp"
#include "ops/database_lock.hpp"
#include "store/audit_log.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "util/logging.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pwd.h>
#include <unistd.h>

namespace kibaru::app {

namespace {

std::string os_user() {
    if (const auto* pw = getpwuid(geteuid()); pw && pw->pw_name) {
        return pw->pw_name;
    }
    if (const char* user = std::getenv("USER")) {
        return user;
    }
    return "uid:" + std::to_string(geteuid());
}

} // namespace

std::string resolve_config_path(const std::string& option) {
    if (!option.empty()) {
        return option;
    }
    if (const char* env = std::getenv("KIBARU_CONFIG"); env && *env) {
        return env;
    }
    const std::string fallback = "config/kibaru.toml";
    return std::filesystem::exists(fallback) ? fallback : "";
}

Context::Context(GlobalOptions options)
    : m_options(std::move(options)),
      m_config(load_config(resolve_config_path(m_options.config_path))),
      m_actor(m_options.actor.empty() ? os_user() : m_options.actor) {
    if (!m_options.now.empty()) {
        auto at = core::parse_instant(m_options.now);
        if (!at) {
            throw UsageError("--now: " + at.error().message);
        }
        m_fixed_now = std::make_unique<core::Instant>(*at);
    }
    if (!m_options.db_path.empty()) {
        m_config.database.path = m_options.db_path;
    }
    util::setup_logging(m_config.log, util::LogOptions{m_options.verbosity, true});
}

Context::~Context() = default;

core::Instant Context::now() const {
    if (m_fixed_now) {
        return *m_fixed_now;
    }
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

store::Database& Context::db() {
    if (m_db) {
        return *m_db;
    }
    const std::filesystem::path path(m_config.database.path);
    if (path != ":memory:" && path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    m_db = store::Database::open(m_config.database.path, m_config.database.busy_timeout_ms,
                                 m_config.database.synchronous);
    const int to = store::current_schema_version();
    // Held while migrating: no daemon runs on the old tables, and none starts meanwhile.
    std::unique_ptr<util::FileLock> migrating;
    if (const int at = store::schema_version(*m_db);
        at < to && !m_holds_database_lock && path != ":memory:") {
        migrating = ops::lock_database(m_config.database.path);
        if (!migrating) {
            m_db.reset();
            throw UsageError(
                "the database " + m_config.database.path + " has schema version " +
                std::to_string(at) + " and this kibaru writes version " + std::to_string(to) +
                ", but another kibaru process holds " +
                ops::database_lock_path(m_config.database.path) +
                ": most likely a daemon of the version before an upgrade (restart it, `systemctl "
                "restart kibaru`, and it migrates the database), else a restore or a command "
                "migrating it. Run this command again after that");
        }
    }
    const int from = store::migrate(*m_db);
    if (from != to) {
        store::Transaction tx(*m_db);
        store::AuditLog(*m_db).append(now_text(), m_actor, "database.migrate",
                                      m_config.database.path,
                                      nlohmann::json{{"from", from}, {"to", to}}.dump());
        tx.commit();
        spdlog::info("database {} migrated from schema {} to {}", m_config.database.path, from, to);
    }
    return *m_db;
}

void Context::require_existing_database() {
    const std::string& path = m_config.database.path;
    std::error_code ec;
    if (m_db || path == ":memory:") {
        return;
    }
    if (!std::filesystem::exists(path, ec)) {
        throw UsageError("no database at " + path +
                         " (check --db or [database] path; `kibaru init` creates one)");
    }
    // An empty file would be made a new database, and anything else is not one at all (an
    // .xlsx given as --db): neither is a log that failed verification.
    std::ifstream file(path, std::ios::binary);
    std::string magic(16, '\0');
    file.read(magic.data(), static_cast<std::streamsize>(magic.size()));
    if (file.gcount() != 16 || magic != std::string("SQLite format 3\0", 16)) {
        throw UsageError(path + " is not a Kibaru database (not an SQLite file" +
                         std::string(file.gcount() == 0 ? ": it is empty" : "") + ")");
    }
}

void Context::open_read_only_when_current() {
    require_existing_database();
    const std::string& path = m_config.database.path;
    if (m_db || path == ":memory:") {
        return;
    }
    try {
        auto db = store::Database::open_read_only(path, m_config.database.busy_timeout_ms);
        if (store::schema_version(*db) == store::current_schema_version()) {
            m_db = std::move(db);
        }
    } catch (const store::StoreError& e) {
        spdlog::debug("{}: not opened read-only ({}); opened as usual", path, e.what());
    }
}

ops::Env Context::env() {
    return ops::Env{db(), m_config, ops::Actor{m_actor, ops::Role::admin}, now()};
}

void throw_error(const ops::Error& error) {
    switch (error.kind) {
    case ops::ErrorKind::invalid:
    case ops::ErrorKind::conflict:
        throw UsageError(error.message);
    case ops::ErrorKind::not_found:
        throw NotFound(error.message);
    default:
        throw std::runtime_error(error.message);
    }
}

} // namespace kibaru::app
