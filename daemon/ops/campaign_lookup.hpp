// Finding the campaign an operation names, with the error a user can act on.
#pragma once

#include "core/campaign.hpp"
#include "ops/error.hpp"

#include <cstdint>

namespace kibaru::store {
class CampaignsRepo;
}

namespace kibaru::ops {

// The campaign with `id`, or not_found.
Result<core::Campaign> load_campaign(store::CampaignsRepo& repo, std::int64_t id);

// Its week plan (the zone is looked up again; campaigns are validated when created). Throws
// std::runtime_error for a campaign that no longer plans (a zone removed from tzdata).
core::WeekPlan campaign_plan(const core::Campaign& campaign);

} // namespace kibaru::ops
