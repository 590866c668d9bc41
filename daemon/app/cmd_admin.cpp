// `init`, `status`, `audit verify`, `audit export`: parse, call the operation, print.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output_options.hpp"
#include "core/delivery.hpp"
#include "ops/admin.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "util/rows.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace kibaru::app {

namespace {

int run_init(Context& context) {
    auto& db = context.db();
    std::cout << "database " << db.path() << " is at schema version " << store::schema_version(db)
              << "\n";
    return k_ok;
}

int run_status(Context& context, const std::string& format) {
    const auto status = ops::installation_status(context.env());
    if (util::parse_format(format) == util::Format::json) {
        util::write_json_object(std::cout, status);
        return k_ok;
    }
    const auto& contacts = status["contacts"];
    const auto& campaigns = status["campaigns"];
    std::int64_t total = 0;
    for (const auto& [name, count] : contacts.items()) {
        total += count.get<std::int64_t>();
    }
    std::cout << "database        " << status["database"].get<std::string>() << " (schema version "
              << status["schema_version"] << ")\n"
              << "config          " << status["config"].get<std::string>() << "\n"
              << "contacts        " << total << " (" << contacts["active"] << " active, "
              << contacts["opted_out"] << " opted out)\n"
              << "campaigns       " << campaigns["active"] << " active, " << campaigns["paused"]
              << " paused, " << campaigns["cancelled"] << " cancelled\n"
              << "deliveries     ";
    for (const auto state : core::k_delivery_states) {
        std::cout << " " << core::to_string(state) << " "
                  << status["deliveries"][std::string(core::to_string(state))];
    }
    const auto& replies = status["replies"];
    std::cout << "\n"
              << "inbox           " << status["inbox"].get<std::int64_t>() << " messages received\n"
              << "replies        ";
    for (const auto& [state, count] : replies["by_state"].items()) {
        std::cout << " " << state << " " << count;
    }
    std::cout << (replies["by_state"].empty() ? " none" : "") << " ("
              << replies["segments"].get<std::int64_t>() << " SMS, "
              << replies["cost"].get<double>() << " " << replies["currency"].get<std::string>()
              << ")\n"
              << "audit entries   " << status["audit_entries"].get<std::int64_t>() << "\n";
    return k_ok;
}

// The checkpoints given with --checkpoint and --checkpoints FILE; a malformed one is a usage
// error naming it.
std::vector<core::CheckpointClaim> checkpoint_claims(const std::vector<std::string>& given,
                                                     const std::string& file) {
    std::vector<core::CheckpointClaim> claims;
    for (const auto& text : given) {
        auto claim = core::parse_checkpoint(text);
        if (!claim) {
            throw UsageError("--checkpoint: " + claim.error().message);
        }
        claims.push_back(std::move(*claim));
    }
    if (!file.empty()) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            throw UsageError("--checkpoints: cannot read " + file);
        }
        std::ostringstream text;
        text << in.rdbuf();
        auto more = core::parse_checkpoint_lines(text.str(), file);
        if (!more) {
            throw UsageError("--checkpoints: " + more.error().message);
        }
        claims.insert(claims.end(), more->begin(), more->end());
    }
    return claims;
}

struct VerifyOptions {
    std::string format = "table";
    std::vector<std::string> checkpoints;
    std::string checkpoints_file;
};

int run_verify(Context& context, const VerifyOptions& options) {
    context.open_read_only_when_current(); // a copy is checked without a byte changed
    const auto claims = checkpoint_claims(options.checkpoints, options.checkpoints_file);
    store::AuditVerdict verdict;
    try {
        verdict = ops::verify_audit(context.env(), claims);
    } catch (const store::StoreError& e) {
        if (!store::is_damaged_database(e.code())) {
            throw;
        }
        // A damaged file is a failed verification (exit 4), not a runtime error.
        verdict.problem = std::string("the database file is damaged: ") + e.what();
    }
    const auto& format = options.format;
    if (util::parse_format(format) == util::Format::json) {
        util::write_json_object(std::cout, ops::audit_verdict_json(verdict));
    } else if (verdict.ok()) {
        std::cout << "audit log intact: " << verdict.checked << " entries checked, "
                  << verdict.events_checked << " delivery events checked against their seals, "
                  << verdict.deliveries_checked << " deliveries against their events";
        if (verdict.deliveries_not_replayable > 0) {
            std::cout << " (" << verdict.deliveries_not_replayable
                      << " of them with events from before events recorded whether they "
                         "applied: counted in the tallies, not replayed)";
        }
        if (!claims.empty()) {
            std::cout << ", " << verdict.checkpoints_checked << " witnessed checkpoint"
                      << (claims.size() == 1 ? "" : "s") << " still matched";
        }
        std::cout << "\n";
    } else {
        std::cout << "audit log BROKEN"
                  << (verdict.broken_seq > 0 ? " at entry " + std::to_string(verdict.broken_seq)
                                             : std::string())
                  << ": " << verdict.problem << " (" << verdict.checked << " entries checked)\n";
    }
    return verdict.ok() ? k_ok : k_verify_failed;
}

int run_checkpoint(Context& context, const std::string& format) {
    context.require_existing_database();
    const auto checkpoint = ops::audit_checkpoint(context.env());
    if (format == "json") {
        util::write_json_object(std::cout, ops::audit_checkpoint_json(checkpoint));
    } else {
        std::cout << core::checkpoint_text(checkpoint) << "\n";
    }
    return k_ok;
}

int run_audit_export(Context& context, const std::string& format) {
    context.require_existing_database();
    auto writer =
        util::make_row_writer(util::parse_format(format), std::cout, ops::audit_columns());
    ops::for_each_audit_entry(
        context.env(), [&](const store::AuditRow& row) { writer->row(ops::audit_cells(row)); });
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
    auto verify_options = std::make_shared<VerifyOptions>();
    auto* verify = audit->add_subcommand(
        "verify", "recompute the hash chain (and check witnessed checkpoints); exit 4 naming the "
                  "first broken entry or checkpoint");
    verify->add_option("--format", verify_options->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    verify->add_option("--checkpoint", verify_options->checkpoints,
                       "a witnessed checkpoint, \"SEQ HEX\" or as the SMS reads (repeatable)");
    verify->add_option("--checkpoints", verify_options->checkpoints_file,
                       "a file of witnessed checkpoints, one per line");
    verify->callback([&sink, verify_options] {
        sink.action = [verify_options](Context& c) { return run_verify(c, *verify_options); };
    });
    auto checkpoint_format = std::make_shared<std::string>("text");
    auto* checkpoint = audit->add_subcommand(
        "checkpoint", "print the chain's head as a witness keeps it: KIBARU AUDIT SEQ HEX");
    checkpoint->add_option("--format", *checkpoint_format, "text or json")
        ->check(CLI::IsMember({"text", "json"}));
    checkpoint->callback([&sink, checkpoint_format] {
        sink.action = [checkpoint_format](Context& c) {
            return run_checkpoint(c, *checkpoint_format);
        };
    });
    auto export_format = std::make_shared<std::string>("csv");
    auto* exporter = audit->add_subcommand("export", "write the audit log to standard output");
    auto* export_format_option =
        exporter->add_option("--format", *export_format, "csv, json or table")
            ->check(CLI::IsMember({"csv", "json", "table"}));
    add_excel_flag(*exporter, *export_format_option, *export_format);
    exporter->callback([&sink, export_format] {
        sink.action = [export_format](Context& c) { return run_audit_export(c, *export_format); };
    });
}

} // namespace kibaru::app
