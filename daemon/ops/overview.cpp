#include "ops/overview.hpp"

#include "ops/campaign_lookup.hpp"
#include "ops/message_check.hpp"
#include "store/campaigns_repo.hpp"
#include "store/gateway_stats.hpp"

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
    for (const auto& g : core::sending_gateways(env.config)) {
        out.gateways.push_back({g.name, g.profile});
    }
    // The audit log holds a handful of these (one per outage and recovery): read them all.
    for (const auto& entry : store::outage_entries(env.db)) {
        for (auto& health : out.gateways) {
            if (health.name == entry.gateway) {
                health.known = true;
                health.outage = entry.open;
                health.since = entry.at;
                health.last_error = entry.last_error;
            }
        }
    }
    return out;
}

} // namespace kibaru::ops
