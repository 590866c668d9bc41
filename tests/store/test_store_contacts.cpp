#include "store/contacts_repo.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <gtest/gtest.h>

using namespace kibaru::store;
using kibaru::core::Contact;

namespace {

class StoreContacts : public ::testing::Test {
protected:
    void SetUp() override {
        db = Database::open(":memory:");
        migrate(*db);
    }
    bool upsert(const Contact& c,
                std::array<bool, 8> present = {true, true, true, true, true, true, true, true}) {
        ContactUpserter upserter(*db, present, "2019-01-01T00:00:00Z");
        return upserter.is_new(upserter.upsert(c));
    }
    std::unique_ptr<Database> db;
};

Contact awa() {
    Contact c;
    c.phone = "+22376123456";
    c.name = "Awa";
    c.region = "Dioila";
    c.commodities = "sesame;rice";
    return c;
}

} // namespace

TEST_F(StoreContacts, upsert_tells_new_from_known) {
    EXPECT_TRUE(upsert(awa()));
    auto again = awa();
    again.name = "Awa Traoré";
    EXPECT_FALSE(upsert(again));
    EXPECT_EQ(ContactsRepo(*db).find("+22376123456")->contact.name, "Awa Traoré");
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM contacts"), 1);
}

TEST_F(StoreContacts, update_keeps_an_opt_out) {
    upsert(awa());
    ContactsRepo(*db).set_status("+22376123456", "opted_out", "t", "cli", "awa");
    upsert(awa());
    EXPECT_EQ(ContactsRepo(*db).find("+22376123456")->status, "opted_out");
}

TEST_F(StoreContacts, update_only_touches_the_columns_the_file_has) {
    upsert(awa());
    Contact phone_only;
    phone_only.phone = "+22376123456";
    phone_only.region = "";
    EXPECT_FALSE(upsert(phone_only, {true, false, false, false, false, false, false, false}));
    const auto row = ContactsRepo(*db).find("+22376123456");
    EXPECT_EQ(row->contact.name, "Awa");
    EXPECT_EQ(row->contact.region, "Dioila");
}

TEST_F(StoreContacts, status_changes_are_recorded_once) {
    upsert(awa());
    ContactsRepo repo(*db);
    EXPECT_EQ(*repo.set_status("+22376123456", "opted_out", "t1", "cli", "awa"), "active");
    EXPECT_EQ(*repo.set_status("+22376123456", "opted_out", "t2", "cli", "awa"), "opted_out");
    EXPECT_EQ(*repo.set_status("+22376123456", "active", "t3", "cli", "awa"), "opted_out");
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM contact_status_events"), 2);
    EXPECT_FALSE(repo.set_status("+22399999999", "active", "t", "cli", "awa").has_value());
}

TEST_F(StoreContacts, filters_by_commodity_region_and_status) {
    upsert(awa());
    Contact moussa;
    moussa.phone = "+22366123456";
    moussa.region = "Kita";
    moussa.commodities = "rice";
    upsert(moussa);
    Contact fanta;
    fanta.phone = "+22376123457";
    fanta.region = "dioila";
    fanta.commodities = "sesame_bio";
    upsert(fanta);
    ContactsRepo repo(*db);
    auto phones = [&](const ContactFilter& f) {
        std::vector<std::string> out;
        repo.for_each(f, [&](const ContactRow& r) { out.push_back(r.contact.phone); });
        return out;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(phones({"sesame", {}, {}}), V{"+22376123456"}) << "whole names, not prefixes";
    EXPECT_EQ(phones({"rice", {}, {}}), (V{"+22376123456", "+22366123456"}));
    EXPECT_EQ(phones({{}, "DIOILA", {}}), (V{"+22376123456", "+22376123457"}));
    repo.set_status("+22366123456", "opted_out", "t", "cli", "x");
    EXPECT_EQ(phones({{}, {}, "opted_out"}), V{"+22366123456"});
    const auto counts = repo.count_by_status();
    EXPECT_EQ(counts.at("active"), 2);
    EXPECT_EQ(counts.at("opted_out"), 1);
}

// The counts by status come from tallies: the upserter (every insert of a contact) counts its
// new rows, triggers follow status changes and removals whoever makes them (sqlite3 by hand
// included).
TEST_F(StoreContacts, the_counts_by_status_follow_every_write) {
    upsert(awa());
    Contact moussa;
    moussa.phone = "+22366123456";
    upsert(moussa);
    upsert(moussa); // an update: no new contact
    ContactsRepo repo(*db);
    repo.set_status("+22366123456", "opted_out", "t", "cli", "x");
    db->exec("UPDATE contacts SET name = 'Moussa' WHERE phone = '+22366123456'");
    auto counts = repo.count_by_status();
    EXPECT_EQ(counts.at("active"), 1);
    EXPECT_EQ(counts.at("opted_out"), 1);
    db->exec("DELETE FROM contact_status_events");
    db->exec("DELETE FROM contacts WHERE phone = '+22366123456'");
    counts = repo.count_by_status();
    EXPECT_EQ(counts.at("active"), 1);
    EXPECT_EQ(counts.at("opted_out"), 0);
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM contacts"), 1);
}

TEST_F(StoreContacts, a_phone_written_twice_in_one_import_is_counted_once) {
    {
        ContactUpserter upserter(*db, {true, true, true, true, true, true, true, true}, "t");
        const auto first = upserter.upsert(awa());
        Contact moussa;
        moussa.phone = "+22366123456";
        const auto second = upserter.upsert(moussa);
        EXPECT_EQ(upserter.upsert(awa()), first) << "the same row, updated";
        EXPECT_NE(second, first);
        EXPECT_TRUE(upserter.is_new(first));
    }
    // Something else inserted last on this connection, with the very id the next contact gets:
    // the upserter must still see its insert.
    db->exec("CREATE TABLE other (id INTEGER PRIMARY KEY)");
    db->exec("INSERT INTO other (id) VALUES (3)");
    Contact fanta;
    fanta.phone = "+22379123456";
    EXPECT_TRUE(upsert(fanta));
    EXPECT_EQ(db->scalar_int("SELECT id FROM contacts WHERE phone = '+22379123456'"), 3);
    EXPECT_EQ(ContactsRepo(*db).count_by_status().at("active"), 3);
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM contacts"), 3);
}

TEST_F(StoreContacts, names_that_look_like_sql_are_stored_verbatim) {
    auto c = awa();
    c.name = "Robert'); DROP TABLE contacts;--";
    upsert(c);
    EXPECT_EQ(ContactsRepo(*db).find(c.phone)->contact.name, c.name);
}

TEST_F(StoreContacts, transaction_rollback_leaves_nothing) {
    {
        Transaction tx(*db);
        upsert(awa());
    } // destroyed without commit
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM contacts"), 0);
}
