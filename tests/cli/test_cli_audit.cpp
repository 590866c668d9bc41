// End-to-end: the audit chain seen from the command line, tampered with plain SQL.
#include "cli_runner.hpp"
#include "core/audit.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

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

namespace {

// What an insider who holds the database file can do, following the framing core/audit.hpp
// documents (as it must, for auditors): edit entry `seq`, recompute its hash and every later
// one, and move the head.
void rewrite_history(const Scratch& s, int seq, const std::string& details) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(s.path("kibaru.db").c_str(), &db), SQLITE_OK);
    auto exec = [db](const std::string& sql) {
        char* error = nullptr;
        EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
            << (error ? error : "") << " in " << sql;
        sqlite3_free(error);
    };
    exec("DROP TRIGGER audit_log_no_update");
    sqlite3_stmt* edit = nullptr;
    sqlite3_prepare_v2(db, "UPDATE audit_log SET details = ? WHERE seq = ?", -1, &edit, nullptr);
    sqlite3_bind_text(edit, 1, details.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(edit, 2, seq);
    EXPECT_EQ(sqlite3_step(edit), SQLITE_DONE);
    sqlite3_finalize(edit);
    sqlite3_stmt* rows = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT seq, at, actor, action, subject, details, prev_hash FROM "
                       "audit_log WHERE seq >= ? ORDER BY seq",
                       -1, &rows, nullptr);
    sqlite3_bind_int(rows, 1, seq);
    std::vector<std::pair<std::int64_t, std::string>> hashes;
    std::string prev;
    auto text = [rows](int i) {
        const auto* t = sqlite3_column_text(rows, i);
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    };
    while (sqlite3_step(rows) == SQLITE_ROW) {
        kibaru::core::AuditEntry e{
            sqlite3_column_int64(rows, 0), text(1), text(2), text(3), text(4), text(5)};
        if (prev.empty()) {
            prev = text(6);
        }
        prev = kibaru::core::audit_hash(prev, e);
        hashes.emplace_back(e.seq, prev);
    }
    sqlite3_finalize(rows);
    for (const auto& [entry, hash] : hashes) {
        exec("UPDATE audit_log SET hash = '" + hash + "' WHERE seq = " + std::to_string(entry));
        exec("UPDATE audit_log SET prev_hash = '" + hash +
             "' WHERE seq = " + std::to_string(entry + 1));
    }
    exec("UPDATE audit_head SET hash = '" + hashes.back().second + "' WHERE id = 1");
    sqlite3_close(db);
}

} // namespace

TEST(CliAudit, a_full_rewrite_passes_verify_alone_and_fails_against_a_witnessed_checkpoint) {
    Scratch s;
    make_history(s);
    const auto witnessed = s.kibaru({"audit", "checkpoint"});
    ASSERT_EQ(witnessed.exit_code, 0) << witnessed.err;
    ASSERT_EQ(witnessed.out.rfind("KIBARU AUDIT 4 ", 0), 0u) << witnessed.out;
    EXPECT_EQ(witnessed.out.size(), std::string("KIBARU AUDIT 4 ").size() + 16 + 1);
    const auto head =
        nlohmann::json::parse(s.kibaru({"audit", "checkpoint", "--format", "json"}).out);
    EXPECT_EQ(head["seq"], 4);
    EXPECT_EQ(head["head"].get<std::string>().size(), 64u);
    EXPECT_EQ(witnessed.out, head["text"].get<std::string>() + "\n");
    ASSERT_EQ(s.kibaru({"contacts", "optout", "66123456"}).exit_code, 0);
    const std::string sms = witnessed.out.substr(0, witnessed.out.size() - 1);
    EXPECT_EQ(s.kibaru({"audit", "verify", "--checkpoint", sms}).exit_code, 0)
        << "an honest log still matches what was witnessed";

    rewrite_history(s, 2, "{\"phone\":\"+22376123456\",\"by\":\"nobody\"}");
    const auto plain = s.kibaru({"audit", "verify"});
    EXPECT_EQ(plain.exit_code, 0) << "the limit of a chain alone: " << plain.out;
    const auto caught = s.kibaru({"audit", "verify", "--checkpoint", sms});
    EXPECT_EQ(caught.exit_code, 4) << caught.out << caught.err;
    EXPECT_NE(caught.out.find("checkpoint 4 " + sms.substr(15) + " no longer matches"),
              std::string::npos)
        << caught.out;
    EXPECT_NE(caught.out.find("rewritten after it was witnessed"), std::string::npos);

    // The auditor's own verifier, without Kibaru, agrees.
    const std::string script = std::string(KIBARU_SOURCE_DIR) + "/scripts/verify-audit.py";
    EXPECT_EQ(kibaru::test::run_process({"python3", script, "kibaru.db"}, s.dir(), {}).exit_code,
              0);
    const auto python = kibaru::test::run_process(
        {"python3", script, "kibaru.db", "--checkpoint", sms}, s.dir(), {});
    EXPECT_EQ(python.exit_code, 4) << python.out << python.err;
    EXPECT_NE(python.out.find("rewritten after it was witnessed"), std::string::npos) << python.out;

    // As the witness copies them from the phone: the SMS of each week, one per line.
    s.write("witness.txt", "# received from Kibaru\n" + sms + "\r\n\n");
    EXPECT_EQ(s.kibaru({"audit", "verify", "--checkpoints", "witness.txt"}).exit_code, 4);
}

TEST(CliAudit, a_checkpoint_with_fewer_than_16_hex_digits_is_refused) {
    Scratch s;
    make_history(s);
    const auto r = s.kibaru({"audit", "verify", "--checkpoint", "4 0123456789abcde"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("at least 16 hex digits"), std::string::npos) << r.err;
    s.write("w.txt", "4 0123456789abcdef\nnonsense\n");
    const auto file = s.kibaru({"audit", "verify", "--checkpoints", "w.txt"});
    EXPECT_EQ(file.exit_code, 2);
    EXPECT_NE(file.err.find("w.txt:2: "), std::string::npos) << file.err;
}

// A mistyped --db must not become a new, empty database that verifies as intact.
TEST(CliAudit, checking_a_database_that_does_not_exist_is_an_error_not_an_empty_one) {
    Scratch s;
    make_history(s);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--db", "typo.db", "audit", "verify"},
          std::vector<std::string>{"--db", "typo.db", "audit", "checkpoint"},
          std::vector<std::string>{"--db", "typo.db", "report", "deliveries"},
          std::vector<std::string>{"--db", "typo.db", "report", "campaign", "1"},
          std::vector<std::string>{"--db", "typo.db", "backup", "copy.db"}}) {
        const auto r = s.kibaru(args);
        EXPECT_EQ(r.exit_code, 2) << args[2] << ": " << r.out << r.err;
        EXPECT_NE(r.err.find("no database at typo.db"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(s.dir() / "typo.db")) << args[2] << " created it";
    }
    EXPECT_EQ(s.kibaru({"audit", "verify"}).exit_code, 0) << "the real one still verifies";

    s.write("empty.db", "");
    s.write("book.xlsx", "PK\x03\x04 not a database at all, but long enough");
    for (const char* file : {"empty.db", "book.xlsx"}) {
        const auto r = s.kibaru({"--db", file, "audit", "verify"});
        EXPECT_EQ(r.exit_code, 2) << file << ": " << r.out << r.err;
        EXPECT_NE(r.err.find("is not a Kibaru database"), std::string::npos) << r.err;
    }
    EXPECT_EQ(std::filesystem::file_size(s.dir() / "empty.db"), 0u) << "nothing written into it";
}

// A damaged copy fails verification (exit 4, saying so); it is not a runtime error (exit 1).
TEST(CliAudit, a_damaged_database_fails_verification) {
    Scratch s;
    make_history(s);
    ASSERT_EQ(s.kibaru({"backup", "copy.db"}).exit_code, 0);
    std::filesystem::resize_file(s.dir() / "copy.db", 8192);
    const auto r = s.kibaru({"--db", "copy.db", "audit", "verify"});
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_NE(r.out.find("audit log BROKEN"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("damaged"), std::string::npos) << r.out;
}

// An auditor's copy is checked without a byte of it changing (its hash is evidence).
TEST(CliAudit, verifying_a_copy_changes_none_of_its_bytes) {
    Scratch s;
    make_history(s);
    ASSERT_EQ(s.kibaru({"backup", "copy.db"}).exit_code, 0);
    const auto before = s.read("copy.db");
    const auto r = s.kibaru({"--db", "copy.db", "audit", "verify"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("audit log intact"), std::string::npos) << r.out;
    EXPECT_TRUE(s.read("copy.db") == before) << "the copy's bytes changed (its journal mode?)";
    EXPECT_FALSE(std::filesystem::exists(s.dir() / "copy.db-wal"));
}
