// The scheduled backups' names and rotation, without files or clocks.
#include "core/backup_plan.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

namespace {

Instant at(const char* text) {
    return *parse_instant(text);
}

} // namespace

TEST(CoreBackupPlan, names_carry_the_utc_minute_and_read_back) {
    EXPECT_EQ(backup_file_name(at("2026-12-01T03:00:42Z")), "kibaru-20261201T0300Z.db");
    EXPECT_EQ(parse_backup_file_name("kibaru-20261201T0300Z.db"), at("2026-12-01T03:00:00Z"));
}

TEST(CoreBackupPlan, other_names_are_not_backups) {
    for (const char* name :
         {"kibaru.db", "kibaru-20261201T0300Z.db.partial", "kibaru-20261301T0300Z.db",
          "kibaru-20261201T2400Z.db", "kibaru-2026120T10300Z.db", "before-upgrade.db",
          "kibaru-20261201T0300.db", "Kibaru-20261201T0300Z.db", "kibaru-20260229T0000Z.db"}) {
        EXPECT_FALSE(parse_backup_file_name(name)) << name;
    }
}

TEST(CoreBackupPlan, keeps_the_newest_and_deletes_the_oldest_first) {
    const std::vector<std::string> names = {"kibaru-20261203T0300Z.db", "notes.txt",
                                            "kibaru-20261201T0300Z.db", "kibaru-20261204T0300Z.db",
                                            "kibaru-20261202T0300Z.db"};
    EXPECT_EQ(backups_to_delete(names, 2),
              (std::vector<std::string>{"kibaru-20261201T0300Z.db", "kibaru-20261202T0300Z.db"}));
    EXPECT_TRUE(backups_to_delete(names, 4).empty());
    EXPECT_TRUE(backups_to_delete(names, 14).empty());
}

TEST(CoreBackupPlan, never_deletes_the_last_backup_nor_other_files) {
    const std::vector<std::string> names = {"kibaru-20261201T0300Z.db", "kibaru.db",
                                            "kibaru-20261202T0300Z.db", "hand-made.db"};
    EXPECT_EQ(backups_to_delete(names, 0), std::vector<std::string>{"kibaru-20261201T0300Z.db"});
    EXPECT_TRUE(backups_to_delete({"kibaru.db", "hand-made.db"}, 1).empty());
}

TEST(CoreBackupPlan, one_is_due_when_the_newest_is_every_hours_old_or_there_is_none) {
    const std::vector<std::string> names = {"kibaru-20261201T0300Z.db", "kibaru-20261130T0300Z.db"};
    EXPECT_FALSE(backup_due(names, at("2026-12-02T02:59:59Z"), 24));
    EXPECT_TRUE(backup_due(names, at("2026-12-02T03:00:00Z"), 24));
    EXPECT_TRUE(backup_due({"notes.txt"}, at("2026-12-02T03:00:00Z"), 24));
    EXPECT_TRUE(backup_due({}, at("2026-12-02T03:00:00Z"), 1));
}

TEST(CoreBackupPlan, every_hours_zero_means_never) {
    EXPECT_FALSE(backup_due({}, at("2026-12-02T03:00:00Z"), 0));
}

// A backup stamped after now (the clock was wrong when it was taken) would otherwise stop the
// schedule until the clock caught up with it.
TEST(CoreBackupPlan, a_backup_stamped_in_the_future_does_not_count) {
    const std::vector<std::string> names = {"kibaru-20301201T0300Z.db", "kibaru-20261130T0300Z.db"};
    EXPECT_EQ(newest_backup(names, at("2026-12-02T03:00:00Z")), at("2026-11-30T03:00:00Z"));
    EXPECT_TRUE(backup_due(names, at("2026-12-02T03:00:00Z"), 24));
}
