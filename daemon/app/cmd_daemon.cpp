// `daemon`, `run-once` and `gateway test`: the commands that talk to the SMS gateway.
#include "app/backup_schedule.hpp"
#include "app/commands.hpp"
#include "app/config_loader.hpp"
#include "app/context.hpp"
#include "app/gateway_access.hpp"
#include "app/listeners.hpp"
#include "app/startup_checks.hpp"
#include "core/gateway.hpp"
#include "engine/engine.hpp"
#include "net/asio.hpp"
#include "net/http_server.hpp"
#include "store/sqlite.hpp"
#include "store/wal_checkpointer.hpp"
#include "util/metrics.hpp"
#include "web/callbacks.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include <sys/resource.h>

namespace kibaru::app {

namespace {

using namespace std::chrono;

// The engine's clock: real time, or with --now a simulated clock that starts there and runs at
// real speed (daemon) or stands still (run-once).
std::function<engine::Millis()> engine_clock(const Context& context, bool frozen) {
    if (!context.clock_is_fixed()) {
        return [] { return time_point_cast<milliseconds>(system_clock::now()); };
    }
    const engine::Millis start = time_point_cast<milliseconds>(context.now());
    if (frozen) {
        return [start] { return start; };
    }
    const auto base = steady_clock::now();
    return
        [start, base] { return start + duration_cast<milliseconds>(steady_clock::now() - base); };
}

void print_stats(const engine::EngineStats& s) {
    std::cout << "weeks opened " << s.weeks_opened << ", closed " << s.weeks_closed << "; sent "
              << s.sent << ", retrying " << s.retried << ", failed " << s.failed << ", skipped "
              << s.skipped << ", expired " << s.expired;
    if (s.failed_over > 0) {
        std::cout << "; " << s.failed_over << " refused by a gateway and sent through the next";
    }
    if (s.unknown_at_start > 0) {
        std::cout << "; " << s.unknown_at_start << " interrupted sends now unknown";
    }
    std::cout << "\n";
}

int run_once(Context& context) {
    auto& db = context.db();
    // A WAL backlog left by a long reader (a backup) is checkpointed beside the sending.
    store::WalCheckpointer checkpoints(db, context.config().database.synchronous);
    boost::asio::io_context io;
    engine::EngineOptions options;
    options.run_once = true;
    options.actor = context.actor();
    engine::Engine engine(io, db, context.config(), gateway_settings(context.config()),
                          engine_clock(context, true), options);
    engine.start([&io] { io.stop(); });
    io.run();
    std::cout << "run-once at " << context.now_text() << ": ";
    print_stats(engine.stats());
    return k_ok;
}

// Raises the soft limit on open files so that every connection the callback server may hold,
// plus the gateway's, the database's and the logs', fits; says so when the hard limit is lower.
void reserve_file_descriptors(int connections) {
    const rlim_t needed = static_cast<rlim_t>(connections) + 256;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= needed) {
        return;
    }
    const rlim_t raised = std::min(needed, limit.rlim_max);
    limit.rlim_cur = raised;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0 || raised < needed) {
        spdlog::warn("[server] max_connections = {} needs about {} open files; the limit is {}: "
                     "raise LimitNOFILE or lower max_connections",
                     connections, needed, raised);
    }
}

net::ServerLimits server_limits(const core::ServerConfig& server) {
    net::ServerLimits limits;
    limits.max_connections = static_cast<std::size_t>(server.max_connections);
    limits.backlog = server.listen_backlog;
    limits.request_timeout = milliseconds{server.request_timeout_ms};
    limits.idle_timeout = milliseconds{server.idle_timeout_ms};
    return limits;
}

int run_daemon(Context& context) {
    const auto& config = context.config();
    // One daemon per database, and none on a damaged file (app/startup_checks).
    const auto lock = lock_for_daemon(config);
    if (!lock) {
        return k_runtime;
    }
    if (const auto damage = check_database_at_start(config); !damage.empty()) {
        spdlog::critical("{}", damage);
        return k_runtime;
    }
    context.database_locked_by_this_process();
    auto& db = context.db();
    store::WalCheckpointer checkpoints(db, config.database.synchronous); // as in run_once
    boost::asio::io_context io;
    util::Metrics metrics;
    engine::EngineOptions options;
    options.actor = context.actor();
    options.metrics = &metrics;
    const auto clock = engine_clock(context, false);
    engine::Engine engine(io, db, config, gateway_settings(config), clock, options);

    BackupSchedule backups(io, db, config, context.actor(),
                           [clock] { return floor<seconds>(clock()); });

    web::CallbackContext callbacks;
    callbacks.env = [&db, &config, clock] {
        return ops::Env{db, config, ops::Actor{"inbound", ops::Role::staff},
                        floor<seconds>(clock())};
    };
    callbacks.token = secret_from_env(config.server.token_env);
    callbacks.gateway_secret = secret_from_env(config.gateway.password_env);
    callbacks.metrics = &metrics;
    callbacks.replies_queued = [&engine] { engine.replies_queued(); };
    callbacks.sending_busy = [&engine] { return engine.sending_busy(); };
    if (callbacks.token.empty()) {
        spdlog::warn("no callback token in ${}: every delivery report and incoming SMS will be "
                     "refused",
                     config.server.token_env);
    }
    web::CallbackHandler handler(io, callbacks);
    reserve_file_descriptors(config.server.max_connections);
    const auto [host, port] = split_listen(config.server.listen);
    net::HttpServer server(
        io, host, port,
        [&handler](net::IncomingRequest& request, net::Responder respond) {
            handler(request, std::move(respond));
        },
        server_limits(config.server));
    spdlog::info("callback server listening on {}:{}", host, server.port());
    // The console is for people; sending goes on without it: a console that cannot start (its
    // port taken) is an error in the log, not a daemon that stops sending.
    std::unique_ptr<ConsoleThread> console;
    if (config.console.enabled) {
        try {
            console = std::make_unique<ConsoleThread>(context, config.console.listen,
                                                      [clock] { return floor<seconds>(clock()); });
        } catch (const std::exception& e) {
            spdlog::error("the console is not served: {}", e.what());
        }
    }
    // Signals only through Asio: the handler runs on the loop, never inside sigaction.
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) {
            return;
        }
        spdlog::info("signal {}: finishing in-flight sends, then stopping", signal);
        backups.stop();
        server.stop();
        if (console) {
            console->stop();
        }
        engine.stop(engine.drain_deadline(), [&io] { io.stop(); });
    });
    spdlog::info("kibaru daemon started (database {}, gateway {} at {}, {} SMS/s, {} in flight)",
                 db.path(), config.gateway.profile,
                 config.gateway.profile == "generic" ? config.gateway.generic.url
                                                     : config.gateway.url,
                 config.gateway.rate_per_second, config.gateway.max_in_flight);
    std::string reply_languages;
    for (const auto& language : config.replies.languages()) {
        reply_languages += (reply_languages.empty() ? "" : ", ") + language;
    }
    spdlog::info("automatic replies in {} from {} (other languages get the French ones)",
                 reply_languages,
                 config.replies.source() == "built-in" ? "the built-in texts"
                                                       : config.replies.source() + "/");
    engine.start();
    backups.start();
    io.run();
    spdlog::info("kibaru daemon stopped ({} malformed or oversized requests refused by the "
                 "callback server)",
                 server.rejected());
    print_stats(engine.stats());
    return k_ok;
}

struct TestOptions {
    std::string to;
    std::string text;
    std::string gateway; // a [[gateways]] name; "" for the first that takes the number
};

int run_gateway_test(Context& context, const TestOptions& options) {
    const auto env = context.env();
    auto sent = ops::send_test_sms(
        env, gateway_access(context.config()),
        {options.to, options.text, options.gateway, "--to", "--text", "--gateway"});
    if (!sent) {
        throw UsageError(sent.error().field + ": " + sent.error().message);
    }
    const auto& r = *sent;
    std::cout << r.phone << ": " << (r.accepted ? "accepted" : "NOT accepted") << " by "
              << r.gateway << " (" << r.profile << ", HTTP " << r.http_status << ", "
              << r.latency.count() << " ms" << (r.gateway_id.empty() ? "" : ", id " + r.gateway_id)
              << ")" << (r.error.empty() ? "" : ": " + r.error) << "\n"
              << std::string(core::encoding_name(r.shape.encoding)) << ", " << r.shape.segments
              << " segment(s)\n";
    return r.accepted ? k_ok : k_runtime;
}

} // namespace

void register_daemon_commands(CLI::App& app, CommandSink& sink) {
    app.add_subcommand("daemon", "run the scheduler, the dispatcher and the callback server "
                                 "until SIGTERM/SIGINT")
        ->callback([&sink] { sink.action = run_daemon; });
    app.add_subcommand("run-once", "do everything due at --now (open weeks, send what is due, "
                                   "expire), wait for in-flight sends, exit")
        ->callback([&sink] { sink.action = run_once; });

    auto* gateway = app.add_subcommand("gateway", "talk to the configured SMS gateway");
    gateway->require_subcommand(1);
    auto test = std::make_shared<TestOptions>();
    auto* tester = gateway->add_subcommand("test", "send one SMS now through the gateway");
    tester->add_option("--to", test->to, "phone number")->required();
    tester->add_option("--text", test->text, "message text")->required();
    tester->add_option("--gateway", test->gateway,
                       "the [[gateways]] entry to use (default: the first that takes the number)");
    tester->callback(
        [&sink, test] { sink.action = [test](Context& c) { return run_gateway_test(c, *test); }; });
}

} // namespace kibaru::app
