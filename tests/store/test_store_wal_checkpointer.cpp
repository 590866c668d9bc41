// The writer's WAL checkpoints: where the policy puts them, and on real files that a backlog left
// by a long reader is copied into the database file beside the writer, not inside its commit.
#include "store/sqlite.hpp"
#include "store/wal_checkpointer.hpp"
#include "test_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

using namespace kibaru;
using namespace kibaru::store;

TEST(StoreWalCheckpointPolicy, a_short_wal_waits_for_the_automatic_size) {
    EXPECT_EQ(checkpoint_place(999, {}, 1000, 4096), CheckpointPlace::none);
    EXPECT_EQ(checkpoint_place(1000, {}, 1000, 4096), CheckpointPlace::in_commit);
}

TEST(StoreWalCheckpointPolicy, a_backlog_over_the_inline_limit_goes_to_the_thread) {
    EXPECT_EQ(checkpoint_place(4096, {}, 1000, 4096), CheckpointPlace::in_commit);
    EXPECT_EQ(checkpoint_place(4097, {}, 1000, 4096), CheckpointPlace::off_thread);
}

TEST(StoreWalCheckpointPolicy, frames_already_backfilled_are_no_backlog) {
    // A reader held the WAL at frame 2,000; 150,000 frames since: the backlog is the rest.
    EXPECT_EQ(wal_backlog(152'000, {151'990, 2'000}), 150'000);
    EXPECT_EQ(checkpoint_place(152'000, {151'990, 2'000}, 1000, 4096), CheckpointPlace::off_thread);
    // Someone copied it meanwhile: what was written since is small again.
    EXPECT_EQ(wal_backlog(152'300, {152'100, 152'000}), 300);
    EXPECT_EQ(checkpoint_place(152'300, {152'100, 152'000}, 1000, 4096),
              CheckpointPlace::in_commit);
}

TEST(StoreWalCheckpointPolicy, a_restarted_wal_is_backlog_from_its_first_frame) {
    EXPECT_EQ(wal_backlog(1'200, {152'300, 152'300}), 1'200);
    EXPECT_EQ(checkpoint_place(1'200, {152'300, 152'300}, 1000, 4096), CheckpointPlace::in_commit);
}

namespace {

class StoreWalCheckpointer : public ::testing::Test {
protected:
    void SetUp() override {
        writer = Database::open(file());
        writer->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)");
        writer->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    void TearDown() override { writer.reset(); }
    std::string file() const { return (dir / "live.db").string(); }
    std::uintmax_t file_size() const { return std::filesystem::file_size(file()); }
    // The database's size as the writer sees it, WAL included.
    std::uintmax_t logical_size() const {
        return static_cast<std::uintmax_t>(writer->scalar_int("PRAGMA page_count") *
                                           writer->scalar_int("PRAGMA page_size"));
    }
    // `commits` transactions of a 16 KB row each: some five frames each.
    void write(int commits) {
        for (int i = 0; i < commits; ++i) {
            writer->exec("INSERT INTO t (payload) VALUES (randomblob(16000))");
        }
    }
    // A reader's snapshot held over `commits` of the writer's, as a backup holds one: the WAL
    // cannot be checkpointed past it and grows.
    void backlog_under_a_snapshot(int commits) {
        auto reader = Database::open(file());
        reader->exec("BEGIN");
        reader->scalar_int("SELECT count(*) FROM t");
        write(commits);
        reader->exec("COMMIT");
    }

    test::TestDir scratch{"kibaru-wal"}; // first: removed after the rest
    const std::filesystem::path& dir = scratch.path();
    std::unique_ptr<Database> writer;
};

constexpr WalCheckpointer::Options k_small{100, 400, std::chrono::milliseconds{5}};

// Polls `done` until it holds or 20 s have passed (a bound for a slow machine, not a timing).
template <typename Done>
bool eventually(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    return true;
}

} // namespace

// What the checkpointer is for, shown without it: SQLite's automatic checkpoint copies the whole
// backlog inside the first commit after the snapshot ends.
TEST_F(StoreWalCheckpointer, without_it_the_next_commit_copies_the_backlog_itself) {
    writer->exec("PRAGMA wal_autocheckpoint = 100");
    backlog_under_a_snapshot(300);
    const auto before = file_size();
    write(1);
    EXPECT_GT(file_size(), before + 300 * 16000);
}

TEST_F(StoreWalCheckpointer, the_commit_after_a_snapshot_leaves_the_backlog_alone) {
    // The thread tries once while the snapshot holds the backlog, then not for a minute.
    auto options = k_small;
    options.pause = std::chrono::minutes{1};
    const WalCheckpointer checkpointer(*writer, core::Synchronous::full, options);
    ASSERT_TRUE(checkpointer.active());
    {
        auto reader = Database::open(file());
        reader->exec("BEGIN");
        reader->scalar_int("SELECT count(*) FROM t");
        write(300);
        // The thread's one try must fall while the snapshot still holds the backlog.
        ASSERT_TRUE(eventually([&] { return checkpointer.stats().off_thread >= 1; }));
        reader->exec("COMMIT");
    }
    const auto before = file_size();
    write(3);
    EXPECT_EQ(file_size(), before);
    const auto stats = checkpointer.stats();
    EXPECT_EQ(stats.off_thread, 1);
    EXPECT_GE(stats.in_commit, 1); // before the backlog passed the limit
}

TEST_F(StoreWalCheckpointer, the_thread_copies_the_backlog_and_commits_take_over_again) {
    const WalCheckpointer checkpointer(*writer, core::Synchronous::full, k_small);
    backlog_under_a_snapshot(300);
    write(1); // asks the thread
    EXPECT_TRUE(eventually([&] { return file_size() == logical_size(); }))
        << "the backlog was not copied into the file";
    EXPECT_GE(checkpointer.stats().off_thread, 1);
    // With the backlog gone, commits checkpoint in themselves again, and the WAL restarts: its
    // size in frames (a checkpoint's report, once no other checkpoint runs) is then that of some
    // 500 frames written since, not the backlog's 1,500 besides.
    const auto in_commit = checkpointer.stats().in_commit;
    write(100);
    EXPECT_GT(checkpointer.stats().in_commit, in_commit);
    std::int64_t wal_frames = -1;
    EXPECT_TRUE(eventually([&] {
        auto checkpoint = writer->prepare("PRAGMA wal_checkpoint(PASSIVE)");
        const bool busy = !checkpoint.step() || checkpoint.column_int(0) != 0;
        wal_frames = busy ? -1 : checkpoint.column_int(1);
        return !busy;
    }));
    EXPECT_GE(wal_frames, 0);
    EXPECT_LT(wal_frames, 1000);
}

TEST_F(StoreWalCheckpointer, once_gone_the_writers_own_automatic_checkpoint_is_back) {
    writer->exec("PRAGMA wal_autocheckpoint = 100");
    { const WalCheckpointer checkpointer(*writer, core::Synchronous::full, k_small); }
    EXPECT_EQ(writer->scalar_int("PRAGMA wal_autocheckpoint"), 100);
    backlog_under_a_snapshot(300);
    const auto before = file_size();
    write(1);
    EXPECT_GT(file_size(), before + 300 * 16000) << "SQLite's own checkpoint copied it";
}

TEST_F(StoreWalCheckpointer, an_in_memory_database_gets_no_thread) {
    auto memory = Database::open(":memory:");
    const WalCheckpointer checkpointer(*memory, core::Synchronous::full, k_small);
    EXPECT_FALSE(checkpointer.active());
    memory->exec("CREATE TABLE t (x)");
    EXPECT_EQ(checkpointer.stats().in_commit + checkpointer.stats().off_thread, 0);
}
