#include "ops/restore.hpp"

#include "ops/audit_trail.hpp"
#include "ops/database_lock.hpp"
#include "store/audit_log.hpp"
#include "store/integrity.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace kibaru::ops {

namespace fs = std::filesystem;

namespace {

std::unique_ptr<store::Database> open_database(const core::Config& config) {
    return store::Database::open(config.database.path, config.database.busy_timeout_ms,
                                 config.database.synchronous);
}

void remove_database_files(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        fs::remove(path + suffix);
    }
}

// "20261201T030000Z": the instant in a file name, sortable and free of ':'.
std::string compact_utc(core::Instant at) {
    auto text = core::format_utc(at);
    std::erase_if(text, [](char c) { return c == '-' || c == ':'; });
    return text;
}

// Keeps the database about to be replaced as "<path>.before-restore-<instant>", or returns ""
// when there is none. A consistent copy when SQLite can read it; when it is too damaged for that
// (often why one restores), its files as they are, WAL included, for whoever investigates.
std::string keep_database(const core::Config& config, core::Instant now) {
    const auto& path = config.database.path;
    if (!fs::exists(path)) {
        return "";
    }
    std::string kept = path + ".before-restore-" + compact_utc(now);
    for (int n = 2; fs::exists(kept); ++n) {
        kept = path + ".before-restore-" + compact_utc(now) + "-" + std::to_string(n);
    }
    try {
        auto live = open_database(config);
        // No daemon runs (the caller holds its lock): large steps, no pauses.
        store::CopyOptions whole;
        whole.pages_per_step = 4096;
        whole.pause = {};
        store::write_database_file(*live, kept + ".partial", whole);
        store::publish_file(kept + ".partial", kept);
    } catch (const store::StoreError& e) {
        if (!store::is_damage(e.code())) {
            throw;
        }
        // The connection is closed by now: copying the file while this process held it open
        // would drop that connection's locks when the copy closed its descriptor.
        fs::copy_file(path, kept);
        if (fs::exists(path + "-wal")) {
            fs::copy_file(path + "-wal", kept + "-wal");
        }
    }
    return kept;
}

// Copies `source` over the database: in place when SQLite can still open it, else (a file too
// damaged to take a transaction, already kept) over a fresh file.
std::int64_t copy_into_place(store::Database& source, const core::Config& config,
                             const store::CopyOptions& copy) {
    try {
        auto target = open_database(config);
        return store::copy_database(source, *target, copy).pages;
    } catch (const store::StoreError& e) {
        if (!store::is_damage(e.code())) {
            throw;
        }
    }
    // The daemon's lock keeps a daemon away; a command run meanwhile would lose its -shm here.
    remove_database_files(config.database.path);
    auto target = open_database(config);
    return store::copy_database(source, *target, copy).pages;
}

} // namespace

Result<RestoreReport> restore_backup(const core::Config& config, const Actor& actor,
                                     core::Instant now, const std::string& file,
                                     const store::CopyOptions& copy) {
    const auto started = std::chrono::steady_clock::now();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        return not_found(file + ": no such backup file");
    }
    const auto& db_path = config.database.path;
    if (db_path == ":memory:") {
        return invalid("--db :memory: has nothing to restore into", "--db");
    }
    if (is_database_file(file, db_path)) {
        return conflict(file + " is the database itself: restore from a backup file");
    }
    RestoreReport report;
    report.file = fs::absolute(file).lexically_normal().string();
    report.database = db_path;
    report.verdict = verify_copy(file);
    if (!report.verdict.ok()) {
        return report;
    }
    if (const auto parent = fs::path(db_path).parent_path(); !parent.empty()) {
        fs::create_directories(parent);
    }
    const auto lock = lock_database(db_path);
    if (!lock) {
        return conflict("a kibaru daemon is running on " + db_path + " (it holds " +
                        database_lock_path(db_path) +
                        "): stop it first (systemctl stop kibaru), then restore");
    }
    report.kept = keep_database(config, now);
    auto source = store::Database::open_read_only(file);
    report.pages = copy_into_place(*source, config, copy);
    source.reset();

    auto db = open_database(config);
    report.migrated_from = store::migrate(*db);
    const Env env{*db, config, actor, now};
    store::Transaction tx(*db);
    const int current = store::current_schema_version();
    if (report.migrated_from != current) {
        record(env, "database.migrate", db_path, {{"from", report.migrated_from}, {"to", current}});
    }
    record(env, "backup.restored", report.file,
           {{"database", db_path},
            {"kept", report.kept},
            {"audit_seq", report.verdict.audit_seq},
            {"schema_version", report.verdict.schema_version},
            {"pages", report.pages}});
    tx.commit();
    report.restored = true;
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace kibaru::ops
