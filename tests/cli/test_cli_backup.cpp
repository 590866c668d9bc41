// End-to-end: `backup` and `restore` on the built binary, and the daemon's start on a damaged
// database, with the database tampered with as an outsider would (sqlite3, bytes on disk).
#include "cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using kibaru::test::Background;
using kibaru::test::eventually;
using kibaru::test::RunResult;
using kibaru::test::Scratch;
using nlohmann::json;

namespace {

// Three producers, a campaign whose first week is open (three deliveries, their events sealed).
void make_data(const Scratch& s) {
    s.write("p.csv", "phone,name,commodities\n76000001,Awa,sesame\n76000002,Moussa,sesame\n"
                     "66000003,Fanta,sesame\n");
    ASSERT_EQ(s.kibaru({"contacts", "import", "p.csv"}).exit_code, 0);
    ASSERT_EQ(s.kibaru({"campaign", "create", "--name", "S", "--commodity", "sesame", "--start",
                        "2019-01-07"})
                  .exit_code,
              0);
    ASSERT_EQ(
        s.kibaru({"messages", "set", "1", "--week", "1", "--text", "Sesame 650 FCFA/kg"}).exit_code,
        0);
    // 21:00 in Bamako: the week opens, nothing is sent outside the send hours.
    ASSERT_EQ(s.kibaru({"--now", "2019-01-08T21:00:00Z", "run-once"}).exit_code, 0);
}

RunResult sql_on(const Scratch& s, const std::string& file, const std::string& statement) {
    return kibaru::test::run_process({"sqlite3", file, statement}, s.dir(), {});
}

// Writes garbage over the root page of `table` in `file`: a damaged b-tree page.
void damage(const Scratch& s, const std::string& file, const std::string& table) {
    const auto root =
        sql_on(s, file, "SELECT rootpage FROM sqlite_schema WHERE name = '" + table + "'");
    const auto page_size = sql_on(s, file, "PRAGMA page_size");
    ASSERT_EQ(root.exit_code, 0) << root.err;
    const long page = std::stol(root.out);
    const long size = std::stol(page_size.out);
    ASSERT_TRUE(!std::filesystem::exists(s.path(file + "-wal")) ||
                std::filesystem::file_size(s.path(file + "-wal")) == 0)
        << "the pages must be in the file itself";
    std::fstream f(s.path(file), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((page - 1) * size);
    const std::string garbage(static_cast<std::size_t>(size), '\x55');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

bool ends_with(const json& text, const std::string& tail) {
    const auto value = text.get<std::string>();
    return value.size() >= tail.size() &&
           value.compare(value.size() - tail.size(), tail.size(), tail) == 0;
}

std::vector<std::string> kept_files(const Scratch& s) {
    std::vector<std::string> kept;
    for (const auto& entry : std::filesystem::directory_iterator(s.dir())) {
        const auto name = entry.path().filename().string();
        if (name.rfind("kibaru.db.before-restore-", 0) == 0 &&
            name.find("-wal") == std::string::npos && name.find("-shm") == std::string::npos) {
            kept.push_back(name);
        }
    }
    return kept;
}

std::string rows(const Scratch& s, const std::string& file) {
    return sql_on(s, file,
                  "SELECT (SELECT count(*) FROM contacts) || ' ' || (SELECT count(*) FROM "
                  "campaigns) || ' ' || (SELECT count(*) FROM deliveries) || ' ' || (SELECT "
                  "count(*) FROM audit_log)")
        .out;
}

// A daemon on ports of its own, without the console, logging to var/log/kibaru.log.
void write_daemon_config(const Scratch& s) {
    s.write("k.toml", "[server]\nlisten = \"127.0.0.1:0\"\n[console]\nenabled = false\n");
}

} // namespace

TEST(CliBackup, a_backup_opens_has_the_same_rows_verifies_and_is_audited) {
    Scratch s;
    make_data(s);
    const auto before = rows(s, "kibaru.db");
    const auto r = s.kibaru({"backup", "copy.db", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto out = json::parse(r.out);
    EXPECT_TRUE(ends_with(out["file"], "/copy.db")) << out["file"]; // absolute
    EXPECT_GT(out["bytes"].get<long>(), 0);
    EXPECT_GT(out["pages"].get<long>(), 0);
    EXPECT_TRUE(out.contains("seconds"));
    EXPECT_EQ(out["integrity"], "ok");
    EXPECT_EQ(out["audit"]["ok"], true);
    EXPECT_EQ(out["audit_seq"].get<long>(), out["audit"]["checked"].get<long>());
    EXPECT_FALSE(std::filesystem::exists(s.path("copy.db.partial")));
    EXPECT_EQ(rows(s, "copy.db"), before);
    EXPECT_EQ(sql_on(s, "copy.db", "PRAGMA integrity_check").out, "ok\n");
    const auto verify = s.kibaru({"--db", "copy.db", "audit", "verify"});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    const auto audited =
        json::parse(s.sql("SELECT details FROM audit_log WHERE action = 'backup.written'").out);
    EXPECT_EQ(audited["audit_seq"], out["audit_seq"]);
    EXPECT_EQ(audited["bytes"], out["bytes"]);
    EXPECT_EQ(s.sql("SELECT subject FROM audit_log WHERE action = 'backup.written'").out,
              out["file"].get<std::string>() + "\n");
}

TEST(CliBackup, the_text_output_says_what_was_verified) {
    Scratch s;
    make_data(s);
    const auto r = s.kibaru({"backup", "copy.db"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("backup written: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/copy.db ("), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("integrity_check ok; audit chain intact"), std::string::npos) << r.out;
}

TEST(CliBackup, a_backup_refuses_to_overwrite_a_file_unless_forced) {
    Scratch s;
    make_data(s);
    s.write("copy.db", "yesterday's backup");
    const auto refused = s.kibaru({"backup", "copy.db"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("already exists"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
    EXPECT_EQ(s.read("copy.db"), "yesterday's backup");
    EXPECT_EQ(s.kibaru({"backup", "copy.db", "--force"}).exit_code, 0);
    EXPECT_EQ(sql_on(s, "copy.db", "SELECT count(*) FROM contacts").out, "3\n");
}

TEST(CliBackup, a_backup_never_overwrites_the_database_itself) {
    Scratch s;
    make_data(s);
    const auto r = s.kibaru({"backup", "kibaru.db", "--force"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("is the database itself"), std::string::npos) << r.err;
    EXPECT_EQ(s.kibaru({"audit", "verify"}).exit_code, 0);
}

TEST(CliRestore, a_restored_database_has_the_backups_rows_and_the_replaced_one_is_kept) {
    Scratch s;
    make_data(s);
    ASSERT_EQ(s.kibaru({"backup", "copy.db"}).exit_code, 0);
    const auto at_backup = rows(s, "copy.db");
    s.write("more.csv", "phone,name\n76000009,Bina\n");
    ASSERT_EQ(s.kibaru({"contacts", "import", "more.csv"}).exit_code, 0);
    const auto replaced = rows(s, "kibaru.db");
    ASSERT_NE(replaced, at_backup);

    const auto r = s.kibaru({"--now", "2019-02-01T10:00:00Z", "restore", "copy.db"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("integrity_check ok; audit chain intact"), std::string::npos) << r.out;
    EXPECT_EQ(sql_on(s, "kibaru.db", "SELECT count(*) FROM contacts").out, "3\n");
    EXPECT_EQ(s.sql("SELECT count(*) FROM contacts WHERE phone = '+22376000009'").out, "0\n");
    const auto kept = kept_files(s);
    ASSERT_EQ(kept, std::vector<std::string>{"kibaru.db.before-restore-20190201T100000Z"});
    EXPECT_NE(r.out.find(kept.front()), std::string::npos) << r.out;
    EXPECT_EQ(rows(s, kept.front()), replaced) << "the replaced database, whole";
    EXPECT_EQ(s.sql("SELECT count(*) FROM audit_log WHERE action = 'backup.restored'").out, "1\n");
    const auto verify = s.kibaru({"audit", "verify"});
    EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

TEST(CliRestore, a_copy_with_a_damaged_page_is_refused_and_nothing_changes) {
    Scratch s;
    make_data(s);
    ASSERT_EQ(s.kibaru({"backup", "copy.db"}).exit_code, 0);
    damage(s, "copy.db", "contacts");
    const auto before = rows(s, "kibaru.db");
    const auto r = s.kibaru({"restore", "copy.db"});
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_NE(r.err.find("is damaged"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nothing was changed"), std::string::npos) << r.err;
    EXPECT_EQ(rows(s, "kibaru.db"), before);
    EXPECT_TRUE(kept_files(s).empty());
}

TEST(CliRestore, a_copy_whose_audit_log_was_edited_is_refused) {
    Scratch s;
    make_data(s);
    ASSERT_EQ(s.kibaru({"backup", "copy.db"}).exit_code, 0);
    const auto tamper = sql_on(s, "copy.db",
                               "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = "
                               "'{\"rows\":0}' WHERE seq = 2");
    ASSERT_EQ(tamper.exit_code, 0) << tamper.err;
    const auto r = s.kibaru({"restore", "copy.db", "--format", "json"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    const auto out = json::parse(r.out);
    EXPECT_EQ(out["restored"], false);
    EXPECT_EQ(out["check"]["audit"]["broken_seq"], 2);
    EXPECT_NE(r.err.find("audit log broken at entry 2"), std::string::npos) << r.err;
    EXPECT_TRUE(kept_files(s).empty());
}

TEST(CliRestore, a_missing_file_is_named) {
    Scratch s;
    const auto r = s.kibaru({"restore", "nope.db"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("nope.db"), std::string::npos) << r.err;
}

// The daemon holds <database>.lock while it runs: a second daemon does not start, and a restore
// waits until it is stopped.
TEST(CliRestore, a_restore_is_refused_while_the_daemon_runs) {
    Scratch s;
    make_data(s);
    write_daemon_config(s);
    ASSERT_EQ(s.kibaru({"backup", "copy.db"}).exit_code, 0);
    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                       "2019-01-08T21:00:00Z", "daemon"},
                      s.dir(), {"KIBARU_CONFIG="});
    ASSERT_TRUE(eventually(
        [&] { return s.read("var/log/kibaru.log").find("daemon started") != std::string::npos; },
        20))
        << s.read(".kibaru.log");
    Background second({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "daemon"}, s.dir(),
                      {"KIBARU_CONFIG="});
    EXPECT_EQ(second.wait(20), 1) << "a second daemon on the same database";
    EXPECT_NE(s.read(".kibaru.log").find("another kibaru daemon is running"), std::string::npos)
        << s.read(".kibaru.log");
    const auto refused = s.kibaru({"restore", "copy.db"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("daemon is running"), std::string::npos) << refused.err;
    EXPECT_TRUE(kept_files(s).empty());
    EXPECT_EQ(daemon.stop(SIGTERM), 0);
    const auto r = s.kibaru({"restore", "copy.db"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliDaemon, a_damaged_database_stops_the_start_naming_the_file_and_restore) {
    Scratch s;
    make_data(s);
    write_daemon_config(s);
    damage(s, "kibaru.db", "contacts");
    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "daemon"}, s.dir(),
                      {"KIBARU_CONFIG="});
    EXPECT_EQ(daemon.wait(30), 1);
    const auto log = s.read(".kibaru.log");
    EXPECT_NE(log.find("database kibaru.db is damaged (quick_check"), std::string::npos) << log;
    EXPECT_NE(log.find("kibaru restore"), std::string::npos) << log;
}

TEST(CliConfig, an_unknown_synchronous_mode_exits_2_naming_the_key) {
    Scratch s;
    s.write("k.toml", "[database]\nsynchronous = \"sometimes\"\n");
    const auto r = s.kibaru({"--config", "k.toml", "status"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("k.toml:2: database.synchronous: must be \"full\""), std::string::npos)
        << r.err;
    s.write("n.toml", "[database]\nsynchronous = \"normal\"\n");
    EXPECT_EQ(s.kibaru({"--config", "n.toml", "status"}).exit_code, 0);
}
