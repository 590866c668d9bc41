// `console`: the web console and the JSON API without the dispatcher: nothing is sent. With
// --read-only the database is opened read-only (an auditor browsing a copy of the file) and
// every change answers 403.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/listeners.hpp"
#include "net/asio.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <iostream>

#include <sys/resource.h>

namespace kibaru::app {

namespace {

struct ConsoleOptions {
    std::string listen;
    bool read_only = false;
};

// A read-only console cannot migrate: the file must already be at this kibaru's schema.
void check_schema_read_only(const std::string& path) {
    const auto db = store::Database::open_read_only(path);
    const int version = store::schema_version(*db);
    if (version != store::current_schema_version()) {
        throw UsageError(path + " has schema version " + std::to_string(version) +
                         ", this kibaru reads version " +
                         std::to_string(store::current_schema_version()) +
                         ": open a copy read-write once (kibaru init) to migrate it");
    }
}

int run_console(Context& context, const ConsoleOptions& options) {
    const auto& config = context.config();
    // A console beside a daemon on the same small server: people's reads must never slow the
    // sending. Every thread of this process (made after this line) runs at nice 10, as the
    // daemon's own console workers do.
    if (::setpriority(PRIO_PROCESS, 0, 10) != 0) {
        spdlog::debug("the console keeps its priority: setpriority failed");
    }
    if (options.read_only) {
        check_schema_read_only(config.database.path);
    } else {
        context.db(); // creates or migrates the file before the workers open it
    }
    boost::asio::io_context io;
    // The console's clock: real time, or from --now on at real speed.
    std::function<core::Instant()> clock = [] {
        return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    };
    if (context.clock_is_fixed()) {
        const auto start = context.now();
        const auto base = std::chrono::steady_clock::now();
        clock = [start, base] {
            return start + std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::steady_clock::now() - base);
        };
    }
    auto console =
        start_console(io, context, options.listen.empty() ? config.console.listen : options.listen,
                      options.read_only, clock);
    std::cerr << "kibaru console on " << (config.console.tls_cert.empty() ? "http" : "https")
              << "://"
              << split_listen(options.listen.empty() ? config.console.listen : options.listen).first
              << ":" << console.server->port() << (options.read_only ? " (read-only)" : "")
              << "; stop with Ctrl-C\n";
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (!ec) {
            console.server->stop();
            io.stop();
        }
    });
    io.run();
    return k_ok;
}

} // namespace

void register_console_commands(CLI::App& app, CommandSink& sink) {
    auto options = std::make_shared<ConsoleOptions>();
    auto* console = app.add_subcommand(
        "console", "serve the web console and the JSON API without sending anything");
    console->add_option("--listen", options->listen,
                        "address:port (default [console] listen, 127.0.0.1:8090)");
    console->add_flag("--read-only", options->read_only,
                      "open the database read-only; every change answers 403");
    console->callback([&sink, options] {
        sink.action = [options](Context& c) { return run_console(c, *options); };
    });
}

} // namespace kibaru::app
