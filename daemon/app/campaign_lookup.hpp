// Finding the campaign a command names, with the error a user can act on.
#pragma once

#include "core/campaign.hpp"

#include <cstdint>
#include <stdexcept>

namespace kibaru::store {
class CampaignsRepo;
}

namespace kibaru::app {

// Thrown when a command names a campaign that does not exist: exit 1.
class NotFound : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The campaign with `id`, or NotFound.
core::Campaign load_campaign(store::CampaignsRepo& repo, std::int64_t id);

// Its week plan (the zone is looked up again; campaigns are validated when created).
core::WeekPlan campaign_plan(const core::Campaign& campaign);

} // namespace kibaru::app
