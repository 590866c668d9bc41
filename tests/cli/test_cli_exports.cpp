// End-to-end: exports for auditors as they open them. CSV for French Excel (`--excel`: a BOM,
// `;`, decimal commas, CRLF), `--output FILE`, and the usage errors of `--format xlsx`. The
// workbooks' contents are read back by openpyxl in tests/integration/test_integration_workbooks.
#include "cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

using kibaru::test::Scratch;

namespace {

const std::string k_bom = "\xEF\xBB\xBF";

// Two producers, one of them an organisation whose name holds a `;`, and a campaign of
// 21 weeks that has not opened yet (every count 0, the cost 0.0).
void set_up(const Scratch& s) {
    s.write("producers.csv", "phone,name,organisation,commodities\n"
                             "76000001,Awa Traoré,\"Coop; Ségou\",sesame\n"
                             "76000002,Moussa,,sesame\n");
    ASSERT_EQ(s.kibaru({"contacts", "import", "producers.csv"}).exit_code, 0);
    ASSERT_EQ(s.kibaru({"campaign", "create", "--name", "Sésame 2019", "--commodity", "sesame",
                        "--start", "2019-01-07"})
                  .exit_code,
              0);
}

} // namespace

TEST(CliExports, excel_csv_has_a_bom_semicolons_crlf_and_quotes_a_semicolon) {
    Scratch s;
    set_up(s);
    const auto r = s.kibaru({"contacts", "export", "-", "--excel"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(r.out.starts_with(k_bom + "phone;name;organisation;kind;")) << r.out;
    const auto header_end = r.out.find('\n');
    ASSERT_NE(header_end, std::string::npos);
    EXPECT_EQ(r.out[header_end - 1], '\r') << "CRLF line ends";
    EXPECT_NE(r.out.find("+22376000001;Awa Traoré;\"Coop; Ségou\";producer;"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("\r\n+22376000002;Moussa;;producer;"), std::string::npos) << r.out;
}

TEST(CliExports, without_excel_the_csv_is_unchanged) {
    Scratch s;
    set_up(s);
    const auto contacts = s.kibaru({"contacts", "export", "-"});
    ASSERT_EQ(contacts.exit_code, 0) << contacts.err;
    EXPECT_TRUE(contacts.out.starts_with("phone,name,organisation,kind,")) << contacts.out;
    EXPECT_EQ(contacts.out.find('\r'), std::string::npos);
    const auto weeks = s.kibaru({"report", "campaign", "1", "--format", "csv"});
    ASSERT_EQ(weeks.exit_code, 0) << weeks.err;
    EXPECT_TRUE(weeks.out.starts_with("week,opens_at,closes_at,targeted,")) << weeks.out;
    EXPECT_NE(weeks.out.find(",,0,0.0,KIBARU AUDIT "), std::string::npos)
        << "no rate, 0 segments, cost 0.0, then the audit checkpoint";
}

TEST(CliExports, the_campaign_csv_carries_the_audit_checkpoint_of_its_moment) {
    Scratch s;
    set_up(s);
    const auto head = s.kibaru({"audit", "checkpoint"}).out;
    const auto weeks = s.kibaru({"report", "campaign", "1", "--format", "csv"}).out;
    EXPECT_NE(weeks.find(",audit_checkpoint\n"), std::string::npos) << weeks;
    const auto last_row = weeks.substr(weeks.rfind('\n', weeks.size() - 2) + 1);
    const auto cell = last_row.substr(last_row.rfind(',') + 1);
    EXPECT_EQ(cell, head) << "the checkpoint `audit checkpoint` gives at that moment";
    ASSERT_EQ(s.kibaru({"contacts", "optout", "76000001"}).exit_code, 0);
    EXPECT_EQ(
        s.kibaru({"audit", "verify", "--checkpoint", cell.substr(0, cell.size() - 1)}).exit_code, 0)
        << "a printed report is a witness: the honest log still matches it";

    // The JSON form too (the API's is the same), and the table says it under the totals.
    const auto head_now = s.kibaru({"audit", "checkpoint"}).out;
    const auto json = nlohmann::json::parse(
        s.kibaru({"report", "campaign", "1", "--format", "json"}).out, nullptr, false);
    ASSERT_TRUE(json.is_array() && !json.empty()) << json;
    EXPECT_EQ(json.back().value("audit_checkpoint", "") + "\n", head_now);
    const auto table = s.kibaru({"report", "campaign", "1"}).out;
    EXPECT_NE(
        table.find("Audit checkpoint when exported: " + head_now.substr(0, head_now.size() - 1)),
        std::string::npos)
        << table;
}

TEST(CliExports, excel_report_writes_decimal_commas_and_implies_csv) {
    Scratch s;
    set_up(s);
    for (const auto& args : {std::vector<std::string>{"report", "campaign", "1", "--excel"},
                             {"report", "campaign", "1", "--format", "csv", "--excel"}}) {
        const auto r = s.kibaru(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(r.out.starts_with(k_bom + "week;opens_at;closes_at;targeted;")) << r.out;
        EXPECT_NE(r.out.find(";;0;0,0;KIBARU AUDIT "), std::string::npos)
            << "French Excel's 0,0: " << r.out;
    }
    const auto deliveries = s.kibaru({"report", "deliveries", "--excel"});
    ASSERT_EQ(deliveries.exit_code, 0) << deliveries.err;
    EXPECT_TRUE(deliveries.out.starts_with(k_bom + "campaign;week;phone;state;")) << deliveries.out;
}

TEST(CliExports, excel_beside_another_format_is_a_usage_error) {
    Scratch s;
    set_up(s);
    const auto r = s.kibaru({"report", "campaign", "1", "--format", "json", "--excel"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--excel"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(CliExports, xlsx_without_output_is_a_usage_error) {
    Scratch s;
    set_up(s);
    for (const auto& args :
         {std::vector<std::string>{"report", "campaign", "1", "--format", "xlsx"},
          {"report", "deliveries", "--format", "xlsx"}}) {
        const auto r = s.kibaru(args);
        EXPECT_EQ(r.exit_code, 2) << args[1];
        EXPECT_NE(r.err.find("--output"), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty()) << "a workbook never goes to the terminal";
    }
}

TEST(CliExports, output_writes_the_same_rows_to_a_file) {
    Scratch s;
    set_up(s);
    const auto printed = s.kibaru({"report", "campaign", "1", "--format", "csv"});
    const auto r = s.kibaru({"report", "campaign", "1", "--format", "csv", "--output", "w.csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find("w.csv: campaign 1, 21 weeks written"), std::string::npos) << r.err;
    EXPECT_EQ(s.read("w.csv"), printed.out);
    EXPECT_FALSE(std::filesystem::exists(s.path("w.csv.partial")));
}

TEST(CliExports, a_workbook_that_cannot_be_written_names_the_file_and_exits_1) {
    Scratch s;
    set_up(s);
    for (const auto& args :
         {std::vector<std::string>{"report", "campaign", "1", "--format", "xlsx", "--output",
                                   "no/such/dir/weeks.xlsx"},
          {"report", "deliveries", "--format", "xlsx", "--output", "no/such/dir/weeks.xlsx"},
          {"report", "campaign", "1", "--excel", "--output", "no/such/dir/weeks.xlsx"}}) {
        const auto r = s.kibaru(args);
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_NE(r.err.find("no/such/dir/weeks.xlsx"), std::string::npos) << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(s.path("no")));
}

TEST(CliExports, a_campaign_workbook_is_written_whole) {
    Scratch s;
    set_up(s);
    const auto r =
        s.kibaru({"report", "campaign", "1", "--format", "xlsx", "--output", "weeks.xlsx"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find("weeks.xlsx: campaign 1, 21 weeks written"), std::string::npos) << r.err;
    const auto workbook = s.read("weeks.xlsx");
    EXPECT_TRUE(workbook.starts_with("PK")) << "a zip container";
    EXPECT_FALSE(std::filesystem::exists(s.path("weeks.xlsx.partial")));
}
