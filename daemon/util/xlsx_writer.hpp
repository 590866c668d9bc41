// Workbooks for auditors (`report ... --format xlsx`), written with libxlsxwriter: rows under a
// bold, frozen, filterable header; numbers stored as numbers and UTC times as dates, so that
// sums, sorts and filters work in Excel; optionally a column chart of some columns. Rows stream
// (libxlsxwriter's constant-memory mode), so a million deliveries never sit in memory; past
// Excel's 1,048,576 rows a sheet continues on the next one. The workbook is written beside its
// target and renamed at the end, so a failed export never leaves half a file.
// Reads no database and knows no report: app/ says which columns and which chart.
#pragma once

#include "util/rows.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::util {

struct XlsxColumn {
    std::string name;
    std::string number_format; // e.g. "0.0"; empty: Excel's General
    bool utc_time = false;     // "2019-01-08T09:00:00Z" cells become dates, shown as UTC
};

// A column chart of some columns, one group of bars per row, drawn below the rows.
struct XlsxChart {
    std::string title;
    std::string x_axis;
    std::string y_axis;
    std::size_t categories = 0;        // the column labelling each group (the week)
    std::vector<std::size_t> series;   // the columns drawn, one series each, named by header
    std::vector<std::uint32_t> colors; // 0xRRGGBB for each series, in order (optional)
    bool stacked = true;
};

struct XlsxSheet {
    std::string name;  // the tab (at most 31 characters, none of []:*?/\)
    std::string title; // the document's title property
    std::vector<XlsxColumn> columns;
    std::optional<XlsxChart> chart; // drawn when the rows fit one sheet
    std::string note{}; // a line of text below the rows and the totals (the audit checkpoint)
};

// A RowWriter to a workbook file. Runs on the calling thread; every failure throws
// std::runtime_error with a message that starts with the file's path.
class XlsxWriter final : public RowWriter {
public:
    // Starts the workbook. Throws when `path`'s directory cannot be written (checked now, not
    // after a million rows).
    XlsxWriter(std::string path, XlsxSheet sheet);
    // Without finish(), nothing is left behind: no workbook, no partial file.
    ~XlsxWriter() override;
    XlsxWriter(const XlsxWriter&) = delete;
    XlsxWriter& operator=(const XlsxWriter&) = delete;

    // Numbers become numbers, strings text (dates in utc_time columns), null an empty cell.
    void row(const std::vector<Json>& cells) override;
    // A bold row below the data, outside the filter and the chart (the totals). At most one,
    // after the last row().
    void footer(const std::vector<Json>& cells);
    // Sizes the columns to their contents, adds the filter and the chart, writes the workbook
    // and renames it into place.
    void finish() override;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace kibaru::util
