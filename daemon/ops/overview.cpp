#include "ops/overview.hpp"

#include "ops/campaign_lookup.hpp"
#include "ops/message_check.hpp"
#include "store/audit_log.hpp"
#include "store/campaigns_repo.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kibaru::ops {

Overview overview(const Env& env) {
    Overview out;
    store::CampaignsRepo campaigns(env.db);
    store::DeliveriesRepo deliveries(env.db);
    for (const auto& c : campaigns.list()) {
        if (c.status == "cancelled") {
            continue;
        }
        CampaignProgress p{c, campaign_plan(c)};
        p.current_week = p.plan.week_at(env.now);
        if (p.current_week > c.weeks) {
            continue; // over
        }
        const auto counts = deliveries.week_counts(c.id);
        if (const auto it = counts.find(p.current_week); it != counts.end()) {
            p.counts = it->second;
        }
        if (p.current_week < c.weeks) {
            p.next_opening = p.plan.opens_at(p.current_week + 1);
        }
        const auto messages = campaigns.messages(c.id);
        auto missing = [&](int week) {
            std::vector<std::string> languages;
            if (week < 1 || week > c.weeks) {
                return languages;
            }
            for (const auto& language : campaign_languages(env.config, c)) {
                const bool written =
                    std::any_of(messages.begin(), messages.end(), [&](const auto& m) {
                        return m.week == week && m.language == language;
                    });
                if (!written) {
                    languages.push_back(language);
                }
            }
            return languages;
        };
        p.missing_now = missing(p.current_week);
        p.missing_next = missing(p.current_week + 1);
        out.campaigns.push_back(std::move(p));
    }
    if (const auto last = store::AuditLog(env.db).latest({"gateway.outage", "gateway.recovered"})) {
        out.gateway.known = true;
        out.gateway.outage = last->action == "gateway.outage";
        out.gateway.since = last->at;
        const auto details = nlohmann::json::parse(last->details, nullptr, false);
        if (details.is_object()) {
            out.gateway.last_error = details.value("last_error", "");
        }
    }
    return out;
}

} // namespace kibaru::ops
