// End-to-end: `kibaru contacts ...` on the built binary, as program staff would run it.
#include "cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

using kibaru::test::Scratch;

namespace {

// Malian numbers written the usual local ways, with bad rows on known lines.
const char* k_mixed_csv = "phone,name,organisation,kind,region,commodities,language\n"    // 1
                          "76 12 34 56,Awa Traoré,Jiguiya,producer,Dioila,sesame,bm\n"    // 2
                          "0022366123456,Moussa Keita,COOPROSEM,po,Kita,sesame;rice,fr\n" // 3
                          "+223 76-12-34-57,\"Diarra, Fanta\",,mpe,Ségou,rice,fr\n"       // 4
                          "20 22 33 44,Bureau Bamako,,other,Bamako,sesame,fr\n" // 5: fixed line
                          "7612,Trop court,,producer,Kita,sesame,fr\n"          // 6: invalid
                          "91.23.45.67,Seydou,Union Nietaa,seed_company,Sikasso,sesame,fr\n"; // 7

} // namespace

TEST(CliContacts, import_normalizes_rejects_with_lines_and_exits_3) {
    Scratch s;
    s.write("producers.csv", k_mixed_csv);
    const auto r = s.kibaru({"contacts", "import", "producers.csv"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("producers.csv:5: phone: \"20 22 33 44\" is a fixed-line number, not a "
                         "mobile"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("producers.csv:6: phone: \"7612\""), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("4 new, 0 updated, 2 rejected"), std::string::npos) << r.out;

    const auto list = s.kibaru({"contacts", "list", "--format", "json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    const auto contacts = nlohmann::json::parse(list.out);
    std::vector<std::string> phones;
    for (const auto& c : contacts) {
        phones.push_back(c["phone"]);
    }
    EXPECT_EQ(phones, (std::vector<std::string>{"+22376123456", "+22366123456", "+22376123457",
                                                "+22391234567"}));
    EXPECT_EQ(contacts[2]["name"], "Diarra, Fanta");
    EXPECT_EQ(contacts[1]["commodities"], "sesame;rice");
}

TEST(CliContacts, strict_import_writes_nothing_when_a_row_is_bad) {
    Scratch s;
    s.write("producers.csv", k_mixed_csv);
    const auto r = s.kibaru({"contacts", "import", "--strict", "producers.csv"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("producers.csv:5:"), std::string::npos) << "rejects are still listed";
    EXPECT_NE(r.out.find("nothing was written"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("4 new, 0 updated, 2 rejected"), std::string::npos)
        << "the rows after the reject are counted too: what the file would do once fixed\n"
        << r.out;
    EXPECT_EQ(s.kibaru({"contacts", "list", "--format", "csv"}).out,
              "phone,name,organisation,kind,region,commodities,language,tags,status,operator\n");
    EXPECT_EQ(s.sql("SELECT count(*) FROM audit_log WHERE action = 'contacts.import'").out, "0\n");
}

TEST(CliContacts, strict_import_of_a_clean_file_succeeds) {
    Scratch s;
    s.write("ok.csv", "phone,name\n76123456,Awa\n66123456,Moussa\n");
    const auto r = s.kibaru({"contacts", "import", "--strict", "ok.csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(s.sql("SELECT count(*) FROM contacts").out, "2\n");
}

TEST(CliContacts, dry_run_reports_and_writes_nothing) {
    Scratch s;
    s.write("producers.csv", k_mixed_csv);
    const auto r = s.kibaru({"contacts", "import", "--dry-run", "producers.csv"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.out.find("4 new"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("dry run"), std::string::npos);
    EXPECT_EQ(s.sql("SELECT count(*) FROM contacts").out, "0\n");
}

TEST(CliContacts, rejects_file_lists_line_field_and_reason) {
    Scratch s;
    s.write("producers.csv", k_mixed_csv);
    s.kibaru({"contacts", "import", "producers.csv", "--rejects", "rejects.csv"});
    const auto rejects = s.read("rejects.csv");
    EXPECT_EQ(rejects.substr(0, rejects.find('\n')),
              "phone,name,organisation,kind,region,commodities,language,reject_line,"
              "reject_field,reject_reason");
    EXPECT_NE(rejects.find("20 22 33 44,Bureau Bamako,,other,Bamako,sesame,fr,5,phone,"),
              std::string::npos)
        << rejects;
    EXPECT_NE(rejects.find(",6,phone,"), std::string::npos);
}

TEST(CliContacts, known_phone_is_updated_and_keeps_its_opt_out) {
    Scratch s;
    s.write("a.csv", "phone,name,region\n76123456,Awa,Dioila\n");
    ASSERT_EQ(s.kibaru({"contacts", "import", "a.csv"}).exit_code, 0);
    ASSERT_EQ(s.kibaru({"contacts", "optout", "+223 76 12 34 56"}).exit_code, 0);
    s.write("b.csv", "phone,name\n0022376123456,Awa Traoré\n");
    const auto r = s.kibaru({"contacts", "import", "b.csv"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("0 new, 1 updated"), std::string::npos) << r.out;
    EXPECT_EQ(s.sql("SELECT name, region, status FROM contacts").out,
              "Awa Traoré|Dioila|opted_out\n");
}

TEST(CliContacts, duplicate_phones_in_one_file_later_row_wins_earlier_reported) {
    Scratch s;
    s.write("d.csv", "phone,name\n76123456,First\n66123456,Other\n+22376123456,Second\n");
    const auto r = s.kibaru({"contacts", "import", "d.csv"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.err.find("d.csv:2: phone: +22376123456 appears again on line 4"), std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("2 new, 0 updated, 0 rejected, 1 duplicate"), std::string::npos) << r.out;
    EXPECT_EQ(s.sql("SELECT name FROM contacts WHERE phone = '+22376123456'").out, "Second\n");
}

TEST(CliContacts, unknown_column_is_refused_with_exit_2) {
    Scratch s;
    s.write("u.csv", "phone,village\n76123456,Kati\n");
    const auto r = s.kibaru({"contacts", "import", "u.csv"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("u.csv:1: header: unknown column \"village\""), std::string::npos)
        << r.err;
}

TEST(CliContacts, unterminated_quote_fails_with_exit_1_and_writes_nothing) {
    Scratch s;
    s.write("q.csv", "phone,name\n76123456,Awa\n66123456,\"Moussa\n");
    const auto r = s.kibaru({"contacts", "import", "q.csv"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("q.csv:3: quoted field opened here is never closed"), std::string::npos)
        << r.err;
    EXPECT_EQ(s.sql("SELECT count(*) FROM contacts").out, "0\n");
}

// A row that is not UTF-8 is read as Windows-1252, as Excel on a French Windows writes it
// (it was refused as "not valid UTF-8" before), and the import says so.
TEST(CliContacts, bom_crlf_and_windows_1252_are_handled) {
    Scratch s;
    s.write("w.csv", "\xEF\xBB\xBFphone,name\r\n76123456,Awa\r\n66123456,S\xE9gou\r\n");
    const auto r = s.kibaru({"contacts", "import", "w.csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("w.csv: not UTF-8: read as Windows-1252 (1 row)"), std::string::npos)
        << r.err;
    EXPECT_EQ(s.sql("SELECT group_concat(name, '|') FROM contacts").out, "Awa|Ségou\n");
}

TEST(CliContacts, optout_and_optin_are_audited) {
    Scratch s;
    s.write("a.csv", "phone\n76123456\n");
    s.kibaru({"contacts", "import", "a.csv"});
    EXPECT_EQ(s.kibaru({"contacts", "optout", "76 12 34 56", "--actor", "awa"}).exit_code, 0);
    EXPECT_EQ(s.kibaru({"contacts", "optin", "76123456"}).exit_code, 0);
    EXPECT_EQ(s.sql("SELECT action || ':' || subject FROM audit_log WHERE action LIKE "
                    "'contacts.opt%' ORDER BY seq")
                  .out,
              "contacts.optout:+22376123456\ncontacts.optin:+22376123456\n");
    EXPECT_EQ(s.sql("SELECT actor FROM audit_log WHERE action = 'contacts.optout'").out, "awa\n");
    EXPECT_EQ(s.sql("SELECT count(*) FROM contact_status_events").out, "2\n");
}

TEST(CliContacts, optout_of_an_unknown_phone_exits_1) {
    Scratch s;
    const auto r = s.kibaru({"contacts", "optout", "76123456"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no contact has phone +22376123456"), std::string::npos) << r.err;
}

TEST(CliContacts, list_filters_and_formats) {
    Scratch s;
    s.write("producers.csv", k_mixed_csv);
    s.kibaru({"contacts", "import", "producers.csv"});
    const auto csv = s.kibaru({"contacts", "list", "--commodity", "rice", "--format", "csv"});
    EXPECT_EQ(csv.out,
              "phone,name,organisation,kind,region,commodities,language,tags,status,operator\n"
              "+22366123456,Moussa Keita,COOPROSEM,po,Kita,sesame;rice,fr,,active,moov\n"
              "+22376123457,\"Diarra, Fanta\",,mpe,Ségou,rice,fr,,active,orange\n");
    const auto table = s.kibaru({"contacts", "list", "--region", "kita"});
    EXPECT_NE(table.out.find("Moussa Keita"), std::string::npos);
    EXPECT_EQ(table.out.find("Awa"), std::string::npos);
    EXPECT_EQ(s.kibaru({"contacts", "list", "--status", "gone"}).exit_code, 2);
}

TEST(CliContacts, export_round_trips_through_import) {
    Scratch s;
    s.write("producers.csv", k_mixed_csv);
    s.kibaru({"contacts", "import", "producers.csv"});
    ASSERT_EQ(s.kibaru({"contacts", "optout", "76123456"}).exit_code, 0);
    ASSERT_EQ(s.kibaru({"contacts", "export", "all.csv"}).exit_code, 0);
    const auto exported = s.read("all.csv");
    EXPECT_EQ(exported.substr(0, exported.find('\n')),
              "phone,name,organisation,kind,region,commodities,language,tags,status,created_at,"
              "updated_at,operator");
    // An export re-imports as it is into a fresh database.
    Scratch t;
    t.write("again.csv", exported); // status, created_at, updated_at, operator: left aside
    const auto r = t.kibaru({"contacts", "import", "--strict", "again.csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(t.sql("SELECT count(*) FROM contacts").out, "4\n");
    EXPECT_EQ(t.sql("SELECT status FROM contacts WHERE phone = '+22376123456'").out, "opted_out\n")
        << "an opt-out survives the round trip";
    EXPECT_NE(r.out.find("1 contacts opted out by the status column"), std::string::npos) << r.out;
    EXPECT_EQ(t.sql("SELECT count(*) FROM contact_status_events WHERE status = 'opted_out'").out,
              "1\n")
        << "in the contact's history";

    // A file never opts anyone back in: "active" in the cell of an opted-out contact.
    auto edited = exported;
    const auto at = edited.find(",opted_out,");
    ASSERT_NE(at, std::string::npos) << edited;
    edited.replace(at, 11, ",active,");
    s.write("edited.csv", edited);
    ASSERT_EQ(s.kibaru({"contacts", "import", "edited.csv"}).exit_code, 0);
    EXPECT_EQ(s.sql("SELECT status FROM contacts WHERE phone = '+22376123456'").out, "opted_out\n");
}

// The contact list a programme officer exports from Excel on a French Windows: Windows-1252,
// `;` between fields, CRLF, French column names, `Sésame` and `OP`. It imports with the right
// phones, names and commodities, no rejects, and says once that it was read as Windows-1252.
TEST(CliContacts, a_french_excel_csv_imports_without_a_reject) {
    Scratch s;
    s.write("producteurs.csv",
            "T\xE9l\xE9phone;Nom;Coop\xE9rative;Type;R\xE9gion;Fili\xE8res;Langue\r\n"
            "76 00 00 01;Awa Traor\xE9;Jiguiya;OP;Dio\xEFla;S\xE9same;bm\r\n"
            "85 00 00 02;Moussa Ke\xEFta;COOPROSEM;Producteur;Kita;\"s\xE9same; riz\";fr\r\n"
            "52000003;Mariam Kon\xE9;;;S\xE9gou;Riz;fr\r\n");
    const auto r = s.kibaru({"contacts", "import", "producteurs.csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("3 new, 0 updated, 0 rejected"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("producteurs.csv: not UTF-8: read as Windows-1252 (3 rows)"),
              std::string::npos)
        << r.err;
    const auto contacts =
        nlohmann::json::parse(s.kibaru({"contacts", "list", "--format", "json"}).out);
    ASSERT_EQ(contacts.size(), 3u);
    EXPECT_EQ(contacts[0]["phone"], "+22376000001");
    EXPECT_EQ(contacts[0]["name"], "Awa Traoré");
    EXPECT_EQ(contacts[0]["kind"], "po");
    EXPECT_EQ(contacts[0]["region"], "Dioïla");
    EXPECT_EQ(contacts[0]["commodities"], "sesame");
    EXPECT_EQ(contacts[1]["name"], "Moussa Keïta");
    EXPECT_EQ(contacts[1]["commodities"], "sesame;rice");
    EXPECT_EQ(contacts[2]["operator"], "telecel");
    EXPECT_EQ(contacts[2]["commodities"], "rice");
}
