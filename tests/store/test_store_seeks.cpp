// Statements that run per request, per delivery report or per imported row find their rows
// through an index, however large the tables grow. Each is run beside 20,000 rows of the table it
// reads and its cost counted in SQLite virtual-machine instructions (a progress handler), not in
// time: a statement that reads a table whole costs at least one instruction per row, a seek a
// few dozen. Each case here once read its table whole (the prices import took 76 s for 54,000
// rows; the console's overview read 10 M audit entries per view).
#include "sesame_campaign.hpp"
#include "store/contacts_repo.hpp"
#include "store/deliveries_repo.hpp"
#include "store/gateway_stats.hpp"
#include "store/migrations.hpp"
#include "store/prices_repo.hpp"
#include "store/replies_repo.hpp"
#include "store/reports_repo.hpp"
#include "store/sqlite.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>
#include <string>

using namespace kibaru::store;

namespace {

constexpr int k_rows = 20000;
// Far below one instruction per row of k_rows, far above what a seek costs.
constexpr long k_seek_budget = 2000;

class StoreSeeks : public ::testing::Test {
protected:
    void SetUp() override {
        db = Database::open(":memory:");
        migrate(*db);
    }
    // The virtual-machine instructions `work` runs on the connection.
    long instructions(const std::function<void()>& work) {
        long counted = 0;
        sqlite3_progress_handler(
            db->handle(), 1,
            [](void* n) {
                ++*static_cast<long*>(n);
                return 0;
            },
            &counted);
        work();
        sqlite3_progress_handler(db->handle(), 0, nullptr, nullptr);
        return counted;
    }
    void rows(const std::string& insert_select) {
        db->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                 std::to_string(k_rows) + ") " + insert_select);
    }
    std::unique_ptr<Database> db;
};

} // namespace

TEST_F(StoreSeeks, a_price_imported_finds_its_markets_first_spelling_by_an_index) {
    rows("INSERT INTO prices (date, commodity, market, market_key, price_min, price_max, "
         "imported_at) SELECT '2019-01-05', 'sesame', 'Marché ' || i, 'marche ' || i, 600, 650, "
         "'t' FROM n");
    PriceRow row;
    row.date = "2019-01-12";
    row.commodity = "sesame";
    row.market = "MARCHE 7";
    row.market_key = "marche 7";
    const long cost = instructions([&] { EXPECT_FALSE(PricesRepo(*db).upsert(row, "t")); });
    EXPECT_LT(cost, k_seek_budget);
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM prices WHERE market = 'Marché 7'"), 2)
        << "the first spelling kept";
}

// A price SMS lists its commodity's markets: five markets with 4,000 days of prices each cost
// as five markets, not as 20,000 prices; the one whose prices stopped comes last.
TEST_F(StoreSeeks, a_commoditys_markets_are_listed_by_seeking_each_not_reading_its_history) {
    rows("INSERT INTO prices (date, commodity, market, market_key, price_min, price_max, "
         "imported_at) SELECT date('2000-01-01', '+' || (i / 5) || ' days'), 'sesame', "
         "'Marché ' || (i % 5), 'marche ' || (i % 5), 600, 650, 't' FROM n WHERE i % 5 <> 3 OR "
         "i < 10000");
    std::vector<std::string> markets;
    EXPECT_LT(instructions([&] { markets = PricesRepo(*db).markets("sesame"); }), k_seek_budget);
    EXPECT_EQ(markets, (std::vector<std::string>{"Marché 0", "Marché 1", "Marché 2", "Marché 4",
                                                 "Marché 3"}));
    EXPECT_TRUE(PricesRepo(*db).markets("rice").empty());
}

TEST_F(StoreSeeks, a_delivery_report_finds_its_reply_or_none_by_an_index) {
    rows("INSERT INTO replies (phone, text, kind, segments, state, gateway, gateway_id, "
         "created_at, updated_at) SELECT '+22376000001', 'x', 'answer', 1, 'sent', 'default', "
         "'gw-' || i, 't', 't' FROM n");
    using S = kibaru::core::DeliveryState;
    RepliesRepo replies(*db);
    std::optional<S> found;
    // By the reply's id (Kannel's r<id>), by the gateway's id, and a report that matches none.
    EXPECT_LT(instructions([&] {
                  found = replies.apply_report("r123", "", "default", S::delivered, "", "t");
              }),
              k_seek_budget);
    EXPECT_EQ(found, S::sent);
    EXPECT_LT(instructions(
                  [&] { found = replies.apply_report("", "gw-456", "", S::delivered, "", "t"); }),
              k_seek_budget);
    EXPECT_EQ(found, S::sent);
    EXPECT_LT(instructions(
                  [&] { found = replies.apply_report("", "gw-none", "", S::delivered, "", "t"); }),
              k_seek_budget);
    EXPECT_FALSE(found);
    EXPECT_LT(instructions(
                  [&] { found = replies.apply_report("r999999", "", "", S::delivered, "", "t"); }),
              k_seek_budget);
    EXPECT_FALSE(found);
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM replies WHERE state = 'delivered'"), 2);
}

TEST_F(StoreSeeks, the_gateways_outages_are_found_among_the_audit_log_by_an_index) {
    rows("INSERT INTO audit_log (at, actor, action, subject, details, prev_hash, hash) SELECT "
         "'t', 'kibaru', 'delivery_events.sealed', 'events', '{}', '', '' FROM n");
    db->exec("INSERT INTO audit_log (at, actor, action, subject, details, prev_hash, hash) VALUES "
             "('t1', 'kibaru', 'gateway.outage', 'gateway orange', '{\"gateway\": \"orange\"}', "
             "'', ''), ('t2', 'kibaru', 'gateway.recovered', 'gateway orange', "
             "'{\"gateway\": \"orange\"}', '', ''), ('t3', 'kibaru', 'gateway.outage', "
             "'gateway moov', 'not json: rewritten by hand', '', '')");
    std::vector<OutageEntry> entries;
    EXPECT_LT(instructions([&] { entries = outage_entries(*db); }), k_seek_budget);
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_TRUE(entries[0].open);
    EXPECT_FALSE(entries[1].open);
    EXPECT_EQ(entries[0].gateway, "orange");
    // Details that are not JSON read as saying nothing, where json_extract alone would throw.
    EXPECT_EQ(entries[2].gateway, "default");
    EXPECT_EQ(entries[2].last_error, "");
}

TEST_F(StoreSeeks, one_producers_deliveries_are_found_through_the_weeks_index) {
    rows("INSERT INTO contacts (phone, kind, commodities, created_at, updated_at) SELECT "
         "'+2237' || (6000000 + i), 'producer', 'sesame', 't', 't' FROM n");
    const auto campaign = kibaru::test::create_sesame_campaign(*db);
    DeliveriesRepo deliveries(*db);
    deliveries.open_week(campaign, 1, "o", "c", "t", 0);
    deliveries.open_week(campaign, 2, "o", "c", "t", 0);
    ASSERT_EQ(db->scalar_int("SELECT count(*) FROM deliveries"), 2 * k_rows);
    ReportsRepo reports(*db);
    for (const int limit : {100, -1}) { // a page (the contact page, ?phone=), an export
        DeliveryFilter filter;
        filter.phone = "+22376000777";
        filter.limit = limit;
        std::vector<int> weeks;
        EXPECT_LT(instructions([&] {
                      reports.for_each_delivery(
                          filter, [&](const DeliveryRow& row) { weeks.push_back(row.week); });
                  }),
                  k_seek_budget)
            << "limit " << limit;
        EXPECT_EQ(weeks, (std::vector<int>{1, 2})) << "limit " << limit;
    }
}

TEST_F(StoreSeeks, a_page_of_a_campaigns_deliveries_is_read_by_id_not_sorted) {
    rows("INSERT INTO contacts (phone, kind, commodities, created_at, updated_at) SELECT "
         "'+2237' || (6000000 + i), 'producer', 'sesame', 't', 't' FROM n");
    const auto sesame = kibaru::test::create_sesame_campaign(*db);
    const auto other = kibaru::test::create_sesame_campaign(*db);
    DeliveriesRepo deliveries(*db);
    // The two campaigns' weeks opened in turn, so each campaign's ids come in two ranges.
    deliveries.open_week(sesame, 1, "o", "c", "t", 0);
    deliveries.open_week(other, 1, "o", "c", "t", 0);
    deliveries.open_week(sesame, 2, "o", "c", "t", 0);
    deliveries.open_week(other, 2, "o", "c", "t", 0);
    db->exec("UPDATE deliveries SET state = 'failed' WHERE campaign_id = " +
             std::to_string(sesame.id) + " AND contact_id IN (3, 19999)");
    ReportsRepo reports(*db);
    const auto page = [&](DeliveryFilter filter) {
        std::vector<std::int64_t> ids;
        const auto cost = instructions([&] {
            reports.for_each_delivery(filter, [&](const DeliveryRow& row) {
                EXPECT_EQ(row.campaign, filter.campaign);
                ids.push_back(row.id);
            });
        });
        EXPECT_LT(cost, k_seek_budget) << "after " << filter.after;
        return ids;
    };
    DeliveryFilter filter;
    filter.campaign = sesame.id;
    filter.limit = 20;
    // The first page, one that crosses from week 1's range to week 2's, and the last.
    EXPECT_EQ(page(filter).front(), 1);
    filter.after = k_rows - 10;
    const auto crossing = page(filter);
    ASSERT_EQ(crossing.size(), 20u);
    EXPECT_EQ(crossing[9], k_rows);
    EXPECT_EQ(crossing[10], 2 * k_rows + 1); // the other campaign's week 1 passed over
    filter.after = 3 * k_rows - 5;
    EXPECT_EQ(page(filter),
              (std::vector<std::int64_t>{3 * k_rows - 4, 3 * k_rows - 3, 3 * k_rows - 2,
                                         3 * k_rows - 1, 3 * k_rows}));
    // One week, from its start.
    filter.week = 2;
    filter.after = 0;
    EXPECT_EQ(page(filter).front(), 2 * k_rows + 1);
    // A state: the whole range is read for it, but by rowid, in id order, both weeks.
    filter.week.reset();
    filter.state = "failed";
    filter.limit = 10;
    std::vector<std::int64_t> failed;
    reports.for_each_delivery(filter, [&](const DeliveryRow& row) { failed.push_back(row.id); });
    EXPECT_EQ(failed, (std::vector<std::int64_t>{3, 19999, 2 * k_rows + 3, 3 * k_rows - 1}));
}
