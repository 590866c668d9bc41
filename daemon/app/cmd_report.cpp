// `report campaign`: one row per campaign week with its counts per delivery state.
#include "app/campaign_lookup.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output.hpp"
#include "core/delivery.hpp"
#include "core/phone.hpp"
#include "store/campaigns_repo.hpp"
#include "store/contacts_repo.hpp"
#include "store/deliveries_repo.hpp"
#include "store/reports_repo.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>

namespace kibaru::app {

namespace {

// Lists every completeness violation; exit 4 when there is any.
int run_check(Context& context, const core::Campaign& campaign, const std::string& format) {
    const auto violations = store::ReportsRepo(context.db()).check_completeness(campaign);
    auto writer =
        make_row_writer(parse_format(format), std::cout, {"week", "kind", "phone", "detail"});
    for (const auto& v : violations) {
        writer->row({v.week, v.kind, v.phone, v.detail});
    }
    writer->finish();
    std::cerr << "campaign " << campaign.id << ": " << violations.size()
              << (violations.size() == 1 ? " violation" : " violations")
              << (violations.empty() ? ": every opened week's audience has exactly one delivery "
                                       "each, and no delivery lies outside it\n"
                                     : "\n");
    return violations.empty() ? k_ok : k_verify_failed;
}

int run_report_campaign(Context& context, std::int64_t id, const std::string& format, bool check) {
    auto& db = context.db();
    store::CampaignsRepo campaigns(db);
    const auto campaign = load_campaign(campaigns, id);
    if (check) {
        return run_check(context, campaign, format);
    }
    const auto plan = campaign_plan(campaign);
    const auto weeks = store::DeliveriesRepo(db).week_counts(campaign.id);
    const double price = context.config().sms.cost_per_segment;
    const Format f = parse_format(format);

    std::vector<std::string> columns = {"week", "opens_at", "closes_at", "targeted"};
    for (const auto state : core::k_delivery_states) {
        columns.emplace_back(state);
    }
    columns.insert(columns.end(), {"delivery_rate", "segments", "cost"});
    auto writer = make_row_writer(f, std::cout, columns);

    // A week's counts, or all weeks' added up, after the row's first columns: deliveries by
    // state, delivery rate, segments and their cost.
    auto append_counts = [price](std::vector<Json>& row, const store::WeekCounts& counts) {
        auto count = [&](std::string_view state) -> std::int64_t {
            const auto found = counts.by_state.find(std::string(state));
            return found == counts.by_state.end() ? 0 : found->second;
        };
        for (const auto state : core::k_delivery_states) {
            row.emplace_back(count(state));
        }
        if (counts.targeted == 0) {
            row.emplace_back(nullptr);
        } else {
            row.emplace_back(std::round(1000.0 * static_cast<double>(count("delivered")) /
                                        static_cast<double>(counts.targeted)) /
                             10.0);
        }
        row.emplace_back(counts.segments);
        row.emplace_back(static_cast<double>(counts.segments) * price);
    };
    store::WeekCounts total;
    for (int week = 1; week <= campaign.weeks; ++week) {
        const auto it = weeks.find(week);
        const store::WeekCounts counts = it == weeks.end() ? store::WeekCounts{} : it->second;
        std::vector<Json> row = {week, core::format_utc(plan.opens_at(week)),
                                 core::format_utc(plan.closes_at(week)), counts.targeted};
        append_counts(row, counts);
        writer->row(row);
        total.targeted += counts.targeted;
        total.segments += counts.segments;
        for (const auto& [state, n] : counts.by_state) {
            total.by_state[state] += n;
        }
    }
    if (f == Format::table) {
        // The totals row is for people; scripts sum the weeks themselves.
        std::vector<Json> row = {"total", "", "", total.targeted};
        append_counts(row, total);
        writer->row(row);
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
    store::DeliveryFilter filter{options.campaign, options.week, {}, options.state};
    if (!options.phone.empty()) {
        auto phone =
            core::PhoneNormalizer(context.config().contacts.default_region).any_e164(options.phone);
        if (!phone) {
            throw UsageError("--phone: \"" + options.phone + "\" " + phone.error().message);
        }
        filter.phone = *phone;
    }
    auto writer =
        make_row_writer(parse_format(options.format), std::cout,
                        {"campaign", "week", "phone", "state", "attempts", "ref", "gateway_id",
                         "error", "updated_at", "language", "segments", "smsc_id"});
    store::ReportsRepo(context.db()).for_each_delivery(filter, [&](const store::DeliveryRow& d) {
        writer->row({d.campaign, d.week, d.phone, d.state, d.attempts, std::to_string(d.id),
                     d.gateway_id, d.error, d.updated_at, d.language, d.segments, d.smsc_id});
    });
    writer->finish();
    return k_ok;
}

int run_report_contact(Context& context, const std::string& raw, const std::string& format) {
    auto phone = core::PhoneNormalizer(context.config().contacts.default_region).any_e164(raw);
    if (!phone) {
        throw UsageError("phone \"" + raw + "\" " + phone.error().message);
    }
    auto& db = context.db();
    const auto contact = store::ContactsRepo(db).find(*phone);
    if (!contact) {
        throw NotFound("no contact has phone " + *phone);
    }
    store::ReportsRepo reports(db);
    Json out = {{"phone", contact->contact.phone},
                {"name", contact->contact.name},
                {"organisation", contact->contact.organisation},
                {"kind", contact->contact.kind},
                {"region", contact->contact.region},
                {"commodities", contact->contact.commodities},
                {"language", contact->contact.language},
                {"status", contact->status},
                {"created_at", contact->created_at},
                {"updated_at", contact->updated_at}};
    Json history = Json::array();
    for (const auto& h : reports.status_history(*phone)) {
        history.push_back(
            {{"at", h.at}, {"status", h.status}, {"source", h.source}, {"actor", h.actor}});
    }
    out["status_history"] = history;
    Json deliveries = Json::array();
    reports.for_each_delivery({{}, {}, *phone, {}}, [&](const store::DeliveryRow& d) {
        Json events = Json::array();
        for (const auto& e : reports.events(d.id)) {
            Json event = {{"at", e.at}, {"state", e.state}, {"attempt", e.attempt}};
            event["http_status"] = e.http_status ? Json(*e.http_status) : Json(nullptr);
            event["gateway_id"] = e.gateway_id;
            event["latency_ms"] = e.latency_ms ? Json(*e.latency_ms) : Json(nullptr);
            event["error"] = e.error;
            events.push_back(event);
        }
        deliveries.push_back({{"campaign", d.campaign},
                              {"week", d.week},
                              {"state", d.state},
                              {"attempts", d.attempts},
                              {"ref", std::to_string(d.id)},
                              {"gateway_id", d.gateway_id},
                              {"smsc_id", d.smsc_id},
                              {"segments", d.segments},
                              {"updated_at", d.updated_at},
                              {"events", events}});
    });
    out["deliveries"] = deliveries;
    if (parse_format(format) == Format::json) {
        write_json_object(std::cout, out);
        return k_ok;
    }
    std::cout << out["phone"].get<std::string>() << "  " << out["name"].get<std::string>() << " ("
              << out["kind"].get<std::string>() << ", " << out["organisation"].get<std::string>()
              << ", " << out["region"].get<std::string>() << ")\ncommodities "
              << out["commodities"].get<std::string>() << ", language "
              << out["language"].get<std::string>() << ", status " << contact->status << ", since "
              << contact->created_at << "\n";
    for (const auto& h : history) {
        std::cout << "  " << h["at"].get<std::string>() << "  " << h["status"].get<std::string>()
                  << " (" << h["source"].get<std::string>() << ", " << h["actor"].get<std::string>()
                  << ")\n";
    }
    for (const auto& d : deliveries) {
        std::cout << "\ncampaign " << d["campaign"] << " week " << d["week"] << ": "
                  << d["state"].get<std::string>() << " (ref " << d["ref"].get<std::string>()
                  << ", " << d["attempts"] << " attempt(s))\n";
        auto writer = make_row_writer(Format::table, std::cout,
                                      {"  at", "state", "attempt", "http", "latency_ms", "detail"});
        for (const auto& e : d["events"]) {
            writer->row({"  " + e["at"].get<std::string>(), e["state"], e["attempt"],
                         e["http_status"], e["latency_ms"], e["error"]});
        }
        writer->finish();
    }
    if (deliveries.empty()) {
        std::cout << "\nno deliveries yet\n";
    }
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
