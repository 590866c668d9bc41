// `report campaign|deliveries|contact|gateways`: parse, call the operation, print.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output_options.hpp"
#include "app/report_workbooks.hpp"
#include "core/delivery.hpp"
#include "core/phone.hpp"
#include "ops/admin.hpp"
#include "ops/contacts.hpp"
#include "ops/gateway_report.hpp"
#include "ops/reports.hpp"
#include "util/rows.hpp"
#include "util/xlsx_writer.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>

namespace kibaru::app {

namespace {

// The audit checkpoint of the export's moment, written into the workbook: a printed report is
// then itself a witness (`audit verify --checkpoint` with it catches a later rewrite).
std::string checkpoint_note(Context& context) {
    const auto checkpoint = ops::audit_checkpoint(context.env());
    return "Audit checkpoint when exported: " + core::checkpoint_text(checkpoint) + " (" +
           checkpoint.at + ")";
}

std::vector<std::string> state_names() {
    std::vector<std::string> names;
    for (const auto state : core::k_delivery_states) {
        names.emplace_back(core::to_string(state));
    }
    return names;
}

// Lists every completeness violation; exit 4 when there is any.
int run_check(Context& context, std::int64_t id, const std::string& format,
              const std::string& output) {
    context.require_existing_database();
    const auto violations = unwrap(ops::check_campaign(context.env(), id));
    write_output(output, [&](std::ostream& out) {
        auto writer =
            util::make_row_writer(util::parse_format(format), out, ops::violation_columns());
        for (const auto& v : violations) {
            writer->row(ops::violation_cells(v));
        }
        writer->finish();
    });
    std::cerr << "campaign " << id << ": " << violations.size()
              << (violations.size() == 1 ? " violation" : " violations")
              << (violations.empty() ? ": every opened week's audience has exactly one delivery "
                                       "each, and no delivery lies outside it\n"
                                     : "\n");
    return violations.empty() ? k_ok : k_verify_failed;
}

int run_report_campaign(Context& context, std::int64_t id, const std::string& format,
                        const std::string& output, bool check) {
    context.require_existing_database();
    if (check) {
        return run_check(context, id, format, output);
    }
    const auto report = unwrap(ops::campaign_report(context.env(), id));
    if (format == "xlsx") {
        auto sheet = campaign_sheet(id, report.columns);
        sheet.note = checkpoint_note(context);
        util::XlsxWriter workbook(output, std::move(sheet));
        for (const auto& row : report.weeks) {
            workbook.row(row);
        }
        workbook.footer(report.total); // a workbook is for people, like the table
        workbook.finish();
    } else {
        const auto f = util::parse_format(format);
        auto exported = report;
        if (f != util::Format::table) {
            ops::add_audit_checkpoint(context.env(), exported); // an export: a witness too
        }
        write_output(output, [&](std::ostream& out) {
            auto writer = util::make_row_writer(f, out, exported.columns);
            for (const auto& row : exported.weeks) {
                writer->row(row);
            }
            if (f == util::Format::table) {
                writer->row(report.total); // the totals row is for people; scripts sum the weeks
            }
            writer->finish();
            if (f == util::Format::table) {
                out << checkpoint_note(context) << "\n";
            }
        });
    }
    if (!output.empty()) {
        std::cerr << output << ": campaign " << id << ", " << report.weeks.size()
                  << " weeks written\n";
    }
    return k_ok;
}

struct DeliveriesOptions {
    std::optional<std::int64_t> campaign;
    std::optional<int> week;
    std::string phone;
    std::optional<std::string> state;
    std::string format = "csv";
    std::string output; // empty: standard output
};

int run_report_deliveries(Context& context, const DeliveriesOptions& options) {
    context.require_existing_database();
    const auto env = context.env();
    store::DeliveryFilter filter{options.campaign, options.week, {}, options.state};
    if (!options.phone.empty()) {
        filter.phone = unwrap(ops::normalize_phone(env, options.phone, "phone", "--phone: "));
    }
    const auto plan = core::numbering_plan(context.config().contacts);
    std::size_t count = 0;
    auto write_rows = [&](util::RowWriter& writer) {
        ops::for_each_delivery(env, filter, [&](const store::DeliveryRow& d) {
            writer.row(ops::delivery_cells(d, plan));
            ++count;
        });
        writer.finish();
    };
    if (options.format == "xlsx") {
        auto sheet = deliveries_sheet(ops::delivery_columns());
        sheet.note = checkpoint_note(context);
        util::XlsxWriter workbook(options.output, std::move(sheet));
        write_rows(workbook);
    } else {
        write_output(options.output, [&](std::ostream& out) {
            auto writer = util::make_row_writer(util::parse_format(options.format), out,
                                                ops::delivery_columns());
            write_rows(*writer);
        });
    }
    if (!options.output.empty()) {
        std::cerr << options.output << ": " << count << (count == 1 ? " delivery" : " deliveries")
                  << " written\n";
    }
    return k_ok;
}

int run_report_contact(Context& context, const std::string& raw, const std::string& format) {
    context.require_existing_database();
    const auto out = unwrap(ops::contact_report(context.env(), raw));
    if (util::parse_format(format) == util::Format::json) {
        util::write_json_object(std::cout, out);
        return k_ok;
    }
    std::cout << out["phone"].get<std::string>() << "  " << out["name"].get<std::string>() << " ("
              << out["kind"].get<std::string>() << ", " << out["organisation"].get<std::string>()
              << ", " << out["region"].get<std::string>() << ")\ncommodities "
              << out["commodities"].get<std::string>() << ", language "
              << out["language"].get<std::string>() << ", status "
              << out["status"].get<std::string>() << ", since "
              << out["created_at"].get<std::string>() << "\n";
    for (const auto& h : out["status_history"]) {
        std::cout << "  " << h["at"].get<std::string>() << "  " << h["status"].get<std::string>()
                  << " (" << h["source"].get<std::string>() << ", " << h["actor"].get<std::string>()
                  << ")\n";
    }
    for (const auto& d : out["deliveries"]) {
        std::cout << "\ncampaign " << d["campaign"] << " week " << d["week"] << ": "
                  << d["state"].get<std::string>() << " (ref " << d["ref"].get<std::string>()
                  << ", " << d["attempts"] << " attempt(s))\n";
        auto writer =
            util::make_row_writer(util::Format::table, std::cout,
                                  {"  at", "state", "attempt", "http", "latency_ms", "detail"});
        for (const auto& e : d["events"]) {
            writer->row({"  " + e["at"].get<std::string>(), e["state"], e["attempt"],
                         e["http_status"], e["latency_ms"], e["error"]});
        }
        writer->finish();
    }
    if (out["deliveries"].empty()) {
        std::cout << "\nno deliveries yet\n";
    }
    return k_ok;
}

int run_report_gateways(Context& context, std::optional<std::int64_t> campaign,
                        const std::string& format) {
    context.require_existing_database();
    auto writer =
        util::make_row_writer(util::parse_format(format), std::cout, ops::gateway_report_columns());
    for (const auto& row : ops::gateway_report(context.env(), campaign)) {
        writer->row(row);
    }
    writer->finish();
    return k_ok;
}

} // namespace

void register_report_commands(CLI::App& app, CommandSink& sink) {
    auto* report = app.add_subcommand("report", "what was sent, when, and whether it arrived");
    report->require_subcommand(1);
    auto id = std::make_shared<std::int64_t>(0);
    auto format = std::make_shared<std::string>("table");
    auto* campaign = report->add_subcommand(
        "campaign", "one row per week: targeted, a count per delivery state, delivery rate, "
                    "segments and cost");
    auto check = std::make_shared<bool>(false);
    campaign->add_option("ID", *id, "campaign id")->required();
    auto output = std::make_shared<std::string>();
    auto* campaign_format =
        campaign
            ->add_option("--format", *format,
                         "table, csv, json, or xlsx: a workbook with a chart of delivered, failed "
                         "and expired per week (needs --output)")
            ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}));
    add_excel_flag(*campaign, *campaign_format, *format);
    campaign->add_option("--output", *output,
                         "write to this file (whole or not at all) instead of standard output");
    campaign->add_flag("--check", *check,
                       "prove every opened week's audience has exactly one delivery each and "
                       "none lies outside it; list violations, exit 4 on any");
    campaign->callback([&sink, id, format, output, check] {
        require_output_for_xlsx(*format, *output);
        if (*check && *format == "xlsx") {
            throw CLI::ValidationError("--check", "lists violations as table, csv or json");
        }
        sink.action = [id, format, output, check](Context& c) {
            return run_report_campaign(c, *id, *format, *output, *check);
        };
    });

    auto deliveries = std::make_shared<DeliveriesOptions>();
    auto* listing = report->add_subcommand(
        "deliveries", "one row per delivery (streamed; filter by campaign, week, phone, state)");
    listing->add_option_function<std::int64_t>(
        "--campaign", [deliveries](const std::int64_t& v) { deliveries->campaign = v; },
        "campaign id");
    listing->add_option_function<int>(
        "--week", [deliveries](const int& v) { deliveries->week = v; }, "week number");
    listing->add_option("--phone", deliveries->phone, "one contact's deliveries");
    listing
        ->add_option_function<std::string>(
            "--status", [deliveries](const std::string& v) { deliveries->state = v; },
            "one delivery state")
        ->check(CLI::IsMember(state_names()));
    auto* listing_format =
        listing
            ->add_option("--format", deliveries->format,
                         "csv (default), json, table, or xlsx: a workbook (needs --output)")
            ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}));
    add_excel_flag(*listing, *listing_format, deliveries->format);
    listing->add_option("--output", deliveries->output,
                        "write to this file (whole or not at all) instead of standard output");
    listing->callback([&sink, deliveries] {
        require_output_for_xlsx(deliveries->format, deliveries->output);
        sink.action = [deliveries](Context& c) { return run_report_deliveries(c, *deliveries); };
    });

    auto gateways_campaign = std::make_shared<std::optional<std::int64_t>>();
    auto gateways_format = std::make_shared<std::string>("table");
    auto* gateways = report->add_subcommand(
        "gateways", "one row per gateway: accepted, delivered, failed, delivery rate, latency "
                    "and how long its circuit was open");
    gateways->add_option_function<std::int64_t>(
        "--campaign", [gateways_campaign](const std::int64_t& v) { *gateways_campaign = v; },
        "one campaign's deliveries");
    auto* gateways_format_option =
        gateways->add_option("--format", *gateways_format, "table, csv or json")
            ->check(CLI::IsMember({"table", "csv", "json"}));
    add_excel_flag(*gateways, *gateways_format_option, *gateways_format);
    gateways->callback([&sink, gateways_campaign, gateways_format] {
        sink.action = [gateways_campaign, gateways_format](Context& c) {
            return run_report_gateways(c, *gateways_campaign, *gateways_format);
        };
    });

    auto phone = std::make_shared<std::string>();
    auto contact_format = std::make_shared<std::string>("table");
    auto* contact = report->add_subcommand(
        "contact", "a contact's record, opt-out history, and every delivery with its events");
    contact->add_option("PHONE", *phone, "the phone number, written any usual way")->required();
    contact->add_option("--format", *contact_format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    contact->callback([&sink, phone, contact_format] {
        sink.action = [phone, contact_format](Context& c) {
            return run_report_contact(c, *phone, *contact_format);
        };
    });
}

} // namespace kibaru::app
