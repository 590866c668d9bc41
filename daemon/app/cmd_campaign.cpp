// `campaign create|list|show|pause|resume|cancel|preview`: parse, call the operation, print.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output_options.hpp"
#include "ops/campaigns.hpp"
#include "util/rows.hpp"

#include <CLI/CLI.hpp>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <sstream>

namespace kibaru::app {

namespace {

using util::Json;

std::string joined(const std::vector<std::string>& items, const char* empty = "any") {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ",") + item;
    }
    return out.empty() ? empty : out;
}

std::string local_text(core::Instant at, const date::time_zone* zone) {
    return date::format("%a %Y-%m-%d %H:%M %Z", date::make_zoned(zone, at));
}

std::string money(double amount, const std::string& currency) {
    std::ostringstream out;
    out << std::fixed
        << std::setprecision(amount == static_cast<double>(static_cast<long long>(amount)) ? 0 : 2)
        << amount << " " << currency;
    return out.str();
}

int run_create(Context& context, const core::Campaign& campaign) {
    const auto created = unwrap(ops::create_campaign(context.env(), campaign));
    const auto& c = created.campaign;
    std::cerr << "campaign " << c.id << " \"" << c.name << "\": week 1 opens "
              << local_text(created.plan.opens_at(1), created.plan.zone) << ", week " << c.weeks
              << " closes " << local_text(created.plan.closes_at(c.weeks), created.plan.zone)
              << "\n";
    std::cout << c.id << "\n";
    return k_ok;
}

int run_list(Context& context, const std::string& format) {
    auto writer =
        util::make_row_writer(util::parse_format(format), std::cout, ops::campaign_list_columns());
    for (const auto& c : ops::list_campaigns(context.env())) {
        writer->row(ops::campaign_list_cells(c));
    }
    writer->finish();
    return k_ok;
}

int run_show(Context& context, std::int64_t id, const std::string& format) {
    const auto d = unwrap(ops::campaign_details(context.env(), id));
    if (util::parse_format(format) == util::Format::json) {
        util::write_json_object(std::cout, ops::campaign_details_json(d));
        return k_ok;
    }
    const auto& c = d.campaign;
    std::int64_t total = 0;
    std::string by_language;
    for (const auto& [language, count] : d.audience) {
        total += count;
        by_language += (by_language.empty() ? "" : ", ") + language + " " + std::to_string(count);
    }
    std::cout << "campaign " << c.id << ": " << c.name << " (" << c.commodity << "), " << c.status
              << "\n"
              << "schedule: " << c.weeks << " weeks from " << c.start_date << ", " << c.send_day
              << " " << c.send_time << " " << c.timezone << "\n"
              << "audience: regions " << joined(c.regions) << ", kinds " << joined(c.kinds)
              << ", languages " << joined(c.languages) << " — " << total << " contacts now"
              << (by_language.empty() ? "" : " (" + by_language + ")") << "\n\n";
    auto writer =
        util::make_row_writer(util::Format::table, std::cout,
                              {"week", "opens_at", "closes_at", "opens (local)", "messages"});
    for (int k = 1; k <= c.weeks; ++k) {
        std::string status;
        const auto present = d.written(k);
        for (const auto& language : d.languages) {
            const bool has = std::find(present.begin(), present.end(), language) != present.end();
            status += (status.empty() ? "" : " ") + language + (has ? "" : ":missing");
        }
        writer->row({k, core::format_utc(d.plan.opens_at(k)), core::format_utc(d.plan.closes_at(k)),
                     local_text(d.plan.opens_at(k), d.plan.zone), status});
    }
    writer->finish();
    return k_ok;
}

int run_transition(Context& context, std::int64_t id, const std::string& action) {
    const auto t = unwrap(ops::change_campaign_status(context.env(), id, action));
    std::cout << "campaign " << id << ": " << t.from << " -> " << t.to << "\n";
    return k_ok;
}

struct PreviewOptions {
    std::int64_t id = 0;
    int week = 0;
    std::string phone;
    std::string format = "table";
};

int run_preview(Context& context, const PreviewOptions& options) {
    const auto out =
        unwrap(ops::preview_week(context.env(), options.id, options.week, options.phone));
    if (util::parse_format(options.format) == util::Format::json) {
        util::write_json_object(std::cout, out);
        return k_ok;
    }
    const auto& currency = out["currency"].get<std::string>();
    std::cout << "campaign " << options.id << " week " << options.week << ": " << out["audience"]
              << " contacts, " << out["segments"] << " segments, estimated cost "
              << money(out["cost"].get<double>(), currency) << "\n";
    if (out.contains("phone")) {
        std::cout << out["phone"].get<std::string>()
                  << (out["in_audience"].get<bool>() ? " is in the audience\n"
                                                     : " is NOT in the audience\n");
    }
    for (const auto& m : out["messages"]) {
        std::cout << "\n[" << m["language"].get<std::string>() << "] " << m["audience"]
                  << " contacts";
        if (m["missing"].get<bool>()) {
            std::cout << ": no message for this week yet (it is sent once set, while the week is "
                         "open)\n";
            continue;
        }
        std::cout << ", " << m["encoding"].get<std::string>() << ", " << m["segments"]
                  << " segment(s) each, cost " << money(m["cost"].get<double>(), currency)
                  << (m.contains("rendered_for")
                          ? ", as sent to " + m["rendered_for"].get<std::string>()
                          : "")
                  << ":\n  " << m["text"].get<std::string>() << "\n";
    }
    return k_ok;
}

} // namespace

void register_campaign_commands(CLI::App& app, CommandSink& sink) {
    auto* campaign = app.add_subcommand("campaign", "schedule and manage weekly campaigns");
    campaign->require_subcommand(1);

    auto created = std::make_shared<core::Campaign>();
    created->timezone.clear(); // empty: [schedule] timezone
    auto* create =
        campaign->add_subcommand("create", "create a campaign; prints its id alone on stdout");
    create->add_option("--name", created->name, "a name staff recognise")->required();
    create->add_option("--commodity", created->commodity, "sesame, rice, ...")->required();
    create
        ->add_option("--start", created->start_date,
                     "first day, YYYY-MM-DD: week 1 opens on the first send day on or after it")
        ->required();
    create->add_option("--weeks", created->weeks, "number of weekly messages (default 21)");
    create->add_option("--send-day", created->send_day, "day of the week (default tue)");
    create->add_option("--send-time", created->send_time, "local time HH:MM (default 08:00)");
    create->add_option("--timezone", created->timezone,
                       "tz database zone (default [schedule] timezone)");
    create->add_option("--region", created->regions, "only contacts in this region (repeatable)");
    create->add_option("--kind", created->kinds,
                       "only this kind: producer, po, mpe, seed_company, other (repeatable)");
    create->add_option("--language", created->languages, "only this language (repeatable)");
    create->callback([&sink, created] {
        sink.action = [created](Context& c) { return run_create(c, *created); };
    });

    auto list_format = std::make_shared<std::string>("table");
    auto* list = campaign->add_subcommand("list", "list campaigns");
    auto* list_format_option = list->add_option("--format", *list_format, "table, csv or json")
                                   ->check(CLI::IsMember({"table", "csv", "json"}));
    add_excel_flag(*list, *list_format_option, *list_format);
    list->callback([&sink, list_format] {
        sink.action = [list_format](Context& c) { return run_list(c, *list_format); };
    });

    auto show_id = std::make_shared<std::int64_t>(0);
    auto show_format = std::make_shared<std::string>("table");
    auto* show = campaign->add_subcommand(
        "show", "a campaign's settings, audience and its weeks' opening and closing instants");
    show->add_option("ID", *show_id, "campaign id")->required();
    show->add_option("--format", *show_format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    show->callback([&sink, show_id, show_format] {
        sink.action = [show_id, show_format](Context& c) {
            return run_show(c, *show_id, *show_format);
        };
    });

    for (const auto& [name, help] :
         {std::pair{"pause", "stop sending until resumed"},
          std::pair{"resume", "resume a paused campaign"},
          std::pair{"cancel", "stop the campaign for good (unsent deliveries are skipped)"}}) {
        auto id = std::make_shared<std::int64_t>(0);
        auto* command = campaign->add_subcommand(name, help);
        command->add_option("ID", *id, "campaign id")->required();
        command->callback([&sink, id, action = std::string(name)] {
            sink.action = [id, action](Context& c) { return run_transition(c, *id, action); };
        });
    }

    auto preview = std::make_shared<PreviewOptions>();
    auto* previewer = campaign->add_subcommand(
        "preview", "one week's text per language, encoding, segments, audience and cost");
    previewer->add_option("ID", preview->id, "campaign id")->required();
    previewer->add_option("--week", preview->week, "week number")->required();
    previewer->add_option("--phone", preview->phone, "render the text for this contact");
    previewer->add_option("--format", preview->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    previewer->callback([&sink, preview] {
        sink.action = [preview](Context& c) { return run_preview(c, *preview); };
    });
}

} // namespace kibaru::app
