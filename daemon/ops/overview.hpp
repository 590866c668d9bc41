// What the console's first page shows: each campaign that is not over with its current week's
// progress, its next opening and the languages missing a message; each gateway's health as the
// daemon last recorded it; and the warnings that need someone (a missing message, deliveries
// in doubt, a gateway outage).
#pragma once

#include "core/campaign.hpp"
#include "core/schedule.hpp"
#include "ops/env.hpp"
#include "store/deliveries_repo.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kibaru::ops {

struct CampaignProgress {
    core::Campaign campaign;
    core::WeekPlan plan;
    int current_week = 0;       // 0 before week 1 opens; weeks + 1 once the last has closed
    store::WeekCounts counts{}; // of the current week (empty before it opened)
    std::optional<core::Instant> next_opening{};
    std::vector<std::string> missing_now{};  // languages without a message this week
    std::vector<std::string> missing_next{}; // and next week
};

// One configured gateway's circuit as the daemon last recorded it in the audit log.
struct GatewayHealth {
    std::string name;
    std::string profile;
    bool known = false;  // the daemon recorded an outage or a recovery
    bool outage = false; // its last record is an outage
    std::string since{};
    std::string last_error{};
};

struct Overview {
    std::vector<CampaignProgress> campaigns; // active and paused, not over
    std::vector<GatewayHealth> gateways;     // in configuration order
};

Overview overview(const Env& env);

} // namespace kibaru::ops
