// End-to-end: .xlsx workbooks as staff save them from Excel, given to `contacts import`,
// `messages render --data` and `prices import` like their CSV files. The workbooks are written
// by openpyxl at test time (tests/unit/xlsx_fixture.hpp).
#include "../unit/xlsx_fixture.hpp"
#include "cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>

using kibaru::test::python_file;
using kibaru::test::Scratch;
using nlohmann::json;

namespace {

// Numbers stored as numbers (one as a float, as a sheet computed it), a phone typed as text,
// French headers and values, a blank row, and a second sheet that is not contacts.
const char* k_contacts_workbook = R"(
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = 'Producteurs'
ws.append(['Téléphone', 'Nom', 'Organisation', 'Type', 'Filières', 'Langue'])
ws.append([76123456, 'Awa Traoré', 'Jiguiya', 'producteur', 'Sésame', 'bm'])
ws.append([22366123456.0, 'Moussa Keïta', 'Coopérative Sésame', 'OP', 'sésame;riz', 'fr'])
ws.append([])
ws.append(['+223 91 23 45 67', 'Fanta Diarra', None, None, 'fonio', None])
wb.create_sheet('Notes').append(['à', 'ignorer'])
wb.save(OUT)
)";

} // namespace

TEST(CliXlsx, contacts_import_reads_the_first_sheet_with_numbers_as_phones) {
    Scratch s;
    s.write("producteurs.xlsx", python_file(k_contacts_workbook));
    const auto r = s.kibaru({"contacts", "import", "producteurs.xlsx"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "producteurs.xlsx: 3 rows: 3 new, 0 updated, 0 rejected, 0 duplicate phones "
                     "(the later row wins)\n");
    EXPECT_EQ(r.err.find("Windows-1252"), std::string::npos) << r.err;

    const auto contacts = json::parse(s.kibaru({"contacts", "list", "--format", "json"}).out);
    ASSERT_EQ(contacts.size(), 3u);
    std::map<std::string, json> by_phone;
    for (const auto& c : contacts) {
        by_phone[c["phone"]] = c;
    }
    ASSERT_EQ(by_phone.count("+22376123456"), 1u) << contacts.dump();
    ASSERT_EQ(by_phone.count("+22366123456"), 1u) << contacts.dump();
    ASSERT_EQ(by_phone.count("+22391234567"), 1u) << contacts.dump();
    EXPECT_EQ(by_phone["+22376123456"]["name"], "Awa Traoré");
    EXPECT_EQ(by_phone["+22376123456"]["commodities"], "sesame");
    EXPECT_EQ(by_phone["+22376123456"]["language"], "bm");
    EXPECT_EQ(by_phone["+22366123456"]["name"], "Moussa Keïta");
    EXPECT_EQ(by_phone["+22366123456"]["kind"], "po");
    EXPECT_EQ(by_phone["+22366123456"]["organisation"], "Coopérative Sésame");
    EXPECT_EQ(by_phone["+22366123456"]["commodities"], "sesame;rice");
    EXPECT_EQ(by_phone["+22391234567"]["commodities"], "fonio");
    EXPECT_EQ(s.sql("SELECT json_extract(details, '$.format') FROM audit_log "
                    "WHERE action = 'contacts.import'")
                  .out,
              "xlsx\n");
}

TEST(CliXlsx, rejects_name_the_sheet_row_and_the_rejects_file_keeps_the_cells) {
    Scratch s;
    s.write("c.xlsx", python_file(R"(
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(['phone', 'name'])
ws.append([76123456, 'Awa'])
ws.append([])
ws.append([])
ws.append([7612, 'Trop court'])
wb.save(OUT)
)"));
    const auto r = s.kibaru({"contacts", "import", "c.xlsx", "--rejects", "rejects.csv"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("c.xlsx:5: phone: \"7612\""), std::string::npos) << r.err;
    EXPECT_NE(s.read("rejects.csv").find("7612,Trop court,5,phone,"), std::string::npos)
        << s.read("rejects.csv");
}

TEST(CliXlsx, an_empty_first_column_and_a_merged_header_cell_import_without_rejects) {
    Scratch s;
    s.write("c.xlsx", python_file(R"(
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws['B1'] = 'Téléphone'
ws['C1'] = 'Nom'
ws['E1'] = 'Région'
ws.merge_cells('C1:D1')
ws['B2'] = 76123456
ws['C2'] = 'Awa Traoré'
ws['E2'] = 'Kita'
ws['B3'] = 22366123456.0
ws['C3'] = 'Moussa'
ws['E3'] = 'Ségou'
wb.save(OUT)
)"));
    const auto r = s.kibaru({"contacts", "import", "c.xlsx"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("2 new, 0 updated, 0 rejected"), std::string::npos) << r.out;
    EXPECT_EQ(s.sql("SELECT phone, name, region FROM contacts ORDER BY phone").out,
              "+22366123456|Moussa|Ségou\n+22376123456|Awa Traoré|Kita\n");
}

TEST(CliXlsx, a_zip_bomb_is_refused_quickly_and_nothing_is_imported) {
    Scratch s;
    s.write("bombe.xlsx", python_file("bomb(OUT, 2048)"));
    const auto r = s.kibaru({"contacts", "import", "bombe.xlsx"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("bombe.xlsx: the workbook is larger than 1024 MiB when uncompressed (a "
                         "zip bomb?): refused; nothing imported"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(s.sql("SELECT count(*) FROM contacts").out, "0\n");
}

TEST(CliXlsx, messages_render_takes_its_data_from_a_workbook) {
    Scratch s;
    const auto created = s.kibaru({"campaign", "create", "--name", "Sésame 2019", "--commodity",
                                   "sesame", "--start", "2019-01-07"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    const std::string id = created.out.substr(0, created.out.find('\n'));
    s.write("t.fr.txt", "{market}: {price_min}-{price_max} FCFA/kg\n");
    s.write("semaines.xlsx", python_file(R"(
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(['week', 'market', 'price_min', 'price_max'])
ws.append([1, 'Kita', 600, 650.5])
ws.append([2, 'Ségou', 610, 660])
wb.save(OUT)
)"));
    const auto r =
        s.kibaru({"messages", "render", id, "--template", "t.fr.txt", "--data", "semaines.xlsx"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto list = json::parse(s.kibaru({"messages", "list", id, "--format", "json"}).out);
    ASSERT_EQ(list.size(), 2u) << list.dump();
    EXPECT_EQ(list[0]["text"], "Kita: 600-650.5 FCFA/kg");
    EXPECT_EQ(list[1]["text"], "Ségou: 610-660 FCFA/kg");
}

TEST(CliXlsx, prices_import_reads_dates_stored_as_dates) {
    Scratch s;
    s.write("prix.xlsx", python_file(R"(
import datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(['date', 'commodity', 'market', 'price_min', 'price_max'])
ws.append([datetime.date(2019, 1, 5), 'sesame', 'Kita', 600, 650])
ws.append([datetime.datetime(2019, 1, 12), 'sesame', 'Kita', 610, 655.5])
wb.save(OUT)
)"));
    const auto r = s.kibaru({"prices", "import", "prix.xlsx"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("2 prices added"), std::string::npos) << r.out;
    const auto prices = json::parse(s.kibaru({"prices", "list", "--format", "json"}).out);
    ASSERT_EQ(prices.size(), 2u) << prices.dump();
    std::set<std::string> dates;
    for (const auto& p : prices) {
        dates.insert(p["date"].get<std::string>());
    }
    EXPECT_EQ(dates, (std::set<std::string>{"2019-01-05", "2019-01-12"}));
}
