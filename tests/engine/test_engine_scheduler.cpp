// The scheduler in process, on an in-memory database, driven through the weeks by the instant
// it is given: weeks open at their hour with their audience fixed, close a week later expiring
// what was never sent, every step audited and its events sealed; deliveries an earlier stop left
// in flight become unknown, or are queued again under resend_unknown = "always".
#include "../ops/ops_fixture.hpp"
#include "engine/scheduler.hpp"
#include "ops/campaigns.hpp"
#include "ops/contact_import.hpp"
#include "store/audit_log.hpp"
#include "store/deliveries_repo.hpp"
#include "store/event_seal.hpp"

#include <sstream>

using namespace kibaru;

namespace {

class Quiet final : public ops::ImportListener {
public:
    void problem(const ops::ImportProblem&) override {}
};

class SchedulerTest : public test::OpsTest {
protected:
    void SetUp() override {
        OpsTest::SetUp();
        std::istringstream csv("phone,name,commodities,language\n76000001,Awa,sesame,fr\n"
                               "76000002,Moussa,sesame,fr\n76000003,Fanta,sesame,bm\n");
        Quiet quiet;
        ASSERT_TRUE(ops::import_contacts(env(), csv, "c.csv", {}, quiet));
        core::Campaign c;
        c.name = "Sésame";
        c.commodity = "sesame";
        c.start_date = "2019-01-07"; // week 1 opens Tuesday 8 January, 08:00 in Bamako (UTC)
        ASSERT_TRUE(ops::create_campaign(env(), c));
    }
    // Claims deliveries as the dispatcher does (sending, with their events), so that a stop
    // can leave them in flight.
    void claim(const std::vector<std::int64_t>& ids) {
        const std::string now = "2019-01-08T08:01:00Z";
        store::DeliveryTransaction tx(*db, now, "test");
        std::vector<store::Transition> claims;
        for (const auto id : ids) {
            claims.push_back({.id = id,
                              .state = core::DeliveryState::sending,
                              .attempt = 1,
                              .segments = 1,
                              .from = {core::DeliveryState::pending}});
        }
        store::DeliveriesRepo(*db).apply(claims, now);
        tx.commit();
    }
    static engine::Millis at(const std::string& utc) {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(*core::parse_instant(utc));
    }
    engine::EngineStats stats;
};

} // namespace

TEST_F(SchedulerTest, weeks_open_at_their_hour_and_close_a_week_later) {
    engine::Scheduler scheduler(*db, config, "daemon", false, stats);
    scheduler.tick(at("2019-01-08T07:59:59Z"));
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries"), "0") << "not before its hour";
    ASSERT_EQ(scheduler.campaigns().size(), 1u);

    scheduler.tick(at("2019-01-08T08:00:00Z"));
    EXPECT_EQ(stats.weeks_opened, 1);
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE week = 1 AND state = 'pending'"), "3");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'week.opened'"), "1");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'week.missing_message'"), "2")
        << "no message in fr nor bm yet";

    scheduler.tick(at("2019-01-08T09:00:00Z"));
    EXPECT_EQ(stats.weeks_opened, 1) << "a week opens once";

    scheduler.tick(at("2019-01-15T08:00:00Z"));
    EXPECT_EQ(stats.weeks_opened, 2);
    EXPECT_EQ(stats.weeks_closed, 1);
    EXPECT_EQ(stats.expired, 3);
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE week = 1 AND state = 'expired'"), "3");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'week.closed'"), "1");
    const auto verdict = store::verify_delivery_events(*db);
    EXPECT_TRUE(verdict.ok()) << verdict.problem;
    EXPECT_GT(verdict.checked, 0) << "the expiries' events are sealed";
}

TEST_F(SchedulerTest, what_a_stop_left_in_flight_becomes_unknown_or_is_queued_again) {
    engine::Scheduler scheduler(*db, config, "daemon", false, stats);
    scheduler.tick(at("2019-01-08T08:00:00Z"));
    claim({1, 2});
    scheduler.recover(at("2019-01-08T08:05:00Z"));
    EXPECT_EQ(stats.unknown_at_start, 2);
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'unknown'"), "2");

    config.gateway.resend_unknown = "always";
    claim({3});
    engine::Scheduler resending(*db, config, "daemon", false, stats);
    resending.recover(at("2019-01-08T08:10:00Z"));
    EXPECT_EQ(stats.unknown_at_start, 1);
    EXPECT_EQ(stats.resent_unknown, 3) << "the two unknown before and the one left now";
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'unknown'"), "0");
    const auto verdict = store::verify_delivery_events(*db);
    EXPECT_TRUE(verdict.ok()) << verdict.problem;
    EXPECT_EQ(verdict.deliveries_checked, 3) << "each replayed from its events";
}

TEST_F(SchedulerTest, each_week_that_closes_texts_the_audit_checkpoint_to_every_witness) {
    config.audit.witnesses = {"+22376999001", "+22366999002"};
    engine::Scheduler scheduler(*db, config, "daemon", false, stats);
    scheduler.tick(at("2019-01-08T08:00:00Z"));
    EXPECT_EQ(sql("SELECT count(*) FROM replies"), "0") << "nothing closed yet";
    scheduler.tick(at("2019-01-15T08:00:00Z")); // week 1 closes, week 2 opens
    scheduler.tick(at("2019-01-22T08:00:00Z")); // week 2 closes
    EXPECT_EQ(sql("SELECT count(*) FROM replies WHERE kind = 'checkpoint'"), "4");
    EXPECT_EQ(sql("SELECT count(DISTINCT phone) FROM replies"), "2");
    const auto first = sql("SELECT text FROM replies ORDER BY id LIMIT 1");
    const auto second = sql("SELECT text FROM replies ORDER BY id DESC LIMIT 1");
    ASSERT_EQ(first.rfind("KIBARU AUDIT ", 0), 0u) << first;
    EXPECT_NE(first.find(" prev 0"), std::string::npos) << first;
    // Each names the one before, so that a witness sees a gap; and each still holds.
    const auto claim = core::parse_checkpoint(first);
    ASSERT_TRUE(claim) << claim.error().message;
    EXPECT_NE(second.find(" prev " + std::to_string(claim->seq)), std::string::npos) << second;
    EXPECT_FALSE(core::checkpoint_mismatch(*claim, store::AuditLog(*db).hash_of(claim->seq)));
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'audit.checkpoint_sent'"), "2");
    EXPECT_EQ(sql("SELECT state FROM replies LIMIT 1"), "pending")
        << "sent by the engine's lanes like any reply";
}

// The checkpoint names the one before from the audit log: an entry rewritten by hand with a seq
// of another type reads as none (prev 0), rather than throwing in the daemon's transaction.
TEST_F(SchedulerTest, a_previous_checkpoint_of_another_type_reads_as_none) {
    config.audit.witnesses = {"+22376999001"};
    {
        store::Transaction tx(*db);
        store::AuditLog(*db).append("2019-01-07T08:00:00Z", "someone", "audit.checkpoint_sent",
                                    "audit", R"({"seq":"12"})");
        tx.commit();
    }
    engine::Scheduler scheduler(*db, config, "daemon", false, stats);
    scheduler.tick(at("2019-01-08T08:00:00Z"));
    ASSERT_NO_THROW(scheduler.tick(at("2019-01-15T08:00:00Z"))); // week 1 closes
    const auto text = sql("SELECT text FROM replies WHERE kind = 'checkpoint'");
    EXPECT_NE(text.find(" prev 0"), std::string::npos) << text;
}

TEST_F(SchedulerTest, daily_checkpoints_go_once_a_day) {
    config.audit.witnesses = {"+22376999001"};
    config.audit.checkpoint_every = "day";
    engine::Scheduler scheduler(*db, config, "daemon", false, stats);
    scheduler.tick(at("2019-01-08T08:00:00Z"));
    scheduler.tick(at("2019-01-08T20:00:00Z"));
    EXPECT_EQ(sql("SELECT count(*) FROM replies"), "1");
    scheduler.tick(at("2019-01-09T08:00:00Z"));
    EXPECT_EQ(sql("SELECT count(*) FROM replies"), "2");
    // A restarted daemon reads the last one from the log (it keeps it in memory after).
    engine::Scheduler restarted(*db, config, "daemon", false, stats);
    restarted.tick(at("2019-01-09T20:00:00Z"));
    EXPECT_EQ(sql("SELECT count(*) FROM replies"), "2");
    restarted.tick(at("2019-01-10T08:00:01Z"));
    EXPECT_EQ(sql("SELECT count(*) FROM replies"), "3");
    EXPECT_EQ(sql("SELECT group_concat(DISTINCT segments) FROM replies"), "1")
        << "each counted as the SMS it is";
}
