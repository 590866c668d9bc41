#include "app/report_workbooks.hpp"

#include <algorithm>
#include <optional>

namespace kibaru::app {

namespace {

// Every `*_at` column of the reports is an instant written by core::format_utc; as a date, a
// reader can sort and filter by it. The rate and the cost show as they do in the table.
std::vector<util::XlsxColumn> sheet_columns(const std::vector<std::string>& names) {
    std::vector<util::XlsxColumn> columns;
    for (const auto& name : names) {
        util::XlsxColumn column{name, "", name.ends_with("_at")};
        if (name == "delivery_rate") {
            column.number_format = "0.0";
        } else if (name == "cost") {
            column.number_format = "0.00";
        }
        columns.push_back(std::move(column));
    }
    return columns;
}

std::optional<std::size_t> index_of(const std::vector<std::string>& names, const char* name) {
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(found - names.begin());
}

} // namespace

util::XlsxSheet campaign_sheet(std::int64_t campaign_id, const std::vector<std::string>& columns) {
    const std::string campaign = "Campaign " + std::to_string(campaign_id);
    util::XlsxSheet sheet{"weeks", "Kibaru: " + campaign + ", deliveries per week",
                          sheet_columns(columns), std::nullopt, ""};
    const auto week = index_of(columns, "week");
    const auto delivered = index_of(columns, "delivered");
    const auto failed = index_of(columns, "failed");
    const auto expired = index_of(columns, "expired");
    if (week && delivered && failed && expired) {
        // Stacked, so that each bar is the week's outcomes and its height what was settled;
        // green, red and grey as a reader expects them.
        sheet.chart = util::XlsxChart{campaign + ": delivered, failed and expired per week",
                                      "week",
                                      "deliveries",
                                      *week,
                                      {*delivered, *failed, *expired},
                                      {0x2E7D32, 0xC62828, 0x9E9E9E},
                                      true};
    }
    return sheet;
}

util::XlsxSheet deliveries_sheet(const std::vector<std::string>& columns) {
    return {"deliveries", "Kibaru: deliveries", sheet_columns(columns), std::nullopt, ""};
}

} // namespace kibaru::app
