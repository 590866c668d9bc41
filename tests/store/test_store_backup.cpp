// Copies with SQLite's online backup, the checks of a file's pages, and the connection's
// durability setting, on real files in a scratch directory.
#include "store/backup.hpp"
#include "store/integrity.hpp"
#include "store/sqlite.hpp"
#include "test_dir.hpp"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace kibaru;
using namespace kibaru::store;

namespace {

class StoreBackup : public ::testing::Test {
protected:
    void SetUp() override {
        source = Database::open(path("live.db"));
        source->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)");
        source->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                     "2000) INSERT INTO t (payload) SELECT hex(randomblob(300)) FROM n");
    }
    void TearDown() override { source.reset(); }
    std::string path(const std::string& name) const { return (dir / name).string(); }

    test::TestDir scratch{"kibaru-backup"}; // first: removed after the rest
    const std::filesystem::path& dir = scratch.path();
    std::unique_ptr<Database> source;
};

// Writes garbage over page `page` (1-based) of the file `file`.
void overwrite_page(const std::string& file, std::int64_t page, std::int64_t page_size) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((page - 1) * page_size);
    const std::string garbage(static_cast<std::size_t>(page_size), '\x55');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

} // namespace

// Without a snapshot held across steps, SQLite restarts the copy at every commit made through
// another connection, and a daemon committing all the time would never let it finish.
TEST_F(StoreBackup, a_copy_finishes_while_another_connection_commits_and_holds_one_snapshot) {
    auto writer = Database::open(path("live.db"));
    CopyOptions options;
    options.pages_per_step = 8;
    options.pause = std::chrono::milliseconds(0);
    int steps = 0;
    options.progress = [&](std::int64_t copied, std::int64_t total) {
        ++steps;
        EXPECT_LE(copied, total);
        ASSERT_LT(steps, 10000) << "the copy keeps restarting";
        writer->exec("INSERT INTO t (payload) VALUES ('written during the copy')");
    };
    const auto stats = write_database_file(*source, path("copy.db"), options);
    EXPECT_GT(steps, 10);
    EXPECT_GT(stats.pages, 100);
    auto copy = Database::open_read_only(path("copy.db"));
    EXPECT_EQ(copy->scalar_int("SELECT count(*) FROM t"), 2000) << "the snapshot, whole";
    EXPECT_EQ(writer->scalar_int("SELECT count(*) FROM t"), 2000 + steps) << "writes went on";
}

// While the copy holds its snapshot, nothing can move the WAL written meanwhile into the database
// file; the copy does it once its snapshot ends, so that the daemon's next commit does not have
// to, with every request waiting.
TEST_F(StoreBackup, the_copy_moves_the_wal_written_during_it_into_the_database_file) {
    auto writer = Database::open(path("live.db"));
    writer->exec("PRAGMA wal_autocheckpoint = 0"); // this writer never checkpoints by itself
    writer->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto before = std::filesystem::file_size(path("live.db"));
    CopyOptions options;
    options.pages_per_step = 64;
    options.pause = std::chrono::milliseconds(0);
    bool wrote = false;
    options.progress = [&](std::int64_t, std::int64_t) {
        if (!wrote) {
            wrote = true;
            writer->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i "
                         "< 1000) INSERT INTO t (payload) SELECT hex(randomblob(1000)) FROM n");
        }
    };
    write_database_file(*source, path("copy.db"), options);
    ASSERT_TRUE(wrote);
    const auto pages = writer->scalar_int("PRAGMA page_count");
    const auto page_size = writer->scalar_int("PRAGMA page_size");
    EXPECT_GT(std::filesystem::file_size(path("live.db")), before + 1000 * 2000)
        << "the pages written during the copy are still only in the WAL";
    EXPECT_EQ(std::filesystem::file_size(path("live.db")),
              static_cast<std::uintmax_t>(pages * page_size));
    EXPECT_EQ(Database::open_read_only(path("copy.db"))->scalar_int("SELECT count(*) FROM t"), 2000)
        << "the copy is the snapshot";
}

TEST_F(StoreBackup, a_written_copy_is_one_self_contained_file) {
    write_database_file(*source, path("copy.db"), {});
    EXPECT_FALSE(std::filesystem::exists(path("copy.db-wal")));
    EXPECT_FALSE(std::filesystem::exists(path("copy.db-journal")));
    auto copy = Database::open_read_only(path("copy.db"));
    EXPECT_EQ(copy->scalar_int("SELECT count(*) FROM t"), 2000);
    auto mode = copy->prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.column_text(0), "delete");
}

TEST_F(StoreBackup, a_cancelled_copy_throws_and_leaves_no_file) {
    std::atomic<bool> cancel{false};
    CopyOptions options;
    options.pages_per_step = 4;
    options.cancel = &cancel;
    options.progress = [&](std::int64_t, std::int64_t) { cancel = true; };
    try {
        write_database_file(*source, path("copy.db"), options);
        FAIL() << "not cancelled";
    } catch (const StoreError& e) {
        EXPECT_EQ(e.code(), SQLITE_INTERRUPT);
    }
    EXPECT_FALSE(std::filesystem::exists(path("copy.db")));
}

TEST_F(StoreBackup, a_copy_replaces_the_whole_target_in_place) {
    auto target = Database::open(path("target.db"));
    target->exec("CREATE TABLE other (x)");
    auto reader = Database::open(path("target.db")); // another connection stays valid
    const auto stats = copy_database(*source, *target, {});
    EXPECT_GT(stats.pages, 0);
    EXPECT_EQ(reader->scalar_int("SELECT count(*) FROM t"), 2000);
    EXPECT_EQ(reader->scalar_int("SELECT count(*) FROM sqlite_schema WHERE name = 'other'"), 0);
    auto mode = target->prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.column_text(0), "wal") << "the target keeps its journal mode";
}

TEST_F(StoreBackup, a_published_file_appears_whole_under_its_name) {
    write_database_file(*source, path("copy.db.partial"), {});
    publish_file(path("copy.db.partial"), path("copy.db"));
    EXPECT_FALSE(std::filesystem::exists(path("copy.db.partial")));
    EXPECT_TRUE(
        integrity_problems(*Database::open_read_only(path("copy.db")), Check::full).empty());
}

TEST_F(StoreBackup, both_checks_find_a_page_of_garbage_and_pass_a_sound_file) {
    write_database_file(*source, path("copy.db"), {});
    {
        auto sound = Database::open_read_only(path("copy.db"));
        EXPECT_TRUE(integrity_problems(*sound, Check::quick).empty());
        EXPECT_TRUE(integrity_problems(*sound, Check::full).empty());
    }
    const auto page_size = source->scalar_int("PRAGMA page_size");
    const auto pages = source->scalar_int("PRAGMA page_count");
    overwrite_page(path("copy.db"), pages / 2, page_size);
    auto damaged = Database::open_read_only(path("copy.db"));
    EXPECT_FALSE(integrity_problems(*damaged, Check::quick).empty());
    EXPECT_FALSE(integrity_problems(*damaged, Check::full).empty());
}

TEST_F(StoreBackup, a_file_that_is_no_database_is_one_problem_not_an_exception) {
    std::ofstream(path("junk.db"), std::ios::binary) << std::string(8192, 'x');
    try {
        auto junk = Database::open_read_only(path("junk.db"));
        EXPECT_FALSE(integrity_problems(*junk, Check::quick).empty());
    } catch (const StoreError& e) {
        EXPECT_TRUE(is_damage(e.code())) << e.what();
    }
}

TEST_F(StoreBackup, a_flag_interrupts_a_long_statement) {
    std::atomic<bool> stop{true};
    source->interrupt_when(&stop);
    try {
        source->scalar_int("SELECT count(*) FROM t a, t b");
        FAIL() << "not interrupted";
    } catch (const StoreError& e) {
        EXPECT_EQ(e.code() & 0xff, SQLITE_INTERRUPT);
    }
    source->interrupt_when(nullptr);
    EXPECT_EQ(source->scalar_int("SELECT count(*) FROM t"), 2000);
}

TEST_F(StoreBackup, synchronous_is_full_unless_normal_is_asked_for) {
    EXPECT_EQ(source->scalar_int("PRAGMA synchronous"), 2); // FULL
    auto normal = Database::open(path("live.db"), 5000, core::Synchronous::normal);
    EXPECT_EQ(normal->scalar_int("PRAGMA synchronous"), 1); // NORMAL
}
