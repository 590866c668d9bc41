// Delivery reports applied in batches, in process on a real SQLite file: one transaction and
// one seal per turn of the loop, nothing acknowledged before its commit, a busy database
// deferring every report (the gateway sends them again), and one refused report not taking
// its neighbours down with it.
#include "net/asio.hpp"
#include "store/campaigns_repo.hpp"
#include "store/contacts_repo.hpp"
#include "store/deliveries_repo.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "test_dir.hpp"
#include "web/loop_batch.hpp"
#include "web/report_batch.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace kibaru;

namespace {

class ReportBatchTest : public ::testing::Test {
protected:
    void SetUp() override {
        db = store::Database::open((dir / "k.db").string(), 100);
        store::migrate(*db);
        for (const char* phone : {"+22376000001", "+22376000002", "+22376000003"}) {
            core::Contact c;
            c.phone = phone;
            c.commodities = "sesame";
            store::ContactUpserter(*db, {true, true, true, true, true, true, true, true}, "t")
                .upsert(c);
        }
        core::Campaign campaign;
        campaign.name = "s";
        campaign.commodity = "sesame";
        campaign.start_date = "2019-01-07";
        campaign.created_at = campaign.updated_at = "t";
        campaign.id = store::CampaignsRepo(*db).create(campaign);
        store::DeliveriesRepo repo(*db);
        repo.open_week(campaign, 1, "o", "c", "t", 0);
        for (std::int64_t id = 1; id <= 3; ++id) {
            repo.apply(
                {{.id = id, .state = core::DeliveryState::sending, .attempt = 1, .segments = 1}},
                "t");
            repo.apply({{.id = id, .state = core::DeliveryState::sent, .attempt = 1}}, "t");
        }
    }
    void TearDown() override { db.reset(); }

    core::DeliveryReport delivered(const std::string& ref) {
        core::DeliveryReport r;
        r.ref = ref;
        r.state = core::DeliveryState::delivered;
        r.smsc_id = "smsc-" + ref;
        r.detail = "delivered (SMSC id smsc-" + ref + ")";
        return r;
    }
    std::string states() {
        auto s = db->prepare("SELECT group_concat(state) FROM (SELECT state FROM deliveries "
                             "ORDER BY id)");
        return s.step() ? s.column_text(0) : "";
    }
    std::int64_t seals() {
        return db->scalar_int(
            "SELECT count(*) FROM audit_log WHERE action = 'delivery_events.sealed'");
    }

    // Each batch's Env: this database, the default config, a fixed instant.
    std::function<ops::Env()> env() {
        return [this] {
            return ops::Env{*db, config, ops::Actor{"inbound", ops::Role::staff},
                            *core::parse_instant("2019-01-08T09:00:00Z")};
        };
    }

    test::TestDir scratch{"kibaru-batch"}; // first: removed after the rest
    const std::filesystem::path& dir = scratch.path();
    std::unique_ptr<store::Database> db;
    core::Config config;
    boost::asio::io_context io;
};

} // namespace

TEST_F(ReportBatchTest, reports_of_one_turn_share_one_transaction_and_one_seal) {
    web::ReportBatch batch(io, env());
    const auto seals_before = seals();
    std::vector<std::string> answers;
    for (const char* ref : {"1", "2", "3", "99"}) {
        batch.add(delivered(ref), [&](const store::ReportResult* r) {
            // Answered only once committed: another connection already sees the change.
            auto other = store::Database::open((dir / "k.db").string());
            auto s = other->prepare("SELECT count(*) FROM deliveries WHERE state = 'delivered'");
            s.step();
            answers.push_back(!r         ? "deferred"
                              : r->found ? std::string(core::to_string(r->to_state)) + "/" +
                                               std::to_string(s.column_int(0))
                                         : "unknown");
        });
    }
    EXPECT_TRUE(answers.empty()) << "nothing is answered before the batch commits";
    io.run();
    EXPECT_EQ(answers,
              (std::vector<std::string>{"delivered/3", "delivered/3", "delivered/3", "unknown"}));
    EXPECT_EQ(states(), "delivered,delivered,delivered");
    EXPECT_EQ(seals() - seals_before, 1);
    EXPECT_EQ(batch.batches(), 1u);
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM deliveries WHERE smsc_id = 'smsc-' || id"), 3)
        << "the SMSC's message id is kept on each delivery";
}

TEST_F(ReportBatchTest, a_busy_database_defers_every_report_and_writes_nothing) {
    web::ReportBatch batch(io, env());
    auto holder = store::Database::open((dir / "k.db").string());
    holder->exec("BEGIN IMMEDIATE"); // another writer holds the lock past our busy timeout
    int deferred = 0;
    for (const char* ref : {"1", "2"}) {
        batch.add(delivered(ref), [&](const store::ReportResult* r) { deferred += r == nullptr; });
    }
    io.run();
    holder->exec("ROLLBACK");
    EXPECT_EQ(deferred, 2);
    EXPECT_EQ(states(), "sent,sent,sent");
    // Sent again once the database is free, they are applied.
    io.restart();
    int applied = 0;
    for (const char* ref : {"1", "2"}) {
        batch.add(delivered(ref), [&](const store::ReportResult* r) { applied += r && r->found; });
    }
    io.run();
    EXPECT_EQ(applied, 2);
    EXPECT_EQ(states(), "delivered,delivered,sent");
}

TEST_F(ReportBatchTest, a_report_the_database_refuses_does_not_fail_its_neighbours) {
    db->exec("CREATE TRIGGER refuse_two BEFORE INSERT ON delivery_events WHEN "
             "NEW.delivery_id = 2 BEGIN SELECT RAISE(ABORT, 'refused for the test'); END");
    web::ReportBatch batch(io, env());
    std::vector<std::string> answers;
    for (const char* ref : {"1", "2", "3"}) {
        batch.add(delivered(ref), [&](const store::ReportResult* r) {
            answers.push_back(r ? std::string(core::to_string(r->to_state)) : "deferred");
        });
    }
    io.run();
    EXPECT_EQ(answers, (std::vector<std::string>{"delivered", "deferred", "delivered"}));
    EXPECT_EQ(states(), "delivered,sent,delivered");
}

// The pace the callback listener gives incoming SMS while a week is being sent: items wait for
// it and are applied together; without a pace, once the loop has handled what was ready.
TEST(LoopBatchPace, items_wait_for_the_pace_then_go_as_one_batch) {
    boost::asio::io_context io;
    std::vector<std::vector<int>> batches;
    std::chrono::milliseconds pace{50};
    web::LoopBatch<int, int> batch(
        io, "numbers",
        [&](const std::vector<int>& items) {
            batches.push_back(items);
            return items;
        },
        [&] { return pace; });
    std::vector<int> answered;
    for (int i = 1; i <= 3; ++i) {
        batch.add(i, [&](const int* outcome) { answered.push_back(outcome ? *outcome : -1); });
    }
    io.poll(); // every handler ready now has run
    EXPECT_TRUE(batches.empty()) << "applied before the pace";
    io.run_for(std::chrono::milliseconds{500});
    ASSERT_EQ(batches.size(), 1u);
    EXPECT_EQ(batches[0], (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(answered, (std::vector<int>{1, 2, 3}));

    pace = std::chrono::milliseconds{0}; // the week is sent: at once
    io.restart();
    batch.add(4, [&](const int* outcome) { answered.push_back(outcome ? *outcome : -1); });
    io.poll();
    EXPECT_EQ(batches.size(), 2u);
    EXPECT_EQ(answered.back(), 4);
}
