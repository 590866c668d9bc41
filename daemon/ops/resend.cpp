#include "ops/resend.hpp"

#include "ops/audit_trail.hpp"
#include "ops/campaign_lookup.hpp"
#include "store/campaigns_repo.hpp"
#include "store/deliveries_repo.hpp"
#include "store/event_seal.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace kibaru::ops {

Result<Resend> resend_deliveries(const Env& env, std::int64_t campaign_id, int week,
                                 const std::string& state, bool dry_run) {
    const auto which = core::parse_delivery_state(state);
    if (which != core::DeliveryState::unknown && which != core::DeliveryState::failed) {
        return with_why(
            invalid("--state must be unknown or failed (not \"" + state + "\")", "state"),
            {"resend_bad_state", {state}});
    }
    store::DeliveryTransaction tx(env.db, env.now_text(), env.actor.name,
                                  dry_run ? store::Transaction::Mode::read
                                          : store::Transaction::Mode::write);
    store::CampaignsRepo campaigns(env.db);
    const auto campaign = load_campaign(campaigns, campaign_id);
    if (!campaign) {
        return campaign.error();
    }
    if (campaign->status == "cancelled") {
        // Queued again, they would be skipped as cancelled: a real failure, or a send that may
        // have arrived, would read in the reports as never sent.
        return with_why(conflict("campaign " + std::to_string(campaign_id) +
                                 " is cancelled: its deliveries are not sent again"),
                        {"resend_cancelled", {std::to_string(campaign_id)}});
    }
    store::DeliveriesRepo deliveries(env.db);
    const auto status = deliveries.week_status(campaign_id, week);
    const std::string where =
        "campaign " + std::to_string(campaign_id) + " week " + std::to_string(week);
    if (!status) {
        return with_why(conflict(where + " has not opened: it has nothing to send again"),
                        {"resend_not_opened", {std::to_string(campaign_id), std::to_string(week)}});
    }
    if (status->closed || status->closes_at <= env.now_text()) {
        return with_why(conflict(where + " closed at " + status->closes_at +
                                 ": a delivery is never sent again after its week has closed"),
                        {"resend_closed",
                         {std::to_string(campaign_id), std::to_string(week), status->closes_at}});
    }
    Resend resend{campaign_id, week, state, 0, dry_run};
    if (dry_run) {
        resend.deliveries = deliveries.count_in_state(campaign_id, week, *which);
        return resend;
    }
    const auto who = env.actor.name.empty() ? std::string("staff") : env.actor.name;
    resend.deliveries = deliveries.requeue(campaign_id, week, *which, env.now_text(),
                                           "sent again: " + who + " asked (was " + state + ")");
    if (resend.deliveries > 0) {
        record(env, "deliveries.resend", "campaign " + std::to_string(campaign_id),
               {{"week", week}, {"state", state}, {"deliveries", resend.deliveries}});
        spdlog::info("{}: {} {} deliveries queued to be sent again", where, resend.deliveries,
                     state);
    }
    tx.commit();
    return resend;
}

} // namespace kibaru::ops
