#include "ops/backups.hpp"

#include "core/backup_plan.hpp"
#include "ops/audit_trail.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <system_error>

namespace kibaru::ops {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> file_names(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) {
            names.push_back(it->path().filename().string());
        }
    }
    return names;
}

// `backup.written`, inside the caller's transaction. audit_seq is the last entry the copy
// holds: what an auditor compares with the live log to see what a restore would take back.
void audit_written(const Env& env, const BackupReport& report, bool scheduled) {
    record(env, "backup.written", report.file,
           {{"bytes", report.bytes},
            {"pages", report.pages},
            {"audit_seq", report.verdict.audit_seq},
            {"integrity", "ok"},
            {"scheduled", scheduled}});
}

} // namespace

Result<BackupReport> write_backup(store::Database& source, const std::string& file,
                                  const BackupOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    const fs::path target = fs::absolute(file).lexically_normal();
    std::error_code ec;
    if (file.empty() || !target.has_filename() || fs::is_directory(target, ec)) {
        return invalid(file + " is a directory: give the backup a file name (e.g. " +
                           (target / "kibaru.db").string() + ")",
                       "FILE");
    }
    if (!fs::is_directory(target.parent_path(), ec)) {
        return invalid("the directory " + target.parent_path().string() +
                           " does not exist: create it, or mount the disk, first",
                       "FILE");
    }
    if (is_database_file(target.string(), source.path())) {
        return conflict(target.string() + " is the database itself (or one of its files): "
                                          "give the backup another name");
    }
    if (fs::exists(target, ec) && !options.force) {
        return conflict(target.string() +
                        " already exists: give another name, or --force to replace it");
    }
    const std::string partial = target.string() + ".partial";
    BackupReport report;
    report.file = target.string();
    report.pages = store::write_database_file(source, partial, options.copy).pages;
    report.bytes = static_cast<std::int64_t>(fs::file_size(partial, ec));
    try {
        report.verdict = verify_copy(partial, options.copy.cancel);
        report.verdict.file = report.file;
        if (report.verdict.ok()) {
            store::publish_file(partial, report.file);
        }
    } catch (...) {
        fs::remove(partial, ec);
        throw;
    }
    fs::remove(partial, ec); // a copy that failed its checks is not kept (published: no-op)
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

void record_backup(const Env& env, const BackupReport& report, bool scheduled) {
    store::Transaction tx(env.db);
    audit_written(env, report, scheduled);
    tx.commit();
}

Result<BackupReport> back_up(const Env& env, const std::string& file,
                             const BackupOptions& options) {
    auto report = write_backup(env.db, file, options);
    if (report && report->written()) {
        record_backup(env, *report, false);
    }
    return report;
}

std::string backup_dir(const core::Config& config) {
    if (!config.backup.dir.empty()) {
        return config.backup.dir;
    }
    const auto parent = fs::path(config.database.path).parent_path();
    return (parent / "backups").string();
}

bool scheduled_backup_due(const core::Config& config, core::Instant now) {
    return core::backup_due(file_names(backup_dir(config)), now, config.backup.every_hours);
}

Result<ScheduledBackup> take_scheduled_backup(store::Database& source, const core::Config& config,
                                              core::Instant now, const store::CopyOptions& copy) {
    const fs::path dir = backup_dir(config);
    fs::create_directories(dir);
    // What a backup cut short (the daemon killed mid-copy) left behind: never a backup.
    std::error_code ec;
    for (const auto& name : file_names(dir)) {
        const auto dot = name.rfind(".partial");
        if (dot != std::string::npos && dot + 8 == name.size() &&
            core::parse_backup_file_name(name.substr(0, dot))) {
            fs::remove(dir / name, ec);
        }
    }
    auto written = write_backup(source, (dir / core::backup_file_name(now)).string(),
                                BackupOptions{false, copy});
    if (!written) {
        return written.error();
    }
    ScheduledBackup backup{std::move(*written), {}, {}};
    if (!backup.report.written()) {
        return backup;
    }
    for (const auto& name : core::backups_to_delete(file_names(dir), config.backup.keep)) {
        const auto path = (dir / name).lexically_normal();
        if (fs::remove(path, ec)) {
            backup.deleted.push_back(fs::absolute(path).string());
        } else if (ec) {
            backup.problems.push_back("cannot delete " + path.string() + ": " + ec.message());
        }
    }
    return backup;
}

void record_scheduled_backup(const Env& env, const ScheduledBackup& backup) {
    if (!backup.report.written()) {
        return;
    }
    store::Transaction tx(env.db);
    audit_written(env, backup.report, true);
    for (const auto& file : backup.deleted) {
        record(env, "backup.deleted", file,
               {{"keep", env.config.backup.keep}, {"replaced_by", backup.report.file}});
    }
    tx.commit();
}

} // namespace kibaru::ops
