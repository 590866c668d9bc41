// End-to-end: the audit chain seen from the command line, tampered with plain SQL.
#include "cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using kibaru::test::Scratch;

namespace {

void make_history(const Scratch& s) {
    s.write("a.csv", "phone,name\n76123456,Awa\n66123456,Moussa\n");
    ASSERT_EQ(s.kibaru({"contacts", "import", "a.csv"}).exit_code, 0);
    ASSERT_EQ(s.kibaru({"contacts", "optout", "76123456"}).exit_code, 0);
    ASSERT_EQ(s.kibaru({"contacts", "optin", "76123456"}).exit_code, 0);
}

} // namespace

TEST(CliAudit, every_change_is_audited_and_the_chain_verifies) {
    Scratch s;
    make_history(s);
    const auto r = s.kibaru({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("4 entries checked"), std::string::npos) << r.out;
}

TEST(CliAudit, editing_any_row_with_sql_makes_verify_exit_4_naming_it) {
    for (int seq = 1; seq <= 4; ++seq) {
        SCOPED_TRACE("entry " + std::to_string(seq));
        Scratch s;
        make_history(s);
        const auto tamper = s.sql("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET "
                                  "details = '{\"rows\":0}' WHERE seq = " +
                                  std::to_string(seq));
        ASSERT_EQ(tamper.exit_code, 0) << tamper.err;
        const auto r = s.kibaru({"audit", "verify"});
        EXPECT_EQ(r.exit_code, 4);
        EXPECT_NE(r.out.find("BROKEN at entry " + std::to_string(seq)), std::string::npos) << r.out;
    }
}

TEST(CliAudit, deleting_a_row_makes_verify_exit_4) {
    Scratch s;
    make_history(s);
    s.sql("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2");
    const auto r = s.kibaru({"audit", "verify", "--format", "json"});
    EXPECT_EQ(r.exit_code, 4);
    const auto verdict = nlohmann::json::parse(r.out);
    EXPECT_EQ(verdict["ok"], false);
    EXPECT_EQ(verdict["broken_seq"], 3);
}

TEST(CliAudit, export_gives_every_entry_as_csv_and_json) {
    Scratch s;
    make_history(s);
    const auto csv = s.kibaru({"audit", "export"});
    EXPECT_EQ(csv.exit_code, 0);
    EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')),
              "seq,at,actor,action,subject,details,prev_hash,hash");
    const auto json = nlohmann::json::parse(s.kibaru({"audit", "export", "--format", "json"}).out);
    ASSERT_EQ(json.size(), 4u);
    EXPECT_EQ(json[0]["action"], "database.migrate");
    EXPECT_EQ(json[1]["action"], "contacts.import");
    EXPECT_EQ(json[2]["action"], "contacts.optout");
    EXPECT_EQ(json[2]["prev_hash"], json[1]["hash"]);
}

TEST(CliAudit, the_clock_and_actor_options_are_recorded) {
    Scratch s;
    s.write("a.csv", "phone\n76123456\n");
    s.kibaru(
        {"--now", "2019-01-08T09:00:00Z", "--actor", "trainer", "contacts", "import", "a.csv"});
    EXPECT_EQ(
        s.sql("SELECT at || ' ' || actor FROM audit_log WHERE action = 'contacts.import'").out,
        "2019-01-08T09:00:00Z trainer\n");
}

TEST(CliAudit, status_reports_contacts_and_audit_entries_as_json) {
    Scratch s;
    make_history(s);
    const auto r = s.kibaru({"status", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto status = nlohmann::json::parse(r.out);
    EXPECT_EQ(status["contacts"]["active"], 2);
    EXPECT_EQ(status["contacts"]["opted_out"], 0);
    EXPECT_EQ(status["audit_entries"], 4);
    EXPECT_GE(status["schema_version"].get<int>(), 2);
}
