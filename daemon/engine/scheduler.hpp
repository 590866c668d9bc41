// The scheduler: the engine's calendar work, apart from sending. At start it turns what an
// earlier stop left in flight into `unknown` (and, by [gateway] resend_unknown, queues it
// again); on every tick it opens the campaign weeks that are due (fixing each week's audience),
// sends again the deliveries in doubt whose grace has passed, skips what a cancelled campaign
// had not sent, and closes the weeks that are over, expiring their unsent rest. Each step is one
// delivery transaction (sealed on commit) and audited. With [audit] witnesses, the audit chain's
// head is texted to each witness when a week closes (or daily). No clock and no I/O but the
// database: the instant is given, so that tests drive it through weeks in process.
#pragma once

#include "core/campaign.hpp"
#include "core/config.hpp"
#include "core/schedule.hpp"
#include "engine/engine.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {
class Database;
class CampaignsRepo;
class DeliveriesRepo;
} // namespace kibaru::store

namespace kibaru::engine {

// A campaign the dispatcher may send for (not cancelled, schedulable), with its plan.
struct ActiveCampaign {
    core::Campaign campaign;
    core::WeekPlan plan;
};

class Scheduler {
public:
    // `stats` is the engine's: weeks opened and closed, skipped, expired, unknown and resent.
    // `run_once`: a closing expires its whole unsent rest at once rather than in steps.
    Scheduler(store::Database& db, const core::Config& config, std::string actor, bool run_once,
              EngineStats& stats);

    // Deliveries left `sending` by an earlier stop become `unknown` (resent at once under
    // resend_unknown = "always").
    void recover(Millis now);

    // Everything the calendar asks for at `now`. Refreshes campaigns().
    void tick(Millis now);

    // The campaigns as the last tick read them.
    const std::vector<ActiveCampaign>& campaigns() const { return m_campaigns; }

private:
    void audit(Millis now, const std::string& action, const std::string& subject,
               const nlohmann::json& details);
    void resend_after_grace(Millis now);
    void send_checkpoint(Millis now, const std::string& why);
    void open_week(const core::Campaign& campaign, const core::WeekPlan& plan, int week,
                   store::CampaignsRepo& campaigns_repo, store::DeliveriesRepo& deliveries,
                   Millis now);

    store::Database& m_db;
    const core::Config& m_config;
    std::string m_actor;
    bool m_run_once;
    EngineStats& m_stats;
    std::vector<ActiveCampaign> m_campaigns;
    // When the last audit checkpoint went to the witnesses (UTC; "" for never), once read.
    std::optional<std::string> m_last_checkpoint;
};

} // namespace kibaru::engine
