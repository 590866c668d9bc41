#include "app/startup_checks.hpp"

#include "ops/backups.hpp"
#include "ops/database_lock.hpp"
#include "store/integrity.hpp"
#include "store/sqlite.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

namespace kibaru::app {

std::unique_ptr<util::FileLock> lock_for_daemon(const core::Config& config) {
    const std::filesystem::path path(config.database.path);
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    auto lock = ops::lock_database(config.database.path);
    if (!lock) {
        spdlog::critical("another kibaru daemon is running on {} (it holds {}), or a `kibaru "
                         "restore` is under way: not starting a second one",
                         config.database.path, ops::database_lock_path(config.database.path));
    }
    return lock;
}

std::string check_database_at_start(const core::Config& config) {
    const auto& path = config.database.path;
    std::error_code ec;
    if (path == ":memory:" || !std::filesystem::exists(path, ec)) {
        return "";
    }
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::string> problems;
    try {
        auto db = store::Database::open(path, config.database.busy_timeout_ms,
                                        config.database.synchronous);
        problems = store::integrity_problems(*db, store::Check::quick);
    } catch (const store::StoreError& e) {
        if (!store::is_damage(e.code())) {
            throw;
        }
        problems = {e.what()};
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    if (problems.empty()) {
        spdlog::info("database {} passed quick_check ({:.1f} s)", path, took.count());
        return "";
    }
    std::string found;
    for (const auto& problem : problems) {
        found += (found.empty() ? "" : "; ") + problem;
    }
    return "database " + path + " is damaged (quick_check: " + found +
           "). Not starting. Restore the latest good backup with `kibaru restore FILE` (the "
           "daemon's own are in " +
           ops::backup_dir(config) +
           "); restore checks the copy first and keeps this file beside the database.";
}

} // namespace kibaru::app
