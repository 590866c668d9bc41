#include "ops/campaigns.hpp"

#include "core/contact.hpp"
#include "core/phone.hpp"
#include "core/sms.hpp"
#include "ops/audit_trail.hpp"
#include "ops/campaign_lookup.hpp"
#include "ops/contacts.hpp"
#include "ops/message_check.hpp"
#include "ops/unknown.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kibaru::ops {

namespace {

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ",") + item;
    }
    return out;
}

} // namespace

util::Json campaign_json(const core::Campaign& c) {
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

Result<CreatedCampaign> create_campaign(const Env& env, core::Campaign campaign) {
    const auto& config = env.config;
    if (campaign.timezone.empty()) {
        campaign.timezone = config.schedule.timezone;
    }
    auto plan = core::plan_campaign(campaign);
    if (!plan) {
        return invalid("campaign create:\n" + plan.error().message, plan.error().field);
    }
    for (const auto& language : campaign.languages) {
        if (std::find(config.contacts.languages.begin(), config.contacts.languages.end(),
                      language) == config.contacts.languages.end()) {
            return invalid("--language: \"" + language + "\" is not in [contacts] languages",
                           "languages");
        }
    }
    // Stored in one spelling whatever was typed ("Tuesday", "mardi" -> "tue").
    campaign.send_day = std::string(core::weekday_name(plan->send_day));
    campaign.send_time = core::format_local_clock(plan->send_time);
    campaign.status = "active";
    campaign.created_at = campaign.updated_at = env.now_text();
    store::Transaction tx(env.db);
    campaign.id = store::CampaignsRepo(env.db).create(campaign);
    record_in_order(env, "campaign.create", "campaign " + std::to_string(campaign.id),
                    campaign_json(campaign));
    tx.commit();
    return CreatedCampaign{campaign, *plan};
}

std::vector<core::Campaign> list_campaigns(const Env& env) {
    return store::CampaignsRepo(env.db).list();
}

std::vector<std::string> campaign_list_columns() {
    return {"id",       "name",      "commodity", "status",  "start_date", "weeks",
            "send_day", "send_time", "timezone",  "regions", "kinds",      "languages"};
}

std::vector<util::Json> campaign_list_cells(const core::Campaign& c) {
    return {c.id,
            c.name,
            c.commodity,
            c.status,
            c.start_date,
            c.weeks,
            c.send_day,
            c.send_time,
            c.timezone,
            joined(c.regions),
            joined(c.kinds),
            joined(c.languages)};
}

std::vector<std::string> CampaignDetails::written(int week) const {
    std::vector<std::string> present;
    for (const auto& m : messages) {
        if (m.week == week) {
            present.push_back(m.language);
        }
    }
    return present;
}

Result<CampaignDetails> campaign_details(const Env& env, std::int64_t id) {
    store::CampaignsRepo repo(env.db);
    auto campaign = load_campaign(repo, id);
    if (!campaign) {
        return campaign.error();
    }
    CampaignDetails d{*campaign, campaign_plan(*campaign), repo.audience_by_language(*campaign),
                      repo.messages(campaign->id), campaign_languages(env.config, *campaign)};
    return d;
}

util::Json campaign_details_json(const CampaignDetails& d) {
    util::Json out = campaign_json(d.campaign);
    out["audience"] = d.audience;
    util::Json weeks = util::Json::array();
    for (int k = 1; k <= d.campaign.weeks; ++k) {
        weeks.push_back({{"week", k},
                         {"opens_at", core::format_utc(d.plan.opens_at(k))},
                         {"closes_at", core::format_utc(d.plan.closes_at(k))},
                         {"messages", d.written(k)}});
    }
    out["weeks"] = weeks;
    return out;
}

Result<StatusTransition> change_campaign_status(const Env& env, std::int64_t id,
                                                const std::string& action) {
    store::Transaction tx(env.db);
    store::CampaignsRepo repo(env.db);
    auto c = load_campaign(repo, id);
    if (!c) {
        return c.error();
    }
    auto next = core::campaign_status_after(c->status, action);
    if (!next) {
        return conflict("campaign " + std::to_string(id) + ": " + next.error().message);
    }
    repo.set_status(id, *next, env.now_text());
    record(env, "campaign." + action, "campaign " + std::to_string(id),
           {{"from", c->status}, {"to", *next}});
    tx.commit();
    return StatusTransition{id, c->status, *next};
}

Result<util::Json> preview_week(const Env& env, std::int64_t id, int week,
                                const std::string& phone) {
    const auto& config = env.config;
    store::CampaignsRepo repo(env.db);
    auto found = load_campaign(repo, id);
    if (!found) {
        return found.error();
    }
    const auto& c = *found;
    if (week < 1 || week > c.weeks) {
        return invalid("--week: " + std::to_string(week) + " is out of range: campaign " +
                           std::to_string(c.id) + " has weeks 1 to " + std::to_string(c.weeks),
                       "week");
    }
    std::optional<store::ContactRow> chosen;
    if (!phone.empty()) {
        auto e164 = normalize_phone(env, phone, "phone", "--phone: ");
        if (!e164) {
            return e164.error();
        }
        chosen = store::ContactsRepo(env.db).find(*e164);
        if (!chosen) {
            return unknown_contact(*e164);
        }
    }
    const auto mode = *core::parse_encoding_mode(config.sms.encoding);
    const auto audience = repo.audience_by_language(c);
    std::int64_t total_audience = 0;
    std::int64_t total_segments = 0;
    util::Json messages = util::Json::array();
    for (const auto& language : campaign_languages(config, c)) {
        const auto count = audience.count(language) ? audience.at(language) : 0;
        total_audience += count;
        util::Json entry = {{"language", language}, {"audience", count}};
        const auto message = repo.message(c.id, week, language);
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
            if (auto sms = core::render_message(message->text, c, week, row.contact, mode)) {
                segments += sms->shape.segments;
            }
            if (!sample) {
                sample = row.contact;
            }
        });
        if (chosen && chosen->contact.language == language) {
            sample = chosen->contact;
        }
        auto shown =
            core::render_message(message->text, c, week, sample.value_or(core::Contact{}), mode);
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
    util::Json out = {
        {"campaign", c.id},           {"week", week}, {"audience", total_audience},
        {"segments", total_segments}, {"cost", cost}, {"currency", config.sms.currency},
        {"messages", messages}};
    if (chosen) {
        out["phone"] = chosen->contact.phone;
        out["in_audience"] = repo.in_audience(c, chosen->contact.phone);
    }
    return out;
}

} // namespace kibaru::ops
