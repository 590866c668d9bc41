// `report campaign|deliveries|contact|gateways`: parse, call the operation, print.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "core/delivery.hpp"
#include "core/phone.hpp"
#include "ops/contacts.hpp"
#include "ops/gateway_report.hpp"
#include "ops/reports.hpp"
#include "util/rows.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>

namespace kibaru::app {

namespace {

// Lists every completeness violation; exit 4 when there is any.
int run_check(Context& context, std::int64_t id, const std::string& format) {
    const auto violations = unwrap(ops::check_campaign(context.env(), id));
    auto writer =
        util::make_row_writer(util::parse_format(format), std::cout, ops::violation_columns());
    for (const auto& v : violations) {
        writer->row(ops::violation_cells(v));
    }
    writer->finish();
    std::cerr << "campaign " << id << ": " << violations.size()
              << (violations.size() == 1 ? " violation" : " violations")
              << (violations.empty() ? ": every opened week's audience has exactly one delivery "
                                       "each, and no delivery lies outside it\n"
                                     : "\n");
    return violations.empty() ? k_ok : k_verify_failed;
}

int run_report_campaign(Context& context, std::int64_t id, const std::string& format, bool check) {
    if (check) {
        return run_check(context, id, format);
    }
    const auto report = unwrap(ops::campaign_report(context.env(), id));
    const auto f = util::parse_format(format);
    auto writer = util::make_row_writer(f, std::cout, report.columns);
    for (const auto& row : report.weeks) {
        writer->row(row);
    }
    if (f == util::Format::table) {
        writer->row(report.total); // the totals row is for people; scripts sum the weeks
    }
    writer->finish();
    return k_ok;
}

struct DeliveriesOptions {
    std::optional<std::int64_t> campaign;
    std::optional<int> week;
    std::string phone;
    std::optional<std::string> state;
    std::string format = "csv";
};

int run_report_deliveries(Context& context, const DeliveriesOptions& options) {
    const auto env = context.env();
    store::DeliveryFilter filter{options.campaign, options.week, {}, options.state};
    if (!options.phone.empty()) {
        filter.phone = unwrap(ops::normalize_phone(env, options.phone, "phone", "--phone: "));
    }
    auto writer = util::make_row_writer(util::parse_format(options.format), std::cout,
                                        ops::delivery_columns());
    const auto plan = core::numbering_plan(context.config().contacts);
    ops::for_each_delivery(env, filter, [&](const store::DeliveryRow& d) {
        writer->row(ops::delivery_cells(d, plan));
    });
    writer->finish();
    return k_ok;
}

int run_report_contact(Context& context, const std::string& raw, const std::string& format) {
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
    campaign->add_option("--format", *format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    campaign->add_flag("--check", *check,
                       "prove every opened week's audience has exactly one delivery each and "
                       "none lies outside it; list violations, exit 4 on any");
    campaign->callback([&sink, id, format, check] {
        sink.action = [id, format, check](Context& c) {
            return run_report_campaign(c, *id, *format, *check);
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
        ->check(CLI::IsMember(std::vector<std::string>(core::k_delivery_states.begin(),
                                                       core::k_delivery_states.end())));
    listing->add_option("--format", deliveries->format, "csv (default), json or table")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    listing->callback([&sink, deliveries] {
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
    gateways->add_option("--format", *gateways_format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
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
