#include "app/main.hpp"

#include "app/commands.hpp"
#include "app/config_loader.hpp"
#include "app/context.hpp"
#include "app/heap_settings.hpp"
#include "app/sqlite_log.hpp"
#include "store/sqlite.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <sys/stat.h>

namespace kibaru::app {

int main(int argc, char** argv) {
    settle_heap();
    // Databases, logs, exports and rejects hold producers' phone numbers: owner-only by default.
    ::umask(077);
    // Before anything opens a database: SQLite takes its log callback only until it initializes.
    if (!route_sqlite_log()) {
        spdlog::warn("SQLite's own error log is not routed to the log (SQLite started early)");
    }

    CLI::App cli{"kibaru: weekly market-information SMS for producers (sesame, rice, ...).\n"
                 "Imports contacts, keeps a tamper-evident audit log; see README.md."};
    cli.name("kibaru");
    cli.require_subcommand(1);
    // Global options may come after the command too (`contacts optout P --actor awa`):
    // subcommands created below inherit this and pass unknown options up to the root.
    cli.fallthrough();
    cli.set_version_flag("--version", "kibaru 0.1.0");
    GlobalOptions global;
    int quiet = 0;
    cli.add_option("--config", global.config_path,
                   "TOML config (default: $KIBARU_CONFIG, else config/kibaru.toml)");
    cli.add_option("--db", global.db_path, "SQLite database file (overrides [database] path)");
    cli.add_option("--now", global.now,
                   "the clock, ISO 8601 (e.g. 2019-01-08T09:00:00Z); default: real time");
    cli.add_option("--actor", global.actor, "who is acting, for the audit log (default: OS user)");
    cli.add_flag("-v,--verbose", global.verbosity, "more logging (repeatable)");
    cli.add_flag("-q,--quiet", quiet, "less logging (repeatable)");

    CommandSink sink;
    register_contacts_commands(cli, sink);
    register_campaign_commands(cli, sink);
    register_messages_commands(cli, sink);
    register_daemon_commands(cli, sink);
    register_report_commands(cli, sink);
    register_admin_commands(cli, sink);
    register_users_commands(cli, sink);
    register_console_commands(cli, sink);
    register_deliveries_commands(cli, sink);
    register_inbox_commands(cli, sink);
    register_backup_commands(cli, sink);

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = cli.exit(e);
        return code == 0 ? k_ok : k_usage;
    }
    global.verbosity -= quiet;

    try {
        Context context(global);
        return sink.action ? sink.action(context) : k_usage;
    } catch (const ConfigError& e) {
        std::cerr << "kibaru: configuration error:\n" << e.what() << '\n';
        return k_usage;
    } catch (const UsageError& e) {
        std::cerr << "kibaru: " << e.what() << '\n';
        return k_usage;
    } catch (const store::StoreError& e) {
        std::cerr << "kibaru: database error: " << e.what() << '\n';
        return k_runtime;
    } catch (const std::exception& e) {
        std::cerr << "kibaru: " << e.what() << '\n';
        return k_runtime;
    }
}

} // namespace kibaru::app
