#include "sesame_campaign.hpp"
#include "store/campaigns_repo.hpp"
#include "store/deliveries_repo.hpp"
#include "store/event_seal.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <gtest/gtest.h>

using namespace kibaru::store;
using S = kibaru::core::DeliveryState;

namespace {

class StoreDeliveries : public ::testing::Test {
protected:
    void SetUp() override {
        db = Database::open(":memory:");
        migrate(*db);
        for (const char* phone : {"+22376000001", "+22376000002", "+22376000003"}) {
            kibaru::core::Contact c;
            c.phone = phone;
            c.commodities = "sesame";
            ContactUpserter(*db, {true, true, true, true, true, true, true, true}, "t").upsert(c);
        }
        campaign = kibaru::test::create_sesame_campaign(*db);
    }
    std::string state(std::int64_t id) {
        auto s = db->prepare("SELECT state FROM deliveries WHERE id = ?");
        s.bind(1, id);
        return s.step() ? s.column_text(0) : "(none)";
    }
    // A delivery's events as "state:applied:segments", in order (for audit verify's replay).
    std::string applied(std::int64_t id) {
        auto s = db->prepare("SELECT state || ':' || coalesce(applied, '') || ':' || "
                             "coalesce(segments, '') FROM delivery_events WHERE delivery_id = ? "
                             "ORDER BY id");
        s.bind(1, id);
        std::string out;
        while (s.step()) {
            out += (out.empty() ? "" : " ") + s.column_text(0);
        }
        return out;
    }
    std::unique_ptr<Database> db;
    kibaru::core::Campaign campaign;
};

} // namespace

TEST_F(StoreDeliveries, opening_a_week_twice_never_makes_two_deliveries) {
    DeliveriesRepo repo(*db);
    const auto opening = repo.open_week(campaign, 1, "o", "c", "t", 0);
    EXPECT_EQ(opening.targeted, 3);
    EXPECT_EQ(opening.first_id, 1);
    EXPECT_EQ(opening.last_id, 3);
    EXPECT_THROW(repo.open_week(campaign, 1, "o", "c", "t", 0), StoreError)
        << "the week header is unique too";
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM deliveries"), 3);
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM delivery_events"), 0)
        << "the opening is a fact about the week, not an event per delivery";
}

TEST_F(StoreDeliveries, a_report_that_overtakes_our_own_sent_record_is_kept) {
    DeliveriesRepo repo(*db);
    repo.open_week(campaign, 1, "o", "c", "t", 0);
    repo.apply({{1, S::sending, 1, {}, "", {}, "", 0, 1, {S::pending, S::retrying}}}, "t1");
    EXPECT_EQ(repo.apply_report("1", "", S::delivered, "type 1", "t2").to_state, S::delivered);
    repo.apply({{1, S::sent, 1, 202, "gw-7", 5, "", 0, 0, {S::sending}}}, "t3");
    EXPECT_EQ(state(1), "delivered");
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM deliveries WHERE id = 1 AND gateway_id = "
                             "'gw-7'"),
              1)
        << "the gateway's message id from the overtaken outcome is kept";
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM delivery_events WHERE delivery_id = 1"), 3)
        << "sending, the report, sent: every step is in the history";
    EXPECT_EQ(applied(1), "sending:1:1 delivered:1: sent:0:")
        << "the overtaken `sent` is marked as not applied, so a replay ends on delivered";
}

// A delivery transaction seals the events its transitions wrote from what it wrote (the
// dispatcher's path), or by reading them back when another writer's event came between (a
// delivery report here): both seals verify against the stored events.
TEST_F(StoreDeliveries, the_events_of_a_delivery_transaction_are_sealed_as_stored) {
    DeliveriesRepo repo(*db);
    repo.open_week(campaign, 1, "o", "c", "t", 0);
    {
        DeliveryTransaction tx(*db, "t1", "test");
        repo.apply({{1, S::sending, 1, {}, "", {}, "", 0, 1, {S::pending, S::retrying}},
                    {2, S::sending, 1, {}, "", {}, "", 0, 1, {S::pending, S::retrying}}},
                   "t1");
        repo.apply({{1, S::sent, 1, 202, "gw-7", 5, "", 0, 0, {S::sending}},
                    {2, S::retrying, 1, 503, "", 1500, "HTTP 503: é", 60000, 0, {S::sending}}},
                   "t2");
        tx.commit();
    }
    {
        DeliveryTransaction tx(*db, "t3", "test");
        repo.apply({{3, S::sending, 1, {}, "", {}, "", 0, 1, {S::pending, S::retrying}}}, "t3");
        repo.apply_report("1", "", S::delivered, "type 1", "t3");
        repo.apply({{3, S::failed, 1, 400, "", 3, "refused", 0, 0, {S::sending}}}, "t3");
        tx.commit();
    }
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM audit_log WHERE action = "
                             "'delivery_events.sealed'"),
              2);
    const auto verdict = verify_event_seals(*db);
    EXPECT_TRUE(verdict.ok()) << verdict.problem;
    EXPECT_EQ(verdict.checked, 7); // 4, then sending, the report, failed
}

// Events the feed was handed, rolled back to a savepoint, and their ids given again by a writer
// that does not feed it: the feed saw ids 1 and 2 in order, but not the rows now stored under
// them, and must not vouch for them (SQLite's update hook counts every insert).
TEST_F(StoreDeliveries, events_rolled_back_and_written_again_by_another_writer_are_read_back) {
    DeliveriesRepo repo(*db);
    repo.open_week(campaign, 1, "o", "c", "t", 0);
    {
        DeliveryTransaction tx(*db, "t1", "test");
        db->exec("SAVEPOINT attempt");
        repo.apply({{1, S::sending, 1, {}, "", {}, "", 0, 1, {S::pending, S::retrying}},
                    {2, S::sending, 1, {}, "", {}, "", 0, 1, {S::pending, S::retrying}}},
                   "t1");
        db->exec("ROLLBACK TO attempt");
        db->exec("RELEASE attempt");
        db->exec("INSERT INTO delivery_events (delivery_id, at, state, attempt, error, applied) "
                 "VALUES (3, 't1', 'skipped', 0, 'by hand', 1), (3, 't1', 'skipped', 0, '', 0)");
        tx.commit();
    }
    ASSERT_EQ(db->scalar_int("SELECT max(id) FROM delivery_events"), 2);
    const auto verdict = verify_event_seals(*db);
    EXPECT_TRUE(verdict.ok()) << verdict.problem;
    EXPECT_EQ(verdict.checked, 2);
}

TEST_F(StoreDeliveries, duplicate_late_and_unknown_reports_are_harmless) {
    DeliveriesRepo repo(*db);
    repo.open_week(campaign, 1, "o", "c", "t", 0);
    repo.apply({{1, S::sending, 1, {}, "", {}, "", 0, 1, {}}}, "t");
    repo.apply({{1, S::sent, 1, 202, "", 5, "", 0, 0, {S::sending}}}, "t");
    repo.apply_report("1", "", S::delivered, "type 1", "t");
    repo.apply_report("1", "", S::delivered, "type 1", "t");
    repo.apply_report("1", "", S::sent, "type 8, late", "t");
    EXPECT_EQ(state(1), "delivered");
    EXPECT_EQ(applied(1), "sending:1:1 sent:1: delivered:1: delivered:0: sent:0:")
        << "a repeated or late report is history, not a change";
    EXPECT_FALSE(repo.apply_report("999", "", S::delivered, "", "t").found);
    EXPECT_FALSE(repo.apply_report("", "SM-none", S::delivered, "", "t").found);
}

TEST_F(StoreDeliveries, a_report_resolves_an_unknown_delivery) {
    DeliveriesRepo repo(*db);
    repo.open_week(campaign, 1, "o", "c", "t", 0);
    repo.apply({{2, S::sending, 1, {}, "", {}, "", 0, 1, {}}}, "t");
    EXPECT_EQ(repo.mark_interrupted("t"), 1);
    EXPECT_EQ(state(2), "unknown");
    repo.apply_report("2", "", S::delivered, "type 1", "t");
    EXPECT_EQ(state(2), "delivered");
}

TEST_F(StoreDeliveries, closing_a_week_expires_only_what_was_not_sent) {
    DeliveriesRepo repo(*db);
    repo.open_week(campaign, 1, "o", "2019-01-15T08:00:00Z", "t", 0);
    repo.apply({{1, S::sending, 1, {}, "", {}, "", 0, 1, {}}}, "t");
    EXPECT_TRUE(repo.weeks_to_close("2019-01-15T07:59:59Z").empty());
    ASSERT_EQ(repo.weeks_to_close("2019-01-15T08:00:00Z").size(), 1u);
    const auto closing = repo.close_week(campaign.id, 1, "t");
    EXPECT_EQ(closing.expired, 2);
    EXPECT_TRUE(closing.closed);
    EXPECT_EQ(state(1), "sending");
    EXPECT_EQ(state(2), "expired");
    EXPECT_TRUE(repo.weeks_to_close("2019-02-01T00:00:00Z").empty());
}

TEST_F(StoreDeliveries, a_week_closes_in_steps_and_sends_nothing_once_past_its_close) {
    DeliveriesRepo repo(*db);
    repo.open_week(campaign, 1, "o", "2019-01-15T08:00:00Z", "t", 0);
    CampaignsRepo(*db).set_message({campaign.id, 1, "fr", "prix", "gsm7", 1, "t"});
    EXPECT_EQ(repo.due({campaign.id}, 1, "2019-01-15T07:59:59Z", 10).size(), 3u);
    EXPECT_TRUE(repo.due({campaign.id}, 1, "2019-01-15T08:00:00Z", 10).empty())
        << "past its closing time, even while the closing is under way";
    auto step = repo.close_week(campaign.id, 1, "t", 2);
    EXPECT_EQ(step.expired, 2);
    EXPECT_FALSE(step.closed);
    EXPECT_EQ(repo.weeks_to_close("2019-01-15T08:00:00Z").size(), 1u) << "more to expire";
    step = repo.close_week(campaign.id, 1, "t", 2);
    EXPECT_EQ(step.expired, 1);
    EXPECT_TRUE(step.closed);
    EXPECT_TRUE(repo.weeks_to_close("2019-01-15T08:00:00Z").empty());
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM deliveries WHERE state = 'expired'"), 3);
    EXPECT_EQ(repo.week_counts(campaign.id).at(1).by_state.at(S::expired), 3);
}

// `report campaign` reads delivery_tallies; every way a delivery changes state must keep them
// equal to what the rows say.
TEST_F(StoreDeliveries, tallies_follow_every_change_of_state) {
    DeliveriesRepo repo(*db);
    auto check = [&](const char* step) {
        std::map<S, std::int64_t> rows;
        std::int64_t segments = 0;
        auto s = db->prepare("SELECT state, count(*), sum(segments) FROM deliveries WHERE week = "
                             "1 GROUP BY state");
        while (s.step()) {
            rows[s.column_state(0)] = s.column_int(1);
            const std::string st = s.column_text(0);
            if (st == "sent" || st == "delivered" || st == "failed" || st == "unknown") {
                segments += s.column_int(2);
            }
        }
        const auto week = repo.week_counts(campaign.id).at(1);
        EXPECT_EQ(week.by_state, rows) << step;
        EXPECT_EQ(week.segments, segments) << step;
    };
    repo.open_week(campaign, 1, "o", "c", "t", 0);
    check("opened");
    repo.apply({{1, S::sending, 1, {}, "", {}, "", 0, 2, {}},
                {2, S::sending, 1, {}, "", {}, "", 0, 1, {}}},
               "t");
    check("claimed");
    repo.apply({{1, S::sent, 1, 202, "", 5, "", 0, 0, {S::sending}}}, "t");
    repo.apply({{2, S::retrying, 1, 500, "", 5, "", 9, 0, {S::sending}}}, "t");
    repo.apply({{2, S::sent, 1, 202, "", 5, "", 0, 0, {S::pending}}}, "t"); // guarded: no change
    EXPECT_EQ(state(2), "retrying");
    check("outcomes");
    repo.apply_report("1", "", S::delivered, "type 1", "t");
    repo.apply_report("1", "", S::delivered, "type 1, again", "t");
    check("reports");
    repo.apply({{2, S::sending, 2, {}, "", {}, "", 0, 1, {}}}, "t");
    repo.mark_interrupted("t");
    check("interrupted");
    EXPECT_EQ(repo.requeue_unknown("b", "sent again", "a"), 0) << "changed after the cutoff";
    EXPECT_EQ(repo.requeue_unknown("b", "sent again"), 1); // "b": before the week's closing, "c"
    EXPECT_EQ(state(2), "retrying");
    check("requeued");
    repo.close_week(campaign.id, 1, "t");
    check("closed");
    EXPECT_EQ(repo.week_counts(campaign.id).at(1).by_state.count(S::pending), 0u)
        << "a state with no delivery left is not listed";
}

TEST(StoreDeliveriesMigration, tallies_are_counted_from_the_deliveries_a_database_already_has) {
    auto db = Database::open(":memory:");
    migrate(*db, 4); // before delivery_tallies
    // Written as that version's code would (today's upserter keeps a tally it had not).
    db->exec("INSERT INTO contacts (phone, created_at, updated_at) VALUES ('+22376000001', 't', "
             "'t'), ('+22376000002', 't', 't')");
    const auto campaign = kibaru::test::create_sesame_campaign(*db);
    db->exec("INSERT INTO campaign_weeks (campaign_id, week, opens_at, closes_at, opened_at, "
             "targeted) VALUES (1, 1, 'o', 'c', 't', 2)");
    db->exec("INSERT INTO deliveries (campaign_id, week, contact_id, language, state, segments, "
             "updated_at) VALUES (1, 1, 1, 'fr', 'sent', 2, 't'), (1, 1, 2, 'fr', 'pending', 0, "
             "'t')");
    migrate(*db);
    const auto week = DeliveriesRepo(*db).week_counts(campaign.id).at(1);
    EXPECT_EQ(week.by_state, (std::map<S, std::int64_t>{{S::pending, 1}, {S::sent, 1}}));
    EXPECT_EQ(week.segments, 2);
}
