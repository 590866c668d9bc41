// How the auditors' reports look as workbooks (`report campaign|deliveries --format xlsx`):
// which columns are UTC times, how numbers show, and the campaign's chart of delivered, failed
// and expired per week. The rows themselves are the CSV's and JSON's, from ops/reports.hpp.
#pragma once

#include "util/xlsx_writer.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kibaru::app {

// The "weeks" sheet of ops::CampaignReport's `columns`, with its stacked column chart (when the
// columns hold week, delivered, failed and expired).
util::XlsxSheet campaign_sheet(std::int64_t campaign_id, const std::vector<std::string>& columns);

// The "deliveries" sheet of ops::delivery_columns().
util::XlsxSheet deliveries_sheet(const std::vector<std::string>& columns);

} // namespace kibaru::app
