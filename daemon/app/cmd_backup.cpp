// `backup FILE` and `restore FILE`: parse, call the operation, print what was verified. A copy
// that fails its checks exits 4 (verification failed), as `audit verify` does.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "ops/backups.hpp"
#include "ops/restore.hpp"
#include "util/rows.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

namespace kibaru::app {

namespace {

// Copies smaller than this (100 MiB of 4 KiB pages) take a few seconds: no progress for them.
constexpr std::int64_t k_progress_min_pages = 25600;

// Percent of pages copied on stderr, one line per tenth: it reads alike on a terminal, in a cron
// mail and in the journal. Then a line saying the checks have begun, which take as long again.
store::CopyOptions progress_on_stderr(const std::string& what) {
    store::CopyOptions copy;
    copy.progress = [what, last = std::make_shared<std::int64_t>(-1)](std::int64_t done,
                                                                      std::int64_t total) {
        if (total < k_progress_min_pages) {
            return;
        }
        const std::int64_t tenth = done * 10 / total;
        if (tenth != *last) {
            *last = tenth;
            std::cerr << what << ": " << tenth * 10 << "% of " << total << " pages copied\n";
        }
        if (done == total) {
            std::cerr << what << ": checking the copy (integrity_check, audit chain)\n";
        }
    };
    return copy;
}

std::string human_bytes(std::int64_t bytes) {
    char text[32];
    if (bytes < (1 << 20)) {
        std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
    } else if (bytes < (std::int64_t{1} << 30)) {
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    } else {
        std::snprintf(text, sizeof text, "%.2f GiB",
                      static_cast<double>(bytes) / static_cast<double>(std::int64_t{1} << 30));
    }
    return text;
}

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", seconds);
    return text;
}

// "integrity_check ok; audit chain intact (12 entries, 340 delivery events checked)".
std::string what_was_verified(const ops::CopyVerdict& v) {
    return "integrity_check ok; audit chain intact (" + std::to_string(v.audit.checked) +
           " entries, " + std::to_string(v.audit.events_checked) +
           " delivery events checked); schema version " + std::to_string(v.schema_version);
}

int run_backup(Context& context, const std::string& file, bool force, const std::string& format) {
    context.require_existing_database();
    ops::BackupOptions options;
    options.force = force;
    options.copy = progress_on_stderr("backup");
    const auto report = unwrap(ops::back_up(context.env(), file, options));
    if (util::parse_format(format) == util::Format::json) {
        util::Json out = {{"file", report.file},
                          {"bytes", report.bytes},
                          {"pages", report.pages},
                          {"seconds", report.seconds}};
        const auto verdict = ops::copy_verdict_json(report.verdict);
        for (const auto& [key, value] : verdict.items()) {
            if (key != "file") {
                out[key] = value;
            }
        }
        util::write_json_object(std::cout, out);
    } else if (report.written()) {
        std::cout << "backup written: " << report.file << " (" << human_bytes(report.bytes) << ", "
                  << report.pages << " pages, " << seconds_text(report.seconds) << ")\n"
                  << "verified: " << what_was_verified(report.verdict)
                  << "; it holds the audit entries up to " << report.verdict.audit_seq << "\n";
    }
    if (!report.written()) {
        std::cerr << "kibaru: backup NOT kept: " << report.verdict.problem()
                  << "\nThe copy is page for page the database: check it with `kibaru audit "
                     "verify` (and the disk the copy went to).\n";
        return k_verify_failed;
    }
    return k_ok;
}

int run_restore(Context& context, const std::string& file, const std::string& format) {
    const auto report =
        unwrap(ops::restore_backup(context.config(), ops::Actor{context.actor(), ops::Role::admin},
                                   context.now(), file, progress_on_stderr("restore")));
    if (util::parse_format(format) == util::Format::json) {
        util::write_json_object(std::cout, {{"file", report.file},
                                            {"database", report.database},
                                            {"restored", report.restored},
                                            {"kept", report.kept},
                                            {"pages", report.pages},
                                            {"seconds", report.seconds},
                                            {"migrated_from", report.migrated_from},
                                            {"check", ops::copy_verdict_json(report.verdict)}});
    } else if (report.restored) {
        std::cout << "restored " << report.file << " into " << report.database << " ("
                  << report.pages << " pages, " << seconds_text(report.seconds) << ")\n"
                  << "checked first: " << what_was_verified(report.verdict) << "\n";
        if (report.migrated_from != report.verdict.newest_schema) {
            std::cout << "migrated from schema version " << report.migrated_from << " to "
                      << report.verdict.newest_schema << "\n";
        }
        std::cout << (report.kept.empty()
                          ? "there was no database to replace\n"
                          : "the database it replaced is kept as " + report.kept + "\n");
    }
    if (!report.restored) {
        std::cerr << "kibaru: restore refused, nothing was changed: " << report.verdict.problem()
                  << "\n";
        return k_verify_failed;
    }
    return k_ok;
}

} // namespace

void register_backup_commands(CLI::App& app, CommandSink& sink) {
    struct BackupArgs {
        std::string file;
        bool force = false;
        std::string format = "table";
    };
    auto backup_args = std::make_shared<BackupArgs>();
    auto* backup = app.add_subcommand(
        "backup", "copy the database to FILE while the daemon runs, then verify the copy "
                  "(integrity_check, audit chain); exit 4 if it fails");
    backup->add_option("FILE", backup_args->file, "the backup file to write")->required();
    backup->add_flag("--force", backup_args->force, "replace FILE if it exists");
    backup->add_option("--format", backup_args->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    backup->callback([&sink, backup_args] {
        sink.action = [backup_args](Context& c) {
            return run_backup(c, backup_args->file, backup_args->force, backup_args->format);
        };
    });

    struct RestoreArgs {
        std::string file;
        std::string format = "table";
    };
    auto restore_args = std::make_shared<RestoreArgs>();
    auto* restore = app.add_subcommand(
        "restore", "replace the database with the backup FILE once it passes the checks "
                   "(exit 4 if not); the daemon must be stopped; the replaced database is kept "
                   "beside it");
    restore->add_option("FILE", restore_args->file, "the backup file to restore")->required();
    restore->add_option("--format", restore_args->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    restore->callback([&sink, restore_args] {
        sink.action = [restore_args](Context& c) {
            return run_restore(c, restore_args->file, restore_args->format);
        };
    });
}

} // namespace kibaru::app
