#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <unistd.h>

using namespace kibaru::store;

namespace {

std::unique_ptr<Database> memory_db() {
    return Database::open(":memory:");
}

// Data a database at `version` could hold, so each migration is tested on a non-empty file.
void seed(Database& db, int version) {
    if (version >= 1) {
        db.exec("INSERT INTO contacts (phone, name, created_at, updated_at, status) VALUES "
                "('+22376123456', 'Awa', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z', "
                "'opted_out')");
    }
    if (version >= 15) { // from then on the code that inserts a contact counts it, not a trigger
        db.exec("INSERT INTO contact_tallies (status, contacts) VALUES ('opted_out', 1) ON "
                "CONFLICT (status) DO UPDATE SET contacts = contacts + 1");
    }
}

} // namespace

TEST(StoreMigrations, fresh_database_reaches_the_current_version) {
    auto db = memory_db();
    EXPECT_EQ(migrate(*db), 0);
    EXPECT_EQ(schema_version(*db), current_schema_version());
    EXPECT_EQ(db->scalar_int("PRAGMA application_id"), k_application_id);
    EXPECT_EQ(migrate(*db), current_schema_version()) << "migrating twice changes nothing";
}

TEST(StoreMigrations, every_earlier_version_migrates_to_current_keeping_data) {
    for (int from = 0; from < current_schema_version(); ++from) {
        SCOPED_TRACE("from version " + std::to_string(from));
        auto db = memory_db();
        migrate(*db, from);
        ASSERT_EQ(schema_version(*db), from);
        seed(*db, from);
        EXPECT_EQ(migrate(*db), from);
        EXPECT_EQ(schema_version(*db), current_schema_version());
        if (from >= 1) {
            EXPECT_EQ(db->scalar_int("SELECT count(*) FROM contacts WHERE status = 'opted_out'"),
                      1);
        }
        // The tallies start from the rows there were (contacts of every earlier version).
        EXPECT_EQ(db->scalar_int("SELECT count(*) FROM contacts"),
                  db->scalar_int("SELECT coalesce(sum(contacts), 0) FROM contact_tallies"));
        EXPECT_EQ(
            db->scalar_int("SELECT count(*) FROM contacts WHERE status = 'opted_out'"),
            db->scalar_int("SELECT contacts FROM contact_tallies WHERE status = 'opted_out'"));
        EXPECT_EQ(db->scalar_int("SELECT count(*) FROM audit_head"), 1);
    }
}

TEST(StoreMigrations, refuses_a_database_newer_than_the_code) {
    auto db = memory_db();
    migrate(*db);
    db->exec("PRAGMA user_version = " + std::to_string(current_schema_version() + 1));
    try {
        migrate(*db);
        FAIL() << "expected a StoreError";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("newer than this kibaru"), std::string::npos);
    }
}

TEST(StoreMigrations, refuses_a_database_that_is_not_kibarus) {
    auto db = memory_db();
    db->exec("CREATE TABLE something_else (x)");
    EXPECT_THROW(migrate(*db), StoreError);
}

TEST(StoreMigrations, tables_are_strict) {
    auto db = memory_db();
    migrate(*db);
    db->exec("INSERT INTO contacts (phone, created_at, updated_at) VALUES ('+22376123456', 't', "
             "'t')");
    EXPECT_THROW(db->exec("INSERT INTO contact_status_events (contact_id, at, status, source, "
                          "actor) VALUES ('one', 't', 'active', 'cli', 'x')"),
                 StoreError);
}

TEST(StoreMigrations, a_failed_step_leaves_the_previous_version) {
    // Each step runs in its own transaction: simulate a crash mid-step by making step 2 fail.
    auto db = memory_db();
    migrate(*db, 1);
    db->exec("CREATE TABLE audit_log (x)"); // step 2 will fail creating it
    EXPECT_THROW(migrate(*db), StoreError);
    EXPECT_EQ(schema_version(*db), 1);
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM sqlite_schema WHERE name = 'audit_head'"), 0);
}

TEST(StoreMigrations, file_databases_use_wal_and_are_owner_only) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("kibaru-store-test-" + std::to_string(::getpid()) + ".db");
    {
        auto db = Database::open(path.string());
        migrate(*db);
        EXPECT_EQ(db->prepare("PRAGMA journal_mode").step(), true);
        auto mode = db->prepare("PRAGMA journal_mode");
        mode.step();
        EXPECT_EQ(mode.column_text(0), "wal");
        EXPECT_EQ(db->scalar_int("PRAGMA foreign_keys"), 1);
    }
    const auto perms = std::filesystem::status(path).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);
    std::filesystem::remove(path);
    std::filesystem::remove(path.string() + "-wal");
    std::filesystem::remove(path.string() + "-shm");
}

TEST(StoreMigrations, delivery_state_check_holds_without_a_temporary_btree_per_write) {
    for (const int from : {0, 5}) { // a new database, and one written before the rewrite
        SCOPED_TRACE("from version " + std::to_string(from));
        auto db = memory_db();
        migrate(*db, from);
        migrate(*db);
        db->exec("PRAGMA foreign_keys = OFF"); // rows without their campaign, for the check only
        db->exec("INSERT INTO deliveries (campaign_id, week, contact_id, language, state, "
                 "updated_at) VALUES (1, 1, 1, 'fr', 'pending', 't')");
        for (const char* state : {"sending", "sent", "delivered", "unknown", "expired"}) {
            db->exec(std::string("UPDATE deliveries SET state = '") + state + "'");
        }
        try {
            db->exec("UPDATE deliveries SET state = 'lost'");
            FAIL() << "a state outside the machine was accepted";
        } catch (const StoreError& e) {
            EXPECT_NE(std::string(e.what()).find("CHECK constraint failed"), std::string::npos)
                << e.what();
        }
        EXPECT_EQ(db->scalar_int("SELECT count(*) FROM deliveries WHERE state = 'expired'"), 1);
        auto plan = db->prepare("EXPLAIN UPDATE deliveries SET state = 'sent' WHERE id = 1");
        int opcodes = 0;
        while (plan.step()) {
            ++opcodes;
            EXPECT_NE(plan.column_text(1), "OpenEphemeral") << "at opcode " << opcodes;
        }
        EXPECT_GT(opcodes, 10);
        auto check = db->prepare("PRAGMA quick_check");
        ASSERT_TRUE(check.step());
        EXPECT_EQ(check.column_text(0), "ok");
    }
}

// The checks of a contact's kind and of a reply's kind and state were rewritten the same way
// (schema version 15): each still refuses what it refused, without a temporary b-tree.
TEST(StoreMigrations, contact_and_reply_checks_hold_without_a_temporary_btree_per_write) {
    for (const int from : {0, 14}) {
        SCOPED_TRACE("from version " + std::to_string(from));
        auto db = memory_db();
        migrate(*db, from);
        migrate(*db);
        db->exec("INSERT INTO contacts (phone, kind, created_at, updated_at) VALUES "
                 "('+22376000001', 'seed_company', 't', 't')");
        db->exec("INSERT INTO replies (phone, text, kind, segments, state, created_at, "
                 "updated_at) VALUES ('+22376000001', 'x', 'checkpoint', 1, 'delivered', 't', "
                 "'t')");
        for (const char* refused :
             {"UPDATE contacts SET kind = 'farmer'", "UPDATE replies SET kind = 'broadcast'",
              "UPDATE replies SET state = 'expired'"}) {
            try {
                db->exec(refused);
                ADD_FAILURE() << refused << " was accepted";
            } catch (const StoreError& e) {
                EXPECT_NE(std::string(e.what()).find("CHECK constraint failed"), std::string::npos)
                    << e.what();
            }
        }
        for (const char* write :
             {"INSERT INTO contacts (phone, kind, created_at, updated_at) VALUES (?, 'po', 't', "
              "'t')",
              "UPDATE replies SET state = 'sent', kind = 'answer' WHERE id = 1"}) {
            auto plan = db->prepare(std::string("EXPLAIN ") + write);
            int opcodes = 0;
            while (plan.step()) {
                ++opcodes;
                EXPECT_NE(plan.column_text(1), "OpenEphemeral") << write << " at " << opcodes;
            }
            EXPECT_GT(opcodes, 10);
        }
        auto check = db->prepare("PRAGMA quick_check");
        ASSERT_TRUE(check.step());
        EXPECT_EQ(check.column_text(0), "ok");
    }
}

// A price imported looks up its market's first spelling (PricesRepo::upsert, this query): by
// the index of schema version 17, not by reading every price once per row, which made a
// season's table of 54,000 rows take 76 s to import. This checks the index behind a copy of
// the query; StoreSeeks runs the real upsert and counts what it costs.
TEST(StoreMigrations, a_markets_first_spelling_is_found_by_its_index) {
    auto db = memory_db();
    migrate(*db);
    auto plan = db->prepare("EXPLAIN QUERY PLAN SELECT market FROM prices WHERE market_key = ?1 "
                            "ORDER BY id LIMIT 1");
    std::string steps;
    while (plan.step()) {
        steps += plan.column_text(3) + "\n";
    }
    EXPECT_NE(steps.find("USING INDEX prices_by_market (market_key=?)"), std::string::npos)
        << steps;
    EXPECT_EQ(steps.find("SCAN"), std::string::npos) << steps;
    EXPECT_EQ(steps.find("TEMP B-TREE"), std::string::npos) << "the index keeps ids in order";
}

TEST(StoreMigrations, each_weeks_id_range_is_filled_from_the_deliveries_it_has) {
    auto db = memory_db();
    migrate(*db, current_schema_version() - 1); // the version before the ranges
    db->exec("PRAGMA foreign_keys = OFF");      // weeks and deliveries alone, for the ranges only
    db->exec("INSERT INTO campaign_weeks (campaign_id, week, opens_at, closes_at, opened_at, "
             "targeted) VALUES (1, 1, 'o', 'c', 't', 3), (2, 1, 'o', 'c', 't', 2), (1, 2, 'o', "
             "'c', 't', 0)");
    db->exec("INSERT INTO deliveries (campaign_id, week, contact_id, language, state, "
             "updated_at) VALUES (1, 1, 1, 'fr', 'sent', 't'), (1, 1, 2, 'fr', 'sent', 't'), (1, "
             "1, 3, 'fr', 'sent', 't'), (2, 1, 1, 'fr', 'pending', 't'), (2, 1, 2, 'fr', "
             "'pending', 't')");
    migrate(*db);
    auto weeks = db->prepare("SELECT campaign_id, week, first_delivery_id, last_delivery_id FROM "
                             "campaign_weeks ORDER BY campaign_id, week");
    std::vector<std::array<std::int64_t, 4>> got;
    while (weeks.step()) {
        got.push_back(
            {weeks.column_int(0), weeks.column_int(1), weeks.column_int(2), weeks.column_int(3)});
    }
    // Week 2 of campaign 1 has none: an empty range (last before first).
    EXPECT_EQ(got,
              (std::vector<std::array<std::int64_t, 4>>{{1, 1, 1, 3}, {1, 2, 1, 0}, {2, 1, 4, 5}}));
}
