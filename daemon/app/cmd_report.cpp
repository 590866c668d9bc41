// `report campaign`: one row per campaign week with its counts per delivery state.
#include "app/campaign_lookup.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output.hpp"
#include "core/delivery.hpp"
#include "store/campaigns_repo.hpp"
#include "store/deliveries_repo.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>

namespace kibaru::app {

namespace {

int run_report_campaign(Context& context, std::int64_t id, const std::string& format) {
    auto& db = context.db();
    store::CampaignsRepo campaigns(db);
    const auto campaign = load_campaign(campaigns, id);
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

    std::vector<std::int64_t> totals(core::k_delivery_states.size(), 0);
    std::int64_t total_targeted = 0;
    std::int64_t total_segments = 0;
    auto rate = [](std::int64_t delivered, std::int64_t targeted) -> Json {
        if (targeted == 0) {
            return nullptr;
        }
        return std::round(1000.0 * static_cast<double>(delivered) / static_cast<double>(targeted)) /
               10.0;
    };
    for (int week = 1; week <= campaign.weeks; ++week) {
        const auto it = weeks.find(week);
        const store::WeekCounts counts = it == weeks.end() ? store::WeekCounts{} : it->second;
        std::vector<Json> row = {week, core::format_utc(plan.opens_at(week)),
                                 core::format_utc(plan.closes_at(week)), counts.targeted};
        for (std::size_t i = 0; i < core::k_delivery_states.size(); ++i) {
            const auto found = counts.by_state.find(std::string(core::k_delivery_states[i]));
            const std::int64_t n = found == counts.by_state.end() ? 0 : found->second;
            totals[i] += n;
            row.emplace_back(n);
        }
        const auto delivered =
            counts.by_state.count("delivered") ? counts.by_state.at("delivered") : 0;
        row.push_back(rate(delivered, counts.targeted));
        row.emplace_back(counts.segments);
        row.emplace_back(static_cast<double>(counts.segments) * price);
        total_targeted += counts.targeted;
        total_segments += counts.segments;
        writer->row(row);
    }
    if (f == Format::table) {
        // The totals row is for people; scripts sum the weeks themselves.
        std::vector<Json> row = {"total", "", "", total_targeted};
        for (const auto n : totals) {
            row.emplace_back(n);
        }
        row.push_back(rate(totals[4], total_targeted));
        row.emplace_back(total_segments);
        row.emplace_back(static_cast<double>(total_segments) * price);
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
    campaign->add_option("ID", *id, "campaign id")->required();
    campaign->add_option("--format", *format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    campaign->callback([&sink, id, format] {
        sink.action = [id, format](Context& c) { return run_report_campaign(c, *id, *format); };
    });
}

} // namespace kibaru::app
