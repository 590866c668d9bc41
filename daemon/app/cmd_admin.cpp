// `init`, `status`, `audit verify`, `audit export`.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output.hpp"
#include "store/audit_log.hpp"
#include "store/campaigns_repo.hpp"
#include "store/contacts_repo.hpp"
#include "store/deliveries_repo.hpp"
#include "store/event_seal.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

namespace kibaru::app {

namespace {

int run_init(Context& context) {
    auto& db = context.db();
    std::cout << "database " << db.path() << " is at schema version " << store::schema_version(db)
              << "\n";
    return k_ok;
}

int run_status(Context& context, const std::string& format) {
    auto& db = context.db();
    const auto contacts = store::ContactsRepo(db).count_by_status();
    const auto queue = store::DeliveriesRepo(db).count_by_state();
    std::map<std::string, std::int64_t> campaigns = {
        {"active", 0}, {"paused", 0}, {"cancelled", 0}};
    for (const auto& c : store::CampaignsRepo(db).list()) {
        ++campaigns[c.status];
    }
    Json status = {
        {"database", db.path()},
        {"schema_version", store::schema_version(db)},
        {"config", context.config().source},
        {"contacts", contacts},
        {"campaigns", campaigns},
        {"deliveries", queue},
        {"audit_entries", db.scalar_int("SELECT seq FROM audit_head WHERE id = 1")},
    };
    if (parse_format(format) == Format::json) {
        write_json_object(std::cout, status);
        return k_ok;
    }
    std::int64_t total = 0;
    for (const auto& [name, count] : contacts) {
        total += count;
    }
    std::cout << "database        " << db.path() << " (schema version " << store::schema_version(db)
              << ")\n"
              << "config          " << context.config().source << "\n"
              << "contacts        " << total << " (" << contacts.at("active") << " active, "
              << contacts.at("opted_out") << " opted out)\n"
              << "campaigns       " << campaigns.at("active") << " active, "
              << campaigns.at("paused") << " paused, " << campaigns.at("cancelled")
              << " cancelled\n"
              << "deliveries     ";
    for (const auto state : core::k_delivery_states) {
        std::cout << " " << state << " " << queue.at(std::string(state));
    }
    std::cout << "\n"
              << "audit entries   " << status["audit_entries"].get<std::int64_t>() << "\n";
    return k_ok;
}

int run_verify(Context& context, const std::string& format) {
    auto verdict = store::AuditLog(context.db()).verify();
    if (verdict.ok()) {
        // The chain is intact, so its seals can be trusted to check the delivery events.
        const auto events = store::verify_delivery_events(context.db());
        const auto entries = verdict.checked;
        verdict = events;
        verdict.checked = entries;
        if (events.ok()) {
            verdict.events_checked = events.checked;
        }
    }
    if (parse_format(format) == Format::json) {
        Json out = {{"ok", verdict.ok()},
                    {"checked", verdict.checked},
                    {"events_checked", verdict.events_checked}};
        if (!verdict.ok()) {
            out["broken_seq"] = verdict.broken_seq;
            out["problem"] = verdict.problem;
        }
        write_json_object(std::cout, out);
    } else if (verdict.ok()) {
        std::cout << "audit log intact: " << verdict.checked << " entries checked, "
                  << verdict.events_checked << " delivery events checked against their seals\n";
    } else {
        std::cout << "audit log BROKEN"
                  << (verdict.broken_seq > 0 ? " at entry " + std::to_string(verdict.broken_seq)
                                             : std::string())
                  << ": " << verdict.problem << " (" << verdict.checked << " entries checked)\n";
    }
    return verdict.ok() ? k_ok : k_verify_failed;
}

int run_audit_export(Context& context, const std::string& format) {
    auto writer = make_row_writer(
        parse_format(format), std::cout,
        {"seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash"});
    store::AuditLog(context.db()).for_each([&](const store::AuditRow& row) {
        const auto& e = row.entry;
        writer->row(
            {e.seq, e.at, e.actor, e.action, e.subject, e.details, row.prev_hash, row.hash});
    });
    writer->finish();
    return k_ok;
}

} // namespace

void register_admin_commands(CLI::App& app, CommandSink& sink) {
    app.add_subcommand("init", "create the database or migrate it to the current schema")
        ->callback([&sink] { sink.action = run_init; });

    auto status_format = std::make_shared<std::string>("table");
    auto* status =
        app.add_subcommand("status", "schema version, contacts by status, audit entries");
    status->add_option("--format", *status_format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    status->callback([&sink, status_format] {
        sink.action = [status_format](Context& c) { return run_status(c, *status_format); };
    });

    auto* audit = app.add_subcommand("audit", "check or export the tamper-evident audit log");
    audit->require_subcommand(1);
    auto verify_format = std::make_shared<std::string>("table");
    auto* verify = audit->add_subcommand(
        "verify", "recompute the hash chain; exit 4 naming the first broken entry");
    verify->add_option("--format", *verify_format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    verify->callback([&sink, verify_format] {
        sink.action = [verify_format](Context& c) { return run_verify(c, *verify_format); };
    });
    auto export_format = std::make_shared<std::string>("csv");
    auto* exporter = audit->add_subcommand("export", "write the audit log to standard output");
    exporter->add_option("--format", *export_format, "csv, json or table")
        ->check(CLI::IsMember({"csv", "json", "table"}));
    exporter->callback([&sink, export_format] {
        sink.action = [export_format](Context& c) { return run_audit_export(c, *export_format); };
    });
}

} // namespace kibaru::app
