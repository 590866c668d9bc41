// `campaign create|list|show|pause|resume|cancel|preview`.
#include "app/campaign_lookup.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/message_check.hpp"
#include "app/output.hpp"
#include "core/schedule.hpp"
#include "store/audit_log.hpp"
#include "store/campaigns_repo.hpp"
#include "store/sqlite.hpp"

#include <CLI/CLI.hpp>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <sstream>

namespace kibaru::app {

namespace {

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

Json campaign_json(const core::Campaign& c) {
    return {{"id", c.id},
            {"name", c.name},
            {"commodity", c.commodity},
            {"status", c.status},
            {"timezone", c.timezone},
            {"start_date", c.start_date},
            {"weeks_count", c.weeks},
            {"send_day", c.send_day},
            {"send_time", c.send_time},
            {"regions", c.regions},
            {"kinds", c.kinds},
            {"languages", c.languages}};
}

void audit(Context& context, store::Database& db, const std::string& action,
           const core::Campaign& c, const Json& details) {
    store::AuditLog(db).append(context.now_text(), context.actor(), action,
                               "campaign " + std::to_string(c.id), details.dump());
}

int run_create(Context& context, core::Campaign campaign) {
    const auto& config = context.config();
    if (campaign.timezone.empty()) {
        campaign.timezone = config.schedule.timezone;
    }
    auto plan = core::plan_campaign(campaign);
    if (!plan) {
        throw UsageError("campaign create:\n" + plan.error().message);
    }
    for (const auto& language : campaign.languages) {
        if (std::find(config.contacts.languages.begin(), config.contacts.languages.end(),
                      language) == config.contacts.languages.end()) {
            throw UsageError("--language: \"" + language + "\" is not in [contacts] languages");
        }
    }
    // Stored in one spelling whatever was typed ("Tuesday", "mardi" -> "tue").
    campaign.send_day = std::string(core::weekday_name(plan->send_day));
    campaign.send_time = core::format_local_clock(plan->send_time);
    campaign.status = "active";
    campaign.created_at = campaign.updated_at = context.now_text();

    auto& db = context.db();
    store::Transaction tx(db);
    campaign.id = store::CampaignsRepo(db).create(campaign);
    audit(context, db, "campaign.create", campaign, campaign_json(campaign));
    tx.commit();
    std::cerr << "campaign " << campaign.id << " \"" << campaign.name << "\": week 1 opens "
              << local_text(plan->opens_at(1), plan->zone) << ", week " << campaign.weeks
              << " closes " << local_text(plan->closes_at(campaign.weeks), plan->zone) << "\n";
    std::cout << campaign.id << "\n";
    return k_ok;
}

int run_list(Context& context, const std::string& format) {
    auto writer =
        make_row_writer(parse_format(format), std::cout,
                        {"id", "name", "commodity", "status", "start_date", "weeks", "send_day",
                         "send_time", "timezone", "regions", "kinds", "languages"});
    for (const auto& c : store::CampaignsRepo(context.db()).list()) {
        writer->row({c.id, c.name, c.commodity, c.status, c.start_date, c.weeks, c.send_day,
                     c.send_time, c.timezone, joined(c.regions, ""), joined(c.kinds, ""),
                     joined(c.languages, "")});
    }
    writer->finish();
    return k_ok;
}

int run_show(Context& context, std::int64_t id, const std::string& format) {
    store::CampaignsRepo repo(context.db());
    const auto c = load_campaign(repo, id);
    const auto plan = campaign_plan(c);
    const auto audience = repo.audience_by_language(c);
    const auto messages = repo.messages(c.id);
    const auto languages = campaign_languages(context.config(), c);
    auto written = [&](int week) {
        std::vector<std::string> present;
        for (const auto& m : messages) {
            if (m.week == week) {
                present.push_back(m.language);
            }
        }
        return present;
    };

    if (parse_format(format) == Format::json) {
        Json out = campaign_json(c);
        out["audience"] = audience;
        Json weeks = Json::array();
        for (int k = 1; k <= c.weeks; ++k) {
            weeks.push_back({{"week", k},
                             {"opens_at", core::format_utc(plan.opens_at(k))},
                             {"closes_at", core::format_utc(plan.closes_at(k))},
                             {"messages", written(k)}});
        }
        out["weeks"] = weeks;
        write_json_object(std::cout, out);
        return k_ok;
    }
    std::int64_t total = 0;
    std::string by_language;
    for (const auto& [language, count] : audience) {
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
    auto writer = make_row_writer(Format::table, std::cout,
                                  {"week", "opens_at", "closes_at", "opens (local)", "messages"});
    for (int k = 1; k <= c.weeks; ++k) {
        std::string status;
        const auto present = written(k);
        for (const auto& language : languages) {
            const bool has = std::find(present.begin(), present.end(), language) != present.end();
            status += (status.empty() ? "" : " ") + language + (has ? "" : ":missing");
        }
        writer->row({k, core::format_utc(plan.opens_at(k)), core::format_utc(plan.closes_at(k)),
                     local_text(plan.opens_at(k), plan.zone), status});
    }
    writer->finish();
    return k_ok;
}

int run_transition(Context& context, std::int64_t id, const std::string& action) {
    auto& db = context.db();
    store::Transaction tx(db);
    store::CampaignsRepo repo(db);
    const auto c = load_campaign(repo, id);
    auto next = core::campaign_status_after(c.status, action);
    if (!next) {
        throw UsageError("campaign " + std::to_string(id) + ": " + next.error().message);
    }
    repo.set_status(id, *next, context.now_text());
    audit(context, db, "campaign." + action, c, {{"from", c.status}, {"to", *next}});
    tx.commit();
    std::cout << "campaign " << id << ": " << c.status << " -> " << *next << "\n";
    return k_ok;
}

struct PreviewOptions {
    std::int64_t id = 0;
    int week = 0;
    std::string phone;
    std::string format = "table";
};

int run_preview(Context& context, const PreviewOptions& options) {
    const auto& config = context.config();
    store::CampaignsRepo repo(context.db());
    const auto c = load_campaign(repo, options.id);
    if (options.week < 1 || options.week > c.weeks) {
        throw UsageError("--week: " + std::to_string(options.week) + " is out of range: campaign " +
                         std::to_string(c.id) + " has weeks 1 to " + std::to_string(c.weeks));
    }
    std::optional<store::ContactRow> chosen;
    if (!options.phone.empty()) {
        const core::PhoneNormalizer phones(config.contacts.default_region);
        auto phone = phones.any_e164(options.phone);
        if (!phone) {
            throw UsageError("--phone: \"" + options.phone + "\" " + phone.error().message);
        }
        chosen = store::ContactsRepo(context.db()).find(*phone);
        if (!chosen) {
            throw NotFound("no contact has phone " + *phone);
        }
    }
    const auto mode = *core::parse_encoding_mode(config.sms.encoding);
    const auto audience = repo.audience_by_language(c);
    std::int64_t total_audience = 0;
    std::int64_t total_segments = 0;
    Json messages = Json::array();
    for (const auto& language : campaign_languages(config, c)) {
        const auto count = audience.count(language) ? audience.at(language) : 0;
        total_audience += count;
        Json entry = {{"language", language}, {"audience", count}};
        const auto message = repo.message(c.id, options.week, language);
        if (!message) {
            entry.update({{"text", nullptr},
                          {"encoding", nullptr},
                          {"segments", 0},
                          {"cost", 0},
                          {"missing", true}});
            messages.push_back(entry);
            continue;
        }
        // Exact cost: each contact's own text (names differ in length and letters).
        std::int64_t segments = 0;
        std::optional<core::Contact> sample;
        repo.for_each_in_audience(c, language, [&](const store::ContactRow& row) {
            if (auto sms =
                    core::render_message(message->text, c, options.week, row.contact, mode)) {
                segments += sms->shape.segments;
            }
            if (!sample) {
                sample = row.contact;
            }
        });
        if (chosen && chosen->contact.language == language) {
            sample = chosen->contact;
        }
        auto shown = core::render_message(message->text, c, options.week,
                                          sample.value_or(core::Contact{}), mode);
        total_segments += segments;
        entry.update({{"text", shown ? shown->text : message->text},
                      {"encoding", shown ? core::encoding_name(shown->shape.encoding)
                                         : std::string_view(message->encoding)},
                      {"segments", shown ? shown->shape.segments : message->segments},
                      {"cost", static_cast<double>(segments) * config.sms.cost_per_segment},
                      {"missing", false}});
        if (sample && !sample->phone.empty()) {
            entry["rendered_for"] = sample->phone;
        }
        messages.push_back(entry);
    }
    const double cost = static_cast<double>(total_segments) * config.sms.cost_per_segment;
    Json out = {
        {"campaign", c.id},           {"week", options.week}, {"audience", total_audience},
        {"segments", total_segments}, {"cost", cost},         {"currency", config.sms.currency},
        {"messages", messages}};
    if (chosen) {
        out["phone"] = chosen->contact.phone;
        out["in_audience"] = repo.in_audience(c, chosen->contact.phone);
    }
    if (parse_format(options.format) == Format::json) {
        write_json_object(std::cout, out);
        return k_ok;
    }
    std::cout << "campaign " << c.id << " week " << options.week << ": " << total_audience
              << " contacts, " << total_segments << " segments, estimated cost "
              << money(cost, config.sms.currency) << "\n";
    if (chosen) {
        std::cout << chosen->contact.phone
                  << (out["in_audience"].get<bool>() ? " is in the audience\n"
                                                     : " is NOT in the audience\n");
    }
    for (const auto& m : messages) {
        std::cout << "\n[" << m["language"].get<std::string>() << "] " << m["audience"]
                  << " contacts";
        if (m["missing"].get<bool>()) {
            std::cout << ": no message for this week yet (it is sent once set, while the week is "
                         "open)\n";
            continue;
        }
        std::cout << ", " << m["encoding"].get<std::string>() << ", " << m["segments"]
                  << " segment(s) each, cost "
                  << money(m["cost"].get<double>(), config.sms.currency)
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
    list->add_option("--format", *list_format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
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
