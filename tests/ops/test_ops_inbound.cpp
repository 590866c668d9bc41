// Two-way SMS in process: prices imported as data with every refused row named, a producer's
// question answered from them, subscriptions changed by SMS, each incoming message stored once,
// and the reply limits ([keywords] replies_per_day, the help text once a day, strangers).
#include "core/reply_templates.hpp"
#include "ops/campaigns.hpp"
#include "ops/contact_import.hpp"
#include "ops/inbound.hpp"
#include "ops/prices.hpp"
#include "ops_fixture.hpp"
#include "store/inbox_repo.hpp"

#include <algorithm>
#include <sstream>

using namespace kibaru;
using kibaru::test::OpsTest;

namespace {

class Quiet final : public ops::ImportListener {
public:
    void problem(const ops::ImportProblem&) override {}
};

class Inbound : public OpsTest {
protected:
    void SetUp() override {
        OpsTest::SetUp();
        std::istringstream csv("phone,name,region,commodities,language\n"
                               "76000001,Awa,Kita,sesame,fr\n"
                               "76000002,Moussa,Ségou,rice,bm\n");
        Quiet quiet;
        ASSERT_TRUE(ops::import_contacts(env(), csv, "c.csv", {}, quiet));
        std::istringstream prices("date,commodity,market,price_min,price_max,unit,trend\n"
                                  "2019-01-05,sesame,Kita,600,650,kg,up\n"
                                  "2019-01-12,Sésame,KITA,620,660,kg,stable\n"
                                  "2019-01-12,sesame,San,580,600,kg,\n"
                                  "2019-01-12,riz,Ségou,300,325,kg,down\n");
        auto imported = ops::import_prices(env(), prices, "prices.csv");
        ASSERT_TRUE(imported) << imported.error().message;
        ASSERT_TRUE(imported->rejects.empty()) << imported->rejects.front().reason;
    }
    ops::InboundResult receive(const std::string& from, const std::string& text,
                               const std::string& id = "",
                               const std::string& at = "2019-01-14T09:00:00Z") {
        auto r = ops::handle_incoming_sms(env("inbound", ops::Role::admin, at),
                                          {from, text, "default", id});
        EXPECT_TRUE(r) << r.error().message;
        return *r;
    }
};

} // namespace

TEST_F(Inbound, a_price_file_is_data_and_each_refused_row_says_why) {
    std::istringstream csv("date,commodity,market,price_min,price_max\n"
                           "2019-01-19,sesame,Kita,640,670\n"
                           "2019-19-01,sesame,Kita,640,670\n"
                           "2019-01-19,mil,Kita,100,120\n"
                           "2019-01-19,sesame,,640,670\n"
                           "2019-01-19,sesame,Kita,abc,670\n"
                           "2019-01-19,sesame,Kati,700,650\n"
                           "2019-01-19,sesame,Kita,650,680\n"
                           "2019-01-19,sesame,San,\"1,250\",1300\n"
                           "2019-01-19,sesame,San,1 250,\"1300,5\"\n");
    auto r = ops::import_prices(env(), csv, "p.csv");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->added, 2);
    EXPECT_EQ(r->replaced, 1) << "a later row replaces Kita's price of that date";
    ASSERT_EQ(r->rejects.size(), 6u);
    EXPECT_EQ(r->rejects[0].line, 3u);
    EXPECT_EQ(r->rejects[0].field, "date");
    EXPECT_EQ(r->rejects[1].field, "commodity");
    EXPECT_EQ(r->rejects[2].field, "market");
    EXPECT_EQ(r->rejects[3].field, "price_min");
    EXPECT_EQ(r->rejects[4].field, "price_max");
    EXPECT_EQ(r->rejects[5].field, "price_min") << "1,250: a thousand or a decimal?";
    // Each reason also as a listed code with its values, for the console's French.
    using Why = std::pair<std::string_view, std::vector<std::string>>;
    const std::vector<Why> whys = {{"price_bad_date", {"2019-19-01"}},
                                   {"price_unknown_commodity", {"mil", "sesame, rice, fonio"}},
                                   {"price_no_market", {}},
                                   {"price_not_a_price", {"abc"}},
                                   {"price_max_below_min", {"700", "650"}},
                                   {"price_not_a_price", {"1,250"}}};
    for (std::size_t i = 0; i < whys.size(); ++i) {
        EXPECT_EQ(r->rejects[i].why.code, whys[i].first) << i;
        EXPECT_EQ(r->rejects[i].why.args, whys[i].second) << i;
        const auto& codes = ops::k_price_refusal_codes;
        EXPECT_NE(std::find(codes.begin(), codes.end(), r->rejects[i].why.code), codes.end());
    }
    const auto san = *ops::list_prices(env(), "sesame", "San", 1);
    ASSERT_EQ(san.size(), 1u);
    EXPECT_EQ(san[0].price_min, 1250);
    EXPECT_EQ(san[0].price_max, 1300.5);
    const auto kita = *ops::list_prices(env(), "sesame", "kita", 10);
    ASSERT_EQ(kita.size(), 3u) << "Kita and KITA are one market";
    EXPECT_EQ(kita[0].date, "2019-01-19");
    EXPECT_EQ(kita[0].price_min, 650);
    EXPECT_EQ(ops::list_prices(env(), "", "Kitaa", 10)->size(), 3u) << "one typo forgiven";
    EXPECT_EQ(ops::list_prices(env(), "Sésame", "kita", 10)->size(), kita.size())
        << "a commodity by one of its words";
    const auto unknown = ops::list_prices(env(), "mil", "", 10);
    ASSERT_FALSE(unknown.ok()) << "an unknown commodity is an error, not an empty list";
    EXPECT_EQ(unknown.error().field, "commodity");
    EXPECT_EQ(unknown.error().why.code, "price_unknown_commodity");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'prices.imported'"), "2");
}

// Prices as a French Excel saves them: `;`, French column names with accents, DD/MM/YYYY dates,
// Windows-1252 text.
TEST_F(Inbound, a_price_file_from_french_excel_imports_as_it_is) {
    std::istringstream csv("Date;Produit;March\xE9;Prix min;Prix max;Unit\xE9;Tendance\r\n"
                           "26/01/2019;S\xE9same;S\xE9gou;700;720;F/kg;hausse\r\n"
                           "31/02/2019;S\xE9same;S\xE9gou;700;720;F/kg;hausse\r\n");
    auto r = ops::import_prices(env(), csv, "prix.csv");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->added, 1);
    ASSERT_EQ(r->rejects.size(), 1u);
    EXPECT_EQ(r->rejects[0].line, 3u);
    EXPECT_EQ(r->rejects[0].field, "date") << "31 February";
    EXPECT_EQ(r->windows1252_rows, 2u) << "its two rows";
    const auto segou = *ops::list_prices(env(), "riz", "", 10);
    EXPECT_EQ(segou.size(), 1u) << "the fixture's rice price, by the French word";
    const auto latest = *ops::list_prices(env(), "sesame", "Segou", 1);
    ASSERT_EQ(latest.size(), 1u);
    EXPECT_EQ(latest[0].date, "2019-01-26");
    EXPECT_EQ(latest[0].market, "Ségou");
    EXPECT_EQ(latest[0].price_max, 720);

    std::istringstream unknown("date,produce,market,price_min,price_max\n");
    auto refused = ops::import_prices(env(), unknown, "p.csv");
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("p.csv:1: header: unknown column \"produce\" (the "
                                           "columns are date, commodity,"),
              std::string::npos)
        << refused.error().message;
}

// inbox list --since takes a date or an instant; anything else is an error, not an empty list.
TEST_F(Inbound, the_inbox_is_listed_since_a_date_and_a_wrong_date_is_refused) {
    receive("76000001", "aide", "d1", "2019-01-14T10:00:00Z");
    receive("76000001", "prix sesame kita", "d2", "2019-01-15T10:00:00Z");
    EXPECT_EQ(ops::list_inbox(env(), "2019-01-15", false, 10)->size(), 1u);
    EXPECT_EQ(ops::list_inbox(env(), "2019-01-14T10:00:00Z", false, 10)->size(), 2u);
    EXPECT_EQ(ops::list_inbox(env(), "", false, 10)->size(), 2u);
    for (const char* wrong : {"15/01/2019", "yesterday", "2019-13-45"}) {
        const auto listed = ops::list_inbox(env(), wrong, false, 10);
        ASSERT_FALSE(listed.ok()) << wrong;
        EXPECT_EQ(listed.error().field, "since");
    }
}

TEST_F(Inbound, a_producer_asks_a_markets_price_and_gets_the_latest) {
    auto r = receive("+22376000001", "prix sesame kita");
    EXPECT_EQ(r.intent, core::Intent::price);
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(*r.reply, "Prix SESAME: Kita 12/01: 620-660 F/kg (stable)");

    r = receive("76000001", "Prix: sesam, San");
    ASSERT_TRUE(r.reply);
    EXPECT_NE(r.reply->find("San 12/01: 580-600 F/kg"), std::string::npos) << *r.reply;

    // Without a market: the contact's own region (Ségou, written without its accent here).
    r = receive("76000002", "sɔngɔ malo");
    ASSERT_TRUE(r.reply);
    EXPECT_NE(r.reply->find("Ségou 12/01: 300-325 F/kg (baisse)"), std::string::npos) << *r.reply;
    EXPECT_EQ(r.reply->rfind("MALO songo", 0), 0u) << "in Bambara, the word asked: " << *r.reply;

    r = receive("76000001", "PRIX SESAME Bamako");
    ASSERT_TRUE(r.reply);
    EXPECT_NE(r.reply->find("pas de prix connu"), std::string::npos) << *r.reply;
    EXPECT_EQ(sql("SELECT count(*) FROM inbox WHERE reply IS NOT NULL"), "4");
}

// A price dated after today is not yet a market's price: asked on the 10th, Kita's is the 5th's,
// San (whose only price is the 12th's) has none, and the contact's own region (Kita) is answered
// with the 5th's too.
TEST_F(Inbound, a_price_dated_after_today_is_not_told) {
    auto r = receive("+22376000001", "prix sesame kita", "", "2019-01-10T09:00:00Z");
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(*r.reply, "Prix SESAME: Kita 05/01: 600-650 F/kg (hausse)");
    r = receive("76000001", "PRIX SESAME San", "", "2019-01-10T09:00:00Z");
    ASSERT_TRUE(r.reply);
    EXPECT_NE(r.reply->find("pas de prix connu"), std::string::npos) << *r.reply;
    r = receive("76000001", "PRIX SESAME", "", "2019-01-10T10:00:00Z");
    ASSERT_TRUE(r.reply);
    EXPECT_NE(r.reply->find("Kita 05/01"), std::string::npos) << *r.reply;
    EXPECT_EQ(r.reply->find("San"), std::string::npos) << *r.reply;
}

// The texts are those the configuration loaded (templates/replies.<lang>.txt), in the contact's
// language, French for a reply the language's file does not give.
TEST_F(Inbound, replies_use_the_loaded_templates_in_the_contacts_language) {
    auto fr = core::parse_reply_templates(core::built_in_reply_templates("fr"), "fr");
    auto bm = core::parse_reply_templates("price = {commodity} songo bi: {prices}\n", "bm");
    ASSERT_TRUE(fr && bm);
    (*fr)["help"] = "Kibaru: ecrivez PRIX SESAME KITA.";
    config.replies = core::ReplyTemplates({{"fr", *fr}, {"bm", *bm}}, "edited");

    auto r = receive("76000002", "sɔngɔ malo");
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(*r.reply, "MALO songo bi: Ségou 12/01: 300-325 F/kg (baisse)");
    r = receive("76000002", "aide");
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(*r.reply, "Kibaru: ecrivez PRIX SESAME KITA.") << "bm gives no help text: French";
    r = receive("76000001", "abonner riz");
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(*r.reply, "Kibaru: vous recevrez les prix du RIZ. Pour arreter: DESABONNER RIZ.");
    // What the reply says to send works when sent.
    r = receive("76000001", "DESABONNER RIZ");
    EXPECT_EQ(r.intent, core::Intent::unsubscribe);
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(*r.reply, "Kibaru: vous ne recevrez plus les prix du RIZ.");
    EXPECT_EQ(sql("SELECT commodities FROM contacts WHERE phone = '+22376000001'"), "sesame");
}

// STOP from a number not yet in the list is kept: the list imported later does not send to it.
TEST_F(Inbound, a_stop_from_a_number_not_yet_listed_outlives_a_later_import) {
    const auto r = receive("76999999", "STOP", "x1");
    EXPECT_FALSE(r.contact);
    EXPECT_EQ(r.detail, "not a contact: kept as opted out, for a later import");
    EXPECT_EQ(sql("SELECT status || ' ' || name FROM contacts WHERE phone = '+22376999999'"),
              "opted_out ");
    EXPECT_EQ(receive("76999998", "START", "x2").detail, "not a contact: nothing changed");
    std::istringstream csv("phone,name,commodities\n76999999,Sali,sesame\n");
    Quiet quiet;
    ASSERT_TRUE(ops::import_contacts(env(), csv, "later.csv", {}, quiet));
    EXPECT_EQ(sql("SELECT status || ' ' || name FROM contacts WHERE phone = '+22376999999'"),
              "opted_out Sali")
        << "the import fills the contact in and keeps the opt-out";
    EXPECT_EQ(sql("SELECT contacts FROM contact_tallies WHERE status = 'opted_out'"), "1");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'contacts.optout' AND subject = "
                  "'+22376999999'"),
              "1")
        << "audited like any STOP";
}

// Help asked for is answered each time (within replies_per_day); a text not understood gets it
// once a day, and not after help was sent.
TEST_F(Inbound, help_asked_for_is_always_answered_and_unknown_words_once_a_day) {
    EXPECT_TRUE(receive("76000001", "AIDE", "h1").reply);
    EXPECT_TRUE(receive("76000001", "aide", "h2").reply) << "asked twice: answered twice";
    const auto unknown = receive("76000001", "bonjour", "h3");
    EXPECT_FALSE(unknown.reply) << "help was sent today already";
    EXPECT_EQ(unknown.detail, "help already sent today");
    EXPECT_TRUE(receive("76000002", "bonjour", "h4").reply) << "another phone: its first";
    EXPECT_FALSE(receive("76000002", "??", "h5").reply);
    EXPECT_TRUE(receive("76000002", "INFO", "h6").reply) << "asked for after a text not understood";
}

// A contact who sent STOP is told so, not promised prices that will not come; the change is
// recorded for when they send START.
TEST_F(Inbound, an_opted_out_contact_who_subscribes_is_told_to_send_start) {
    receive("76000001", "STOP", "s1");
    const auto r = receive("76000001", "ABONNER RIZ", "s2");
    ASSERT_TRUE(r.reply);
    EXPECT_NE(r.reply->find("START"), std::string::npos) << *r.reply;
    EXPECT_EQ(r.reply->find("recevrez"), std::string::npos) << *r.reply;
    EXPECT_EQ(sql("SELECT commodities || ' ' || status FROM contacts WHERE phone = '+22376000001'"),
              "rice;sesame opted_out");
    const auto fewer = receive("76000001", "DESABONNER SESAME", "s3");
    ASSERT_TRUE(fewer.reply);
    EXPECT_EQ(*fewer.reply, "Kibaru: vous ne recevrez plus les prix du SESAME.")
        << "asking for less is confirmed as usual, not answered 'send START'";
}

TEST_F(Inbound, a_subscription_by_sms_changes_the_contacts_commodities_audited) {
    auto r = receive("76000001", "ABONNER riz");
    EXPECT_EQ(r.intent, core::Intent::subscribe);
    EXPECT_EQ(sql("SELECT commodities FROM contacts WHERE phone = '+22376000001'"), "rice;sesame");
    r = receive("76000001", "desabonner sesame");
    EXPECT_EQ(sql("SELECT commodities FROM contacts WHERE phone = '+22376000001'"), "rice");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action LIKE 'contacts.%subscribed'"), "2");
    r = receive("76000001", "STOP");
    EXPECT_EQ(sql("SELECT status FROM contacts WHERE phone = '+22376000001'"), "opted_out");
}

TEST_F(Inbound, the_same_message_posted_twice_is_stored_and_answered_once) {
    auto first = receive("76000001", "prix sesame kita", "gw-1");
    auto again = receive("76000001", "prix sesame kita", "gw-1");
    EXPECT_FALSE(first.duplicate);
    EXPECT_TRUE(again.duplicate);
    EXPECT_FALSE(again.reply);
    // Without a gateway id: the same sender, text and minute.
    auto a = receive("76000001", "AIDE", "", "2019-01-14T10:00:05Z");
    auto b = receive("76000001", "AIDE", "", "2019-01-14T10:00:40Z");
    EXPECT_TRUE(b.duplicate);
    EXPECT_EQ(sql("SELECT count(*) FROM inbox"), "2");
}

TEST_F(Inbound, replies_are_limited_per_day_and_strangers_are_not_answered) {
    config.keywords.replies_per_day = 2;
    EXPECT_TRUE(receive("76000001", "prix sesame kita", "1").reply);
    EXPECT_TRUE(receive("76000001", "prix sesame san", "2").reply);
    auto third = receive("76000001", "prix riz segou", "3");
    EXPECT_FALSE(third.reply) << "the third reply of the day";
    EXPECT_EQ(sql("SELECT count(*) FROM inbox"), "3") << "stored all the same";
    EXPECT_TRUE(receive("76000001", "prix sesame kita", "4", "2019-01-15T08:00:00Z").reply)
        << "a new day";

    EXPECT_TRUE(receive("76000002", "bonjour", "5").reply) << "the help text, once";
    EXPECT_FALSE(receive("76000002", "??", "6").reply) << "not twice a day";

    // STOP's confirmation is not an answer: it goes out whatever the day's count.
    config.inbound.stop_reply = "Kibaru: vous ne recevrez plus de SMS.";
    EXPECT_TRUE(receive("76000001", "STOP", "4b", "2019-01-15T09:00:00Z").reply);
    EXPECT_FALSE(receive("76000001", "aide", "4c", "2019-01-15T09:01:00Z").reply);

    auto stranger = receive("76999999", "prix sesame kita", "7");
    EXPECT_FALSE(stranger.contact);
    EXPECT_FALSE(stranger.reply);
    config.keywords.answer_strangers = true;
    EXPECT_TRUE(receive("76999999", "prix sesame kita", "8").reply);
    EXPECT_EQ(sql("SELECT count(*) FROM inbox WHERE contact_id IS NULL"), "2");
}

TEST_F(Inbound, staff_answer_one_message_by_hand_audited) {
    const auto r = receive("76999999", "ani sogoma, mil songo?", "9");
    const auto help = receive("76000002", "i ni ce", "10");
    EXPECT_TRUE(help.reply) << "the help text, automatically";
    store::InboxRepo inbox(*db);
    EXPECT_EQ(inbox.list("", true, 10).size(), 2u)
        << "a stranger without a reply and a message Kibaru did not understand need a person";

    auto replied = ops::reply_by_hand(env("awa", ops::Role::staff), help.inbox_id,
                                      "Mil: pas encore de prix, bientot.");
    ASSERT_TRUE(replied) << replied.error().message;
    EXPECT_EQ(replied->replied_by, "awa");
    EXPECT_EQ(*replied->reply, "Mil: pas encore de prix, bientot.");
    EXPECT_EQ(sql("SELECT reply IS NOT NULL AND replied_by = 'kibaru' FROM inbox WHERE id = " +
                  std::to_string(help.inbox_id)),
              "1")
        << "the automatic reply stays on record";
    EXPECT_EQ(sql("SELECT created_by || ' ' || state FROM replies WHERE kind = 'manual'"),
              "awa pending");
    EXPECT_EQ(sql("SELECT actor FROM audit_log WHERE action = 'inbox.replied'"), "awa");
    const auto waiting = inbox.list("", true, 10);
    ASSERT_EQ(waiting.size(), 1u);
    EXPECT_EQ(waiting[0].id, r.inbox_id);
    const auto empty = ops::reply_by_hand(env("awa", ops::Role::staff), r.inbox_id, "");
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().why.code, "reply_empty");
    EXPECT_EQ(empty.error().why.code, ops::k_reply_refusal_codes[0]);
    EXPECT_EQ(ops::reply_by_hand(env("awa"), 999, "x").error().kind, ops::ErrorKind::not_found);
}

// messages render --from-prices: each week's values from the price table, the latest on or
// before the day the week opens; a market with no price says so.
TEST_F(Inbound, the_weeks_values_come_from_the_price_table) {
    core::Campaign c;
    c.name = "Sésame";
    c.commodity = "sesame";
    c.start_date = "2019-01-07"; // week 1 opens 8 January, week 2 on the 15th
    c.weeks = 3;
    auto created = ops::create_campaign(env(), c);
    ASSERT_TRUE(created) << created.error().message;
    auto csv = ops::price_values_csv(env(), created->campaign.id, "kita");
    ASSERT_TRUE(csv) << csv.error().message;
    EXPECT_EQ(*csv, "week,market,price_min,price_max,unit,trend\n"
                    "1,Kita,600,650,FCFA/kg,hausse\n"
                    "2,Kita,620,660,FCFA/kg,stable\n"
                    "3,Kita,620,660,FCFA/kg,stable\n");
    const auto none = ops::price_values_csv(env(), created->campaign.id, "Bamako");
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().field, "market");
}

// The daemon handles the messages of one turn of its loop together: one transaction, in order,
// each seeing what the ones before it did.
TEST_F(Inbound, a_batch_is_handled_in_order_in_one_transaction) {
    const auto results =
        ops::handle_incoming_batch(env("inbound", ops::Role::admin, "2019-01-14T09:00:00Z"),
                                   {{"+22376000001", "AIDE", "default", "b1"},
                                    {"+22376000001", "bonjour", "default", "b2"},
                                    {"+22376000001", "PRIX SESAME KITA", "default", "b3"},
                                    {"+22376000001", "AIDE", "default", "b1"},
                                    {"+22376000002", "STOP", "default", "b4"}});
    ASSERT_EQ(results.size(), 5u);
    EXPECT_TRUE(results[0].reply) << "the help text";
    EXPECT_FALSE(results[1].reply) << "not after help, even in the same batch";
    EXPECT_EQ(results[1].detail, "help already sent today");
    ASSERT_TRUE(results[2].reply);
    EXPECT_NE(results[2].reply->find("620"), std::string::npos) << *results[2].reply;
    EXPECT_TRUE(results[3].duplicate) << "the same gateway message id as the first";
    EXPECT_EQ(results[4].detail, "opted out");
    EXPECT_EQ(sql("SELECT count(*) FROM inbox"), "4");
    // The help text and the price; the STOP confirmation too when [inbound] has one.
    EXPECT_EQ(sql("SELECT count(*) FROM replies"), results[4].reply ? "3" : "2");
    EXPECT_EQ(sql("SELECT status FROM contacts WHERE phone = '+22376000002'"), "opted_out");
}
