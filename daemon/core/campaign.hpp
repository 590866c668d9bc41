// A campaign: one commodity's weekly messages to an audience over a number of weeks, and the
// rules for its status (pause, resume, cancel). Pure data and decisions; no I/O.
#pragma once

#include "core/contact.hpp"
#include "core/message_template.hpp"
#include "core/result.hpp"
#include "core/schedule.hpp"
#include "core/sms.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

inline constexpr int k_max_campaign_weeks = 104;

struct Campaign {
    std::int64_t id = 0;
    std::string name;
    std::string commodity;
    std::string start_date; // YYYY-MM-DD, local
    int weeks = 21;
    std::string send_day = "tue";
    std::string send_time = "08:00";
    std::string timezone = "Africa/Bamako";
    // Audience filters: a contact matches when it grows the commodity, is active, and matches
    // each non-empty list (any of its values; regions case-insensitively).
    std::vector<std::string> regions;
    std::vector<std::string> kinds;
    std::vector<std::string> languages;
    std::string status = "active"; // active | paused | cancelled
    std::string created_at;
    std::string updated_at;
};

// Checks a campaign about to be created and returns its week plan. Fails with every problem
// (bad date, unknown zone, weeks out of range, ...) in one message, naming the field when
// every problem is in the same one.
Result<WeekPlan> plan_campaign(const Campaign& campaign);

// One thing wrong with a campaign: the field, as the API and the console's form name it
// ("weeks", "send_day"), and why, in English for the CLI.
struct CampaignProblem {
    std::string field;
    std::string message;
};

// Each thing plan_campaign refuses, apart: for a form that says beside each field what it needs.
// Empty when the campaign plans.
std::vector<CampaignProblem> campaign_problems(const Campaign& campaign);

// The status after `action` ("pause", "resume", "cancel") from `status`, or why it cannot be.
Result<std::string> campaign_status_after(std::string_view status, std::string_view action);

// The values of the six message placeholders for `contact` in `week` of `campaign`.
TemplateValues message_values(const Campaign& campaign, int week, const Contact& contact);

// Whether `text` names a contact's field ({name}, {organisation}, {region}), so that it renders
// differently for each contact. A text that is not a valid template counts as personal.
bool message_is_personal(std::string_view text);

// A week's message `text` as `contact` receives it, prepared for `mode` (prepare_sms's refusal
// told to `why`).
Result<PreparedSms> render_message(const std::string& text, const Campaign& campaign, int week,
                                   const Contact& contact, EncodingMode mode,
                                   Refusal* why = nullptr);

} // namespace kibaru::core
