// The daemon's scheduled backups on a real loop and real files, with looks a few milliseconds
// apart instead of ten minutes, and a clock the test moves by days.
#include "app/backup_schedule.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "test_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

using namespace kibaru;
namespace fs = std::filesystem;

namespace {

class AppBackupSchedule : public ::testing::Test {
protected:
    void SetUp() override {
        config.database.path = (dir / "live.db").string();
        config.backup.keep = 2;
        db = store::Database::open(config.database.path);
        store::migrate(*db);
    }
    void TearDown() override { db.reset(); }
    std::vector<std::string> backups() const {
        std::vector<std::string> names;
        std::error_code ec;
        for (fs::directory_iterator it(dir / "backups", ec), end; !ec && it != end; ++it) {
            names.push_back(it->path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }
    std::int64_t audited(const std::string& action) {
        auto s = db->prepare("SELECT count(*) FROM audit_log WHERE action = ?");
        s.bind(1, action);
        return s.step() ? s.column_int(0) : -1;
    }
    // Runs the loop until `done` holds, for up to 20 s. The loop runs out of work while a
    // backup's thread copies (its outcome is posted when it ends): wait, then run it again.
    bool run_until(const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_for(std::chrono::milliseconds(20));
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return done();
    }

    test::TestDir scratch{"kibaru-schedule"}; // first: removed after the rest
    const std::filesystem::path& dir = scratch.path();
    core::Config config;
    std::unique_ptr<store::Database> db;
    boost::asio::io_context io;
    core::Instant now = *core::parse_instant("2026-12-01T03:00:00Z");
};

const app::BackupSchedule::Timing k_fast{std::chrono::milliseconds(5),
                                         std::chrono::milliseconds(5)};

} // namespace

TEST_F(AppBackupSchedule, takes_one_when_due_keeps_the_newest_and_audits_each) {
    app::BackupSchedule schedule(
        io, *db, config, "kibaru", [this] { return now; }, k_fast);
    schedule.start();
    ASSERT_TRUE(run_until([&] { return audited("backup.written") == 1; }));
    EXPECT_EQ(backups(), std::vector<std::string>{"kibaru-20261201T0300Z.db"});

    now += std::chrono::hours(23); // not due yet: nothing more
    io.restart();
    io.run_for(std::chrono::milliseconds(200));
    EXPECT_EQ(audited("backup.written"), 1);

    for (int day = 2; day <= 3; ++day) {
        now += std::chrono::hours(24);
        ASSERT_TRUE(run_until([&] { return audited("backup.written") == day; }));
    }
    EXPECT_EQ(backups(),
              (std::vector<std::string>{"kibaru-20261203T0200Z.db", "kibaru-20261204T0200Z.db"}));
    EXPECT_EQ(audited("backup.deleted"), 1);
    schedule.stop();
}

TEST_F(AppBackupSchedule, every_hours_zero_takes_none) {
    config.backup.every_hours = 0;
    app::BackupSchedule schedule(
        io, *db, config, "kibaru", [this] { return now; }, k_fast);
    schedule.start();
    io.run_for(std::chrono::milliseconds(200));
    EXPECT_TRUE(backups().empty());
    EXPECT_EQ(audited("backup.written"), 0);
}
