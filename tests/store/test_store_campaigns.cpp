#include "store/campaigns_repo.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <gtest/gtest.h>

using namespace kibaru::store;
using kibaru::core::Campaign;
using kibaru::core::Contact;

namespace {

class StoreCampaigns : public ::testing::Test {
protected:
    void SetUp() override {
        db = Database::open(":memory:");
        migrate(*db);
        add("+22376000001", "producer", "Dioila", "sesame", "bm");
        add("+22376000002", "po", "Kita", "sesame;rice", "fr");
        add("+22376000003", "producer", "Ségou", "rice", "fr");
        add("+22376000004", "producer", "dioila", "sesame_bio", "fr");
        add("+22376000005", "mpe", "DIOILA", "sesame", "fr");
        ContactsRepo(*db).set_status("+22376000005", "opted_out", "t", "cli", "x");
    }
    void add(const char* phone, const char* kind, const char* region, const char* commodities,
             const char* language) {
        Contact c;
        c.phone = phone;
        c.kind = kind;
        c.region = region;
        c.commodities = commodities;
        c.language = language;
        ContactUpserter(*db, {true, true, true, true, true, true, true, true}, "t").upsert(c);
    }
    std::int64_t total(const Campaign& c) {
        std::int64_t n = 0;
        for (const auto& [language, count] : CampaignsRepo(*db).audience_by_language(c)) {
            n += count;
        }
        return n;
    }
    static Campaign sesame() {
        Campaign c;
        c.name = "Sésame 2019";
        c.commodity = "sesame";
        c.start_date = "2019-01-08";
        c.created_at = c.updated_at = "t";
        return c;
    }
    std::unique_ptr<Database> db;
};

} // namespace

TEST_F(StoreCampaigns, round_trips_a_campaign_with_its_filters) {
    auto c = sesame();
    c.regions = {"Dioila", "Kita"};
    c.kinds = {"producer"};
    CampaignsRepo repo(*db);
    const auto id = repo.create(c);
    const auto found = repo.find(id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->name, "Sésame 2019");
    EXPECT_EQ(found->regions, (std::vector<std::string>{"Dioila", "Kita"}));
    EXPECT_EQ(found->kinds, std::vector<std::string>{"producer"});
    EXPECT_TRUE(found->languages.empty());
    EXPECT_FALSE(repo.find(id + 1));
}

TEST_F(StoreCampaigns, audience_is_active_contacts_growing_the_commodity) {
    const auto counts = CampaignsRepo(*db).audience_by_language(sesame());
    EXPECT_EQ(counts.at("bm"), 1);
    EXPECT_EQ(counts.at("fr"), 1) << "sesame_bio is another commodity; opted-out are out";
}

TEST_F(StoreCampaigns, filters_narrow_the_audience) {
    auto c = sesame();
    c.regions = {"DIOILA"};
    EXPECT_EQ(total(c), 1) << "regions compare case-insensitively";
    c.regions.clear();
    c.kinds = {"po"};
    EXPECT_EQ(total(c), 1);
    c.kinds = {"po", "producer"};
    EXPECT_EQ(total(c), 2);
    c.kinds.clear();
    c.languages = {"bm"};
    EXPECT_EQ(total(c), 1);
    CampaignsRepo repo(*db);
    EXPECT_TRUE(repo.in_audience(c, "+22376000001"));
    EXPECT_FALSE(repo.in_audience(c, "+22376000002"));
}

TEST_F(StoreCampaigns, messages_are_one_per_week_and_language) {
    CampaignsRepo repo(*db);
    const auto id = repo.create(sesame());
    repo.set_message({id, 1, "fr", "v1", "gsm7", 1, "t1"});
    repo.set_message({id, 1, "bm", "bɛnɛ", "ucs2", 1, "t1"});
    repo.set_message({id, 1, "fr", "v2", "gsm7", 1, "t2"});
    const auto all = repo.messages(id);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(repo.message(id, 1, "fr")->text, "v2");
    EXPECT_FALSE(repo.message(id, 2, "fr"));
}

TEST_F(StoreCampaigns, status_changes_are_stored) {
    CampaignsRepo repo(*db);
    const auto id = repo.create(sesame());
    repo.set_status(id, "paused", "t2");
    EXPECT_EQ(repo.find(id)->status, "paused");
    EXPECT_THROW(repo.set_status(id, "finished", "t3"), StoreError) << "CHECK constraint";
}
