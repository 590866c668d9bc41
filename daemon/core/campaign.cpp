#include "core/campaign.hpp"

#include "core/contact.hpp"

#include <algorithm>

namespace kibaru::core {

namespace {

// The plan of `c` as far as its fields read, with what is wrong with them in `problems`.
WeekPlan read_plan(const Campaign& c, std::vector<CampaignProblem>& problems) {
    const auto blame = [&problems](std::string_view name, std::string problem) {
        problems.push_back({std::string(name), std::move(problem)});
    };
    WeekPlan plan;
    plan.weeks = c.weeks;
    if (c.name.empty()) {
        blame("name", "--name: must not be empty");
    }
    if (c.commodity.empty() || c.commodity.find_first_not_of(
                                   "abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
        blame("commodity", "--commodity: \"" + c.commodity +
                               "\" is not a commodity name (lower-case letters, e.g. sesame)");
    }
    if (c.weeks < 1 || c.weeks > k_max_campaign_weeks) {
        blame("weeks", "--weeks: " + std::to_string(c.weeks) + " is out of range (1 to " +
                           std::to_string(k_max_campaign_weeks) + ")");
    }
    if (auto start = parse_date(c.start_date)) {
        plan.start = *start;
    } else {
        blame("start", "--start: " + start.error().message);
    }
    if (auto day = parse_weekday(c.send_day)) {
        plan.send_day = *day;
    } else {
        blame("send_day", "--send-day: " + day.error().message);
    }
    if (auto time = parse_local_clock(c.send_time); time && time->minutes < 24 * 60) {
        plan.send_time = *time;
    } else {
        blame("send_time",
              "--send-time: \"" + c.send_time + "\" is not a time of day HH:MM (e.g. 08:00)");
    }
    if (auto zone = find_zone(c.timezone)) {
        plan.zone = *zone;
    } else {
        blame("timezone", "--timezone: " + zone.error().message);
    }
    for (const auto& kind : c.kinds) {
        if (!is_contact_kind(kind)) {
            blame("kinds",
                  "--kind: \"" + kind + "\" is not one of producer, po, mpe, seed_company, other");
        }
    }
    return plan;
}

} // namespace

Result<WeekPlan> plan_campaign(const Campaign& c) {
    std::vector<CampaignProblem> problems;
    auto plan = read_plan(c, problems);
    if (problems.empty()) {
        return plan;
    }
    std::string all;
    std::string field = problems.front().field; // the one field blamed by every problem, or ""
    for (const auto& p : problems) {
        all += (all.empty() ? "" : "\n") + p.message;
        if (p.field != field) {
            field.clear();
        }
    }
    return Error{all, field};
}

std::vector<CampaignProblem> campaign_problems(const Campaign& c) {
    std::vector<CampaignProblem> problems;
    (void)read_plan(c, problems);
    return problems;
}

Result<std::string> campaign_status_after(std::string_view status, std::string_view action) {
    if (status == "cancelled") {
        return Error{"the campaign is cancelled; a cancelled campaign cannot be changed"};
    }
    if (action == "pause") {
        return status == "active" ? Result<std::string>(std::string("paused"))
                                  : Error{"the campaign is already paused"};
    }
    if (action == "resume") {
        return status == "paused" ? Result<std::string>(std::string("active"))
                                  : Error{"the campaign is not paused"};
    }
    if (action == "cancel") {
        return std::string("cancelled");
    }
    return Error{"unknown action " + std::string(action)};
}

TemplateValues message_values(const Campaign& campaign, int week, const Contact& contact) {
    return {{"name", contact.name},
            {"organisation", contact.organisation},
            {"region", contact.region},
            {"week", std::to_string(week)},
            {"weeks", std::to_string(campaign.weeks)},
            {"commodity", campaign.commodity}};
}

bool message_is_personal(std::string_view text) {
    const auto names = template_placeholders(text);
    if (!names) {
        return true;
    }
    return std::ranges::any_of(*names, [](const std::string& name) {
        return std::ranges::find(k_contact_placeholders, name) != k_contact_placeholders.end();
    });
}

Result<PreparedSms> render_message(const std::string& text, const Campaign& campaign, int week,
                                   const Contact& contact, EncodingMode mode, Refusal* why) {
    return prepare_sms(render_template(text, message_values(campaign, week, contact)), mode, why);
}

} // namespace kibaru::core
