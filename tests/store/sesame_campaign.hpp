// The 2019 sesame campaign as the store tests create it: written straight through the repo,
// with its id.
#pragma once

#include "core/campaign.hpp"
#include "store/campaigns_repo.hpp"
#include "store/sqlite.hpp"

namespace kibaru::test {

inline core::Campaign create_sesame_campaign(store::Database& db) {
    core::Campaign campaign;
    campaign.name = "s";
    campaign.commodity = "sesame";
    campaign.start_date = "2019-01-07";
    campaign.created_at = campaign.updated_at = "t";
    campaign.id = store::CampaignsRepo(db).create(campaign);
    return campaign;
}

} // namespace kibaru::test
