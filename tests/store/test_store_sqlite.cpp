// The connection layer itself: a second connection opened in the same process must not drop
// the first one's locks (POSIX locks belong to the process: closing any descriptor of the file
// releases them all), or another process closing its own connection would take itself for the
// last one, checkpoint and delete the WAL under our feet, and our later commits would vanish.
#include "store/sqlite.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

using namespace kibaru::store;

TEST(StoreSqlite, a_second_connection_keeps_the_first_ones_commits_visible_to_others) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("kibaru-sqlite-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = (dir / "k.db").string();
    auto first = Database::open(path);
    first->exec("CREATE TABLE t (x INTEGER)");
    first->exec("INSERT INTO t VALUES (1)");
    auto second = Database::open(path); // as the console's workers open theirs
    second->scalar_int("SELECT count(*) FROM t");
    // Another process opens and closes the file (an auditor's sqlite3, a CLI command).
    ASSERT_EQ(std::system(("sqlite3 " + path + " 'SELECT count(*) FROM t' >/dev/null").c_str()), 0);
    EXPECT_TRUE(std::filesystem::exists(path + "-wal")) << "the WAL is still ours";
    first->exec("INSERT INTO t VALUES (2)");
    const std::string seen = dir / "seen.txt";
    ASSERT_EQ(std::system(("sqlite3 " + path + " 'SELECT count(*) FROM t' > " + seen).c_str()), 0);
    EXPECT_EQ(std::system(("grep -qx 2 " + seen).c_str()), 0) << "the later commit is visible";
    second.reset();
    first.reset();
    std::filesystem::remove_all(dir);
}
