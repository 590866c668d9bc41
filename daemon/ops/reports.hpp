// What auditors read: a campaign's weeks with their counts per delivery state (and the
// completeness check), deliveries one by one, one contact's whole history. The rows and the
// JSON are built here once, for the CLI's formats and the API alike.
#pragma once

#include "core/numbering_plan.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"
#include "store/reports_repo.hpp"
#include "util/rows.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kibaru::ops {

struct CampaignReport {
    std::vector<std::string> columns;
    std::vector<std::vector<util::Json>> weeks; // one row per week of the campaign, opened or not
    std::vector<util::Json> total;              // the weeks added up ("total" in the week column)
};

// `report campaign`: week, opens_at, closes_at, targeted, a count per delivery state,
// delivery_rate (percent, null before opening), segments, cost. Fails: not_found.
Result<CampaignReport> campaign_report(const Env& env, std::int64_t campaign_id);

// The report as exported (CSV, JSON; CLI and API alike): each week's row ends with
// `audit_checkpoint`, the checkpoint of the export's moment in the form `audit verify
// --checkpoint` takes, so that a report sent to a funder is itself a witness of the log.
void add_audit_checkpoint(const Env& env, CampaignReport& report);

// `report campaign --check`: every completeness violation. Fails: not_found.
Result<std::vector<store::Violation>> check_campaign(const Env& env, std::int64_t campaign_id);
std::vector<std::string> violation_columns();
std::vector<util::Json> violation_cells(const store::Violation& violation);

// `report deliveries`: the rows in (campaign, week, contact) order, streamed to `visit`; the
// last column is the operator holding the number, from the numbering plan.
std::vector<std::string> delivery_columns();
std::vector<util::Json> delivery_cells(const store::DeliveryRow& row,
                                       const core::NumberingPlan& plan);
void for_each_delivery(const Env& env, const store::DeliveryFilter& filter,
                       const std::function<void(const store::DeliveryRow&)>& visit);

// `report contact`: the record, every opt-out and opt-in, every delivery with its events.
// Fails: invalid (phone), not_found.
Result<util::Json> contact_report(const Env& env, const std::string& raw_phone);

} // namespace kibaru::ops
