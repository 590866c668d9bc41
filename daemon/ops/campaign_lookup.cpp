#include "ops/campaign_lookup.hpp"

#include "ops/unknown.hpp"
#include "store/campaigns_repo.hpp"

#include <stdexcept>

namespace kibaru::ops {

Result<core::Campaign> load_campaign(store::CampaignsRepo& repo, std::int64_t id) {
    auto campaign = repo.find(id);
    if (!campaign) {
        return unknown_campaign(id);
    }
    return *campaign;
}

core::WeekPlan campaign_plan(const core::Campaign& campaign) {
    auto plan = core::plan_campaign(campaign);
    if (!plan) {
        throw std::runtime_error("campaign " + std::to_string(campaign.id) +
                                 " cannot be planned: " + plan.error().message);
    }
    return *plan;
}

} // namespace kibaru::ops
