// End-to-end: configuration errors and global options.
#include "cli_runner.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using kibaru::test::Scratch;

TEST(CliConfig, unknown_key_exits_2_naming_the_key_and_line) {
    Scratch s;
    s.write("k.toml", "[gateway]\nprofile = \"kannel\"\nrate_per_secnd = 10\n");
    const auto r = s.kibaru({"--config", "k.toml", "status"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("k.toml:3: gateway.rate_per_secnd: unknown key"), std::string::npos)
        << r.err;
}

TEST(CliConfig, wrong_type_exits_2) {
    Scratch s;
    s.write("k.toml", "[log]\nmask_phones = \"yes\"\n");
    const auto r = s.kibaru({"--config", "k.toml", "status"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("k.toml:2: log.mask_phones: must be true or false"), std::string::npos);
}

TEST(CliConfig, config_comes_from_the_environment_variable) {
    Scratch s;
    s.write("k.toml", "[contacts]\ndefault_region = \"SN\"\n");
    s.write("sn.csv", "phone\n77 123 45 67\n");
    const auto r = s.kibaru({"contacts", "import", "sn.csv"}, {"KIBARU_CONFIG=k.toml"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(s.sql("SELECT phone FROM contacts").out, "+221771234567\n");
}

TEST(CliConfig, missing_config_file_exits_2) {
    Scratch s;
    EXPECT_EQ(s.kibaru({"--config", "nope.toml", "status"}).exit_code, 2);
}

TEST(CliConfig, usage_errors_exit_2) {
    Scratch s;
    EXPECT_EQ(s.kibaru({"no-such-command"}).exit_code, 2);
    EXPECT_EQ(s.kibaru({"contacts", "import"}).exit_code, 2);
    EXPECT_EQ(s.kibaru({"--now", "yesterday", "status"}).exit_code, 2);
}

TEST(CliConfig, help_documents_every_command_and_exits_0) {
    Scratch s;
    const auto r = s.kibaru({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char* command : {"contacts", "init", "status", "audit"}) {
        EXPECT_NE(r.out.find(command), std::string::npos) << command;
    }
    const auto sub = s.kibaru({"contacts", "import", "--help"});
    EXPECT_EQ(sub.exit_code, 0);
    EXPECT_NE(sub.out.find("--strict"), std::string::npos);
}

TEST(CliConfig, phones_are_masked_in_the_log_file) {
    Scratch s;
    s.write("a.csv", "phone\n76123456\n");
    s.kibaru({"contacts", "import", "a.csv"});
    s.kibaru({"-v", "contacts", "optout", "76123456"});
    s.kibaru({"contacts", "list"});
    const auto log = s.read("var/log/kibaru.log");
    EXPECT_NE(log.find("imported a.csv"), std::string::npos) << log;
    EXPECT_EQ(log.find("+22376123456"), std::string::npos) << log;
}

TEST(CliConfig, init_creates_the_database_owner_only) {
    Scratch s;
    const auto r = s.kibaru({"--db", "data/k.db", "init"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("schema version"), std::string::npos);
    const auto perms = std::filesystem::status(s.path("data/k.db")).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);
}

TEST(CliConfig, a_database_newer_than_the_binary_is_refused_with_exit_1) {
    Scratch s;
    s.kibaru({"init"});
    s.sql("PRAGMA user_version = 999");
    const auto r = s.kibaru({"status"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("newer than this kibaru"), std::string::npos) << r.err;
}

// During an upgrade the daemon of the version before still runs (it holds kibaru.db.lock) while
// the new binary is already installed: a command of the new one must not migrate the tables
// under it. (The older schema is stood for by user_version one below this build's.)
TEST(CliConfig, a_database_to_migrate_is_left_alone_while_a_daemon_holds_its_lock) {
    Scratch s;
    ASSERT_EQ(s.kibaru({"init"}).exit_code, 0);
    const int current = std::stoi(s.sql("PRAGMA user_version").out);
    s.sql("PRAGMA user_version = " + std::to_string(current - 1));
    const int fd = ::open(s.path("kibaru.db.lock").c_str(), O_RDONLY | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
    const auto r = s.kibaru({"contacts", "list"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("another kibaru process holds"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("systemctl restart kibaru"), std::string::npos) << r.err;
    EXPECT_EQ(std::stoi(s.sql("PRAGMA user_version").out), current - 1) << "not migrated";
    EXPECT_EQ(s.sql("SELECT count(*) FROM audit_log WHERE action = 'database.migrate'").out, "1\n")
        << "only init's migration is audited";
    ::close(fd);
    // A database at this build's schema needs no lock: commands run beside a daemon as ever.
    s.sql("PRAGMA user_version = " + std::to_string(current));
    const int held = ::open(s.path("kibaru.db.lock").c_str(), O_RDONLY);
    ASSERT_EQ(::flock(held, LOCK_EX | LOCK_NB), 0);
    EXPECT_EQ(s.kibaru({"contacts", "list"}).exit_code, 0);
    ::close(held);
}
