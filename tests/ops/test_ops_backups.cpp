// Backups and restores as operations, on database files in a scratch directory: what the CLI
// and the daemon's schedule call.
#include "ops/audit_trail.hpp"
#include "ops/backups.hpp"
#include "ops/database_lock.hpp"
#include "ops/restore.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "test_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace kibaru;
namespace fs = std::filesystem;

namespace {

class OpsBackups : public ::testing::Test {
protected:
    void SetUp() override {
        config.database.path = (dir / "live.db").string();
        config.backup.dir = (dir / "backups").string();
        config.backup.keep = 2;
        db = store::Database::open(config.database.path);
        store::migrate(*db);
        add_entry("first");
    }
    void TearDown() override { db.reset(); }
    ops::Env env(const char* at = "2026-12-01T03:00:00Z") {
        return ops::Env{*db, config, ops::Actor{"awa", ops::Role::admin}, *core::parse_instant(at)};
    }
    // An audit entry and a contact-like change: something a backup must carry.
    void add_entry(const std::string& subject) {
        store::Transaction tx(*db);
        ops::record(env(), "test.change", subject, nlohmann::json::object());
        tx.commit();
    }
    std::int64_t count(const std::string& action) {
        auto s = db->prepare("SELECT count(*) FROM audit_log WHERE action = ?");
        s.bind(1, action);
        return s.step() ? s.column_int(0) : -1;
    }
    std::vector<std::string> backups() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir / "backups")) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    test::TestDir scratch{"kibaru-ops-backup"}; // first: removed after the rest
    const std::filesystem::path& dir = scratch.path();
    core::Config config;
    std::unique_ptr<store::Database> db;
};

} // namespace

TEST_F(OpsBackups, a_backup_is_verified_then_named_and_audited_with_its_last_entry) {
    const auto head = db->scalar_int("SELECT seq FROM audit_head");
    const auto report = ops::back_up(env(), (dir / "copy.db").string(), {});
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_TRUE(report->written()) << report->verdict.problem();
    EXPECT_EQ(report->verdict.audit_seq, head);
    EXPECT_TRUE(report->verdict.audit.ok());
    EXPECT_GT(report->bytes, 0);
    EXPECT_FALSE(fs::exists(dir / "copy.db.partial"));
    EXPECT_EQ(count("backup.written"), 1);
    EXPECT_TRUE(ops::verify_copy((dir / "copy.db").string()).ok());
}

TEST_F(OpsBackups, a_backup_refuses_an_existing_file_unless_forced_and_never_the_database) {
    std::ofstream(dir / "copy.db") << "precious";
    const auto refused = ops::back_up(env(), (dir / "copy.db").string(), {});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ops::ErrorKind::conflict);
    EXPECT_NE(refused.error().message.find("--force"), std::string::npos);
    ops::BackupOptions force;
    force.force = true;
    EXPECT_TRUE(ops::back_up(env(), (dir / "copy.db").string(), force));
    const auto itself = ops::back_up(env(), config.database.path, force);
    ASSERT_FALSE(itself);
    EXPECT_EQ(itself.error().kind, ops::ErrorKind::conflict);
    const auto nowhere = ops::back_up(env(), (dir / "no" / "such" / "c.db").string(), {});
    ASSERT_FALSE(nowhere);
    EXPECT_EQ(nowhere.error().kind, ops::ErrorKind::invalid);
}

TEST_F(OpsBackups, scheduled_backups_are_named_by_time_rotated_to_keep_and_audited) {
    fs::create_directories(dir / "backups");
    std::ofstream(dir / "backups" / "hand-made.db") << "not ours";
    EXPECT_TRUE(ops::scheduled_backup_due(config, *core::parse_instant("2026-12-01T03:00:00Z")));
    for (const char* at :
         {"2026-12-01T03:00:00Z", "2026-12-02T03:00:00Z", "2026-12-03T03:00:10Z"}) {
        const auto taken = ops::take_scheduled_backup(*db, config, *core::parse_instant(at), {});
        ASSERT_TRUE(taken) << taken.error().message;
        ASSERT_TRUE(taken->report.written()) << taken->report.verdict.problem();
        ops::record_scheduled_backup(env(at), *taken);
        add_entry(at);
    }
    EXPECT_EQ(backups(), (std::vector<std::string>{"hand-made.db", "kibaru-20261202T0300Z.db",
                                                   "kibaru-20261203T0300Z.db"}));
    EXPECT_EQ(count("backup.written"), 3);
    EXPECT_EQ(count("backup.deleted"), 1);
    EXPECT_FALSE(ops::scheduled_backup_due(config, *core::parse_instant("2026-12-04T02:59:00Z")));
    EXPECT_TRUE(ops::scheduled_backup_due(config, *core::parse_instant("2026-12-04T03:00:00Z")));
    config.backup.every_hours = 0;
    EXPECT_FALSE(ops::scheduled_backup_due(config, *core::parse_instant("2027-01-01T00:00:00Z")));
}

TEST_F(OpsBackups, a_restore_puts_the_backups_rows_back_and_keeps_the_replaced_database) {
    ASSERT_TRUE(ops::back_up(env(), (dir / "copy.db").string(), {}));
    add_entry("after the backup");
    const auto live_entries = db->scalar_int("SELECT count(*) FROM audit_log");
    db.reset();
    const auto at = *core::parse_instant("2026-12-05T10:00:00Z");
    const auto report = ops::restore_backup(config, ops::Actor{"awa", ops::Role::admin}, at,
                                            (dir / "copy.db").string(), {});
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_TRUE(report->restored) << report->verdict.problem();
    EXPECT_EQ(report->kept, config.database.path + ".before-restore-20261205T100000Z");
    auto kept = store::Database::open_read_only(report->kept);
    EXPECT_EQ(kept->scalar_int("SELECT count(*) FROM audit_log"), live_entries);
    db = store::Database::open(config.database.path);
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM audit_log WHERE subject = 'after the backup'"),
              0);
    EXPECT_EQ(count("backup.restored"), 1);
    EXPECT_TRUE(ops::verify_copy(config.database.path).ok()) << "the chain goes on after it";
}

TEST_F(OpsBackups, a_restore_refuses_while_a_daemon_holds_the_lock) {
    ASSERT_TRUE(ops::back_up(env(), (dir / "copy.db").string(), {}));
    const auto daemon = ops::lock_database(config.database.path);
    ASSERT_TRUE(daemon);
    const auto report = ops::restore_backup(config, ops::Actor{"awa", ops::Role::admin},
                                            *core::parse_instant("2026-12-05T10:00:00Z"),
                                            (dir / "copy.db").string(), {});
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().kind, ops::ErrorKind::conflict);
    EXPECT_NE(report.error().message.find("daemon is running"), std::string::npos);
}

TEST_F(OpsBackups, a_copy_whose_audit_chain_was_edited_is_not_restored) {
    ASSERT_TRUE(ops::back_up(env(), (dir / "copy.db").string(), {}));
    {
        auto copy = store::Database::open((dir / "copy.db").string());
        copy->exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET subject = 'edited' "
                   "WHERE seq = 1");
    }
    db.reset();
    const auto report = ops::restore_backup(config, ops::Actor{"awa", ops::Role::admin},
                                            *core::parse_instant("2026-12-05T10:00:00Z"),
                                            (dir / "copy.db").string(), {});
    ASSERT_TRUE(report);
    EXPECT_FALSE(report->restored);
    EXPECT_NE(report->verdict.problem().find("audit log broken at entry 1"), std::string::npos)
        << report->verdict.problem();
    EXPECT_FALSE(fs::exists(config.database.path + ".before-restore-20261205T100000Z"));
}
