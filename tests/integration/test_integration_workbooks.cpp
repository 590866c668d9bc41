// The workbooks auditors get (`report campaign|deliveries --format xlsx`), on a campaign run
// through the fault-injecting gateway (the set-up of test_integration_reports), opened again by
// openpyxl: the header, a week's delivered / failed / expired as numbers equal to the JSON
// report's, dates as dates, and the chart part with the sheet's ranges.
#include "reports_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

// Prints the first sheet as JSON: its names, header, rows (dates as "YYYY-MM-DD HH:MM:SS"),
// each cell's Python type, the frozen pane, the filter, whether the header is bold, the zip's
// parts and the chart's XML.
const char* k_read_workbook = R"(import json, sys, zipfile
import openpyxl
from openpyxl.utils import get_column_letter
path = sys.argv[1]
book = openpyxl.load_workbook(path)
sheet = book.worksheets[0]
rows = [list(r) for r in sheet.iter_rows(values_only=True)]
note = ""
while rows and all(v is None for v in rows[-1][1:]) and (
        rows[-1][0] is None or str(rows[-1][0]).startswith("Audit checkpoint")):
    note = note or (rows[-1][0] or "")
    rows.pop()
header = rows[0]
out = {
    "note": note,
    "sheets": book.sheetnames,
    "header": header,
    "rows": rows[1:],
    "types": [[type(v).__name__ for v in r] for r in rows[1:]],
    "letters": {name: get_column_letter(i + 1) for i, name in enumerate(header)},
    "frozen": sheet.freeze_panes,
    "filter": sheet.auto_filter.ref,
    "bold": all(cell.font.b for cell in sheet[1]),
    "widths": [sheet.column_dimensions[get_column_letter(i + 1)].width
               for i in range(len(header))],
}
with zipfile.ZipFile(path) as z:
    out["parts"] = z.namelist()
    chart = "xl/charts/chart1.xml"
    out["chart"] = z.read(chart).decode() if chart in out["parts"] else ""
print(json.dumps(out, default=str))
)";

// Debian's interpreter, where python3-openpyxl is installed: a python3 found first on PATH
// (pyenv, a virtualenv) may not have it.
std::string python() {
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

class Workbooks : public kibaru::test::ReportsFixture {
protected:
    void SetUp() override {
        ReportsFixture::SetUp();
        s.write("read_workbook.py", k_read_workbook);
    }
    // The workbook as openpyxl reads it.
    json read_workbook(const std::string& name) {
        const auto r = kibaru::test::run_process({python(), "read_workbook.py", name}, s.dir(), {});
        EXPECT_EQ(r.exit_code, 0) << r.err << "(python3-openpyxl is needed: scripts/setup.sh)";
        return r.exit_code == 0 ? json::parse(r.out) : json::object();
    }
};

// A CSV output's columns, in its order (a JSON object's keys come sorted).
std::vector<std::string> header_of(const std::string& csv) {
    std::vector<std::string> columns;
    std::istringstream header(csv.substr(0, csv.find('\n')));
    for (std::string column; std::getline(header, column, ',');) {
        columns.push_back(column);
    }
    return columns;
}

} // namespace

TEST_F(Workbooks, campaign_workbook_holds_the_weeks_as_numbers_under_a_frozen_bold_header) {
    const auto report = json::parse(k({"report", "campaign", "1", "--format", "json"}).out);
    ASSERT_EQ(report.size(), 4u);
    const auto r = k({"report", "campaign", "1", "--format", "xlsx", "--output", "weeks.xlsx"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.empty());
    const auto book = read_workbook("weeks.xlsx");
    ASSERT_TRUE(book.contains("rows"));

    EXPECT_EQ(book["sheets"], json::array({"weeks"}));
    auto columns = header_of(k({"report", "campaign", "1", "--format", "csv"}).out);
    ASSERT_EQ(columns.back(), "audit_checkpoint");
    columns.pop_back(); // the workbook carries it in its note, below
    EXPECT_EQ(book["header"], json(columns)) << "the CSV's and JSON's columns";
    EXPECT_EQ(book["frozen"], "A2");
    EXPECT_EQ(book["bold"], true);
    // The audit checkpoint of its moment: the printed report is itself a witness.
    const std::string head = k({"audit", "checkpoint"}).out;
    EXPECT_EQ(book["note"].get<std::string>().rfind(
                  "Audit checkpoint when exported: " + head.substr(0, head.size() - 1), 0),
              0u)
        << book["note"];
    for (const auto& width : book["widths"]) {
        EXPECT_GE(width.get<double>(), 5.0) << book["widths"];
    }
    ASSERT_EQ(book["rows"].size(), report.size() + 1) << "the weeks, then their total";
    EXPECT_EQ(book["rows"].back()[0], "total");
    const std::string last_column = book["letters"][columns.back()];
    EXPECT_EQ(book["filter"], "A1:" + last_column + "5") << "the weeks, not the total";

    const auto at = [&](std::size_t week, const std::string& column) {
        const auto index = static_cast<std::size_t>(
            std::find(columns.begin(), columns.end(), column) - columns.begin());
        return std::pair{book["rows"][week][index], book["types"][week][index]};
    };
    for (std::size_t week = 0; week < report.size(); ++week) {
        for (const char* column : {"week", "targeted", "delivered", "failed", "expired"}) {
            const auto [value, type] = at(week, column);
            EXPECT_EQ(value, report[week][column]) << "week " << week + 1 << " " << column;
            EXPECT_EQ(type, "int") << "stored as a number: week " << week + 1 << " " << column;
        }
        const auto [opens, type] = at(week, "opens_at");
        EXPECT_EQ(type, "datetime") << "a date Excel can sort by";
        std::string expected = report[week]["opens_at"]; // 2019-01-08T09:00:00Z
        expected[10] = ' ';
        expected.pop_back();
        EXPECT_EQ(opens, expected);
    }
    EXPECT_EQ(at(0, "failed").first, 1) << "the rejected number";
    EXPECT_EQ(at(2, "expired").first, 11) << "week 3 closed unsent";
    EXPECT_EQ(at(3, "expired").first, 11) << "week 4 had no message";
}

TEST_F(Workbooks, campaign_workbook_has_a_chart_of_delivered_failed_and_expired_per_week) {
    ASSERT_EQ(
        k({"report", "campaign", "1", "--format", "xlsx", "--output", "weeks.xlsx"}).exit_code, 0);
    const auto book = read_workbook("weeks.xlsx");
    ASSERT_TRUE(book.contains("parts"));
    const auto& parts = book["parts"];
    EXPECT_NE(std::find(parts.begin(), parts.end(), "xl/charts/chart1.xml"), parts.end()) << parts;
    EXPECT_NE(std::find(parts.begin(), parts.end(), "xl/drawings/drawing1.xml"), parts.end());
    const std::string chart = book["chart"];
    EXPECT_NE(chart.find("<a:t>Campaign 1: delivered, failed and expired per week</a:t>"),
              std::string::npos)
        << chart;
    EXPECT_NE(chart.find("<c:grouping val=\"stacked\"/>"), std::string::npos);
    const std::string weeks = book["letters"]["week"];
    EXPECT_NE(chart.find("<c:f>weeks!$" + weeks + "$2:$" + weeks + "$5</c:f>"), std::string::npos)
        << "the weeks are the categories: " << chart;
    for (const char* state : {"delivered", "failed", "expired"}) {
        const std::string column = book["letters"][state];
        EXPECT_NE(chart.find("<c:f>weeks!$" + column + "$1</c:f>"), std::string::npos)
            << state << " names its series";
        EXPECT_NE(chart.find("<c:f>weeks!$" + column + "$2:$" + column + "$5</c:f>"),
                  std::string::npos)
            << state << "'s four weeks are its values";
    }
    EXPECT_NE(chart.find("<a:t>week</a:t>"), std::string::npos) << "the x axis is named";
    EXPECT_NE(chart.find("<a:t>deliveries</a:t>"), std::string::npos) << "the y axis is named";
}

TEST_F(Workbooks, deliveries_workbook_has_one_row_per_delivery) {
    const auto deliveries = json::parse(k({"report", "deliveries", "--format", "json"}).out);
    ASSERT_FALSE(deliveries.empty());
    const auto r = k({"report", "deliveries", "--format", "xlsx", "--output", "deliveries.xlsx"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("deliveries.xlsx: " + std::to_string(deliveries.size()) + " deliveries"),
              std::string::npos)
        << r.err;
    const auto book = read_workbook("deliveries.xlsx");
    ASSERT_TRUE(book.contains("rows"));
    EXPECT_EQ(book["sheets"], json::array({"deliveries"}));
    EXPECT_EQ(book["frozen"], "A2");
    ASSERT_EQ(book["rows"].size(), deliveries.size());
    const auto columns = header_of(k({"report", "deliveries", "--format", "csv"}).out);
    EXPECT_EQ(book["header"], json(columns));
    const auto index = [&](const std::string& column) {
        return static_cast<std::size_t>(std::find(columns.begin(), columns.end(), column) -
                                        columns.begin());
    };
    int failed = 0;
    for (std::size_t i = 0; i < deliveries.size(); ++i) {
        const auto& row = book["rows"][i];
        EXPECT_EQ(row[index("phone")], deliveries[i]["phone"]) << "row " << i;
        EXPECT_EQ(row[index("state")], deliveries[i]["state"]) << "row " << i;
        EXPECT_EQ(row[index("week")], deliveries[i]["week"]) << "row " << i;
        EXPECT_EQ(book["types"][i][index("week")], "int");
        EXPECT_EQ(book["types"][i][index("updated_at")], "datetime");
        if (row[index("phone")] == "+22376001003" && row[index("week")] == 1) {
            EXPECT_EQ(row[index("state")], "failed");
            ++failed;
        }
    }
    EXPECT_EQ(failed, 1) << "the rejected number's week 1";
    EXPECT_EQ(book["chart"], "") << "no chart of deliveries one by one";
}
