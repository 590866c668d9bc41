// The WAL checkpointed on a thread of its own, on a real file: the writer's commits no longer
// copy pages into the database file, the thread does, and removing it gives the writer back its
// own checkpoints. Whether pages reached the database file shows in the file's size.
#include "store/sqlite.hpp"
#include "store/wal_checkpointer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <unistd.h>

using namespace kibaru::store;

namespace {

class StoreWalCheckpointer : public ::testing::Test {
protected:
    void SetUp() override {
        dir = std::filesystem::temp_directory_path() /
              ("kibaru-wal-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        writer = Database::open(file());
        writer->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)");
    }
    void TearDown() override {
        writer.reset();
        std::filesystem::remove_all(dir);
    }
    std::string file() const { return (dir / "live.db").string(); }
    std::uintmax_t file_size() const { return std::filesystem::file_size(file()); }

    // `commits` transactions of about 100 KB each (some 25 pages of 4 KB).
    void commit_rows(int commits) {
        for (int i = 0; i < commits; ++i) {
            writer->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i "
                         "< 300) INSERT INTO t (payload) SELECT hex(randomblob(160)) FROM n");
        }
    }

    std::filesystem::path dir;
    std::unique_ptr<Database> writer;
};

} // namespace

TEST_F(StoreWalCheckpointer, the_writers_commits_no_longer_checkpoint_until_it_is_removed) {
    const auto before = file_size();
    {
        WalCheckpointerOptions options;
        options.pages = 1'000'000; // the thread is never asked
        WalCheckpointer checkpointer(*writer, options);
        commit_rows(80); // some 2,000 pages: twice SQLite's automatic checkpoint
        EXPECT_EQ(file_size(), before) << "a commit of the writer's copied pages itself";
        EXPECT_EQ(checkpointer.checkpoints(), 0);
        EXPECT_EQ(writer->scalar_int("SELECT count(*) FROM t"), 80 * 300);
    }
    commit_rows(1); // the writer's own checkpoints are back
    EXPECT_GT(file_size(), before + 1'000'000);
}

// The counter-test of the one above: the same commits without a checkpointer grow the file.
TEST_F(StoreWalCheckpointer, without_one_the_same_commits_checkpoint_in_the_writer) {
    const auto before = file_size();
    commit_rows(80);
    EXPECT_GT(file_size(), before + 1'000'000);
}

TEST_F(StoreWalCheckpointer, the_thread_copies_the_wal_into_the_file_once_it_is_big_enough) {
    WalCheckpointerOptions options;
    options.pages = 50;
    std::string failure;
    options.on_failure = [&failure](const std::string& message) { failure = message; };
    WalCheckpointer checkpointer(*writer, options);
    const auto before = file_size();
    commit_rows(10); // some 250 pages
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((checkpointer.checkpoints() == 0 || file_size() < before + 500'000) &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GE(checkpointer.checkpoints(), 1);
    EXPECT_GT(file_size(), before + 500'000);
    EXPECT_EQ(failure, "");
    auto reader = Database::open(file());
    EXPECT_EQ(reader->scalar_int("SELECT count(*) FROM t"), 10 * 300);
}

TEST_F(StoreWalCheckpointer, an_in_memory_database_is_left_alone) {
    auto memory = Database::open(":memory:");
    WalCheckpointer checkpointer(*memory, {});
    memory->exec("CREATE TABLE u (x)");
    EXPECT_EQ(checkpointer.checkpoints(), 0);
}
