// How command files plug into the CLI: each registers its subcommands on the CLI11 app and, when
// one is chosen, leaves the action to run once the global options have made a Context.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace kibaru::app {

class Context;

// Returns the exit code. Runs on the main thread after parsing; throws UsageError,
// ConfigError or store::StoreError for main to map to exit codes.
using Action = std::function<int(Context&)>;

struct CommandSink {
    Action action;
};

void register_contacts_commands(CLI::App& app, CommandSink& sink);
void register_admin_commands(CLI::App& app, CommandSink& sink); // init, status, audit
void register_campaign_commands(CLI::App& app, CommandSink& sink);
void register_messages_commands(CLI::App& app, CommandSink& sink);
void register_daemon_commands(CLI::App& app, CommandSink& sink); // daemon, run-once, gateway
void register_report_commands(CLI::App& app, CommandSink& sink);
void register_users_commands(CLI::App& app, CommandSink& sink);
void register_console_commands(CLI::App& app, CommandSink& sink);
void register_deliveries_commands(CLI::App& app, CommandSink& sink); // deliveries resend
void register_inbox_commands(CLI::App& app, CommandSink& sink);      // prices, inbox
void register_backup_commands(CLI::App& app, CommandSink& sink);     // backup, restore

} // namespace kibaru::app
