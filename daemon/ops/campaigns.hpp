// Campaigns: creating one, listing them, one campaign's details, pausing, resuming and
// cancelling, and the preview of a week (texts, encoding, segments, audience, cost). The
// JSON of `show` and `preview` is built here once, for the CLI's --format json and the API.
#pragma once

#include "core/campaign.hpp"
#include "core/schedule.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"
#include "store/campaigns_repo.hpp"
#include "util/rows.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::ops {

struct CreatedCampaign {
    core::Campaign campaign; // as stored, with its id
    core::WeekPlan plan;
};

// Validates `campaign` (empty timezone: [schedule] timezone; languages must be configured),
// stores it active, audits it. Fails: invalid.
Result<CreatedCampaign> create_campaign(const Env& env, core::Campaign campaign);

// A campaign as JSON keys (id, name, commodity, status, timezone, start_date, weeks_count,
// send_day, send_time, regions, kinds, languages).
util::Json campaign_json(const core::Campaign& campaign);

std::vector<core::Campaign> list_campaigns(const Env& env);
std::vector<std::string> campaign_list_columns();
std::vector<util::Json> campaign_list_cells(const core::Campaign& campaign);

struct CampaignDetails {
    core::Campaign campaign;
    core::WeekPlan plan;
    std::map<std::string, std::int64_t> audience; // active contacts by language, now
    std::vector<store::MessageRow> messages;
    std::vector<std::string> languages;               // the campaign's message languages
    std::vector<std::string> written(int week) const; // languages with a message that week
};

Result<CampaignDetails> campaign_details(const Env& env, std::int64_t id);
// campaign_json plus `audience` and `weeks` (each: week, opens_at, closes_at, messages).
util::Json campaign_details_json(const CampaignDetails& details);

struct StatusTransition {
    std::int64_t id = 0;
    std::string from;
    std::string to;
};

// `action` is pause, resume or cancel. Fails: not_found, conflict (not from this status).
Result<StatusTransition> change_campaign_status(const Env& env, std::int64_t id,
                                                const std::string& action);

// One week's texts as sent, per language, with their audience and exact cost (each contact's
// own text), optionally rendered for the contact with `phone`. The JSON of
// `campaign preview --format json`. Fails: not_found, invalid (week, phone).
Result<util::Json> preview_week(const Env& env, std::int64_t id, int week,
                                const std::string& phone);

} // namespace kibaru::ops
