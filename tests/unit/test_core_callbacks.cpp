#include "core/callbacks.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

namespace {

const std::vector<std::string> k_stop = {"STOP", "ARRET", "ARRÊT", "DABILA"};
const std::vector<std::string> k_start = {"START", "DEMARRER"};

} // namespace

TEST(CoreCallbacks, params_are_decoded) {
    const auto p = parse_params("ref=42&text=Arr%C3%AAt%21&sp=a+b&empty=&flag");
    EXPECT_EQ(p.at("ref"), "42");
    EXPECT_EQ(p.at("text"), "Arrêt!");
    EXPECT_EQ(p.at("sp"), "a b");
    EXPECT_EQ(p.at("empty"), "");
    EXPECT_EQ(p.at("flag"), "");
    EXPECT_EQ(parse_params("bad=%zz%").at("bad"), "%zz%");
}

TEST(CoreCallbacks, kannel_report_types) {
    auto state = [](const char* type) {
        auto r = parse_delivery_report("kannel", {{"ref", "7"}, {"type", type}});
        return r ? std::string(to_string(r->state)) : "error";
    };
    EXPECT_EQ(state("1"), "delivered");
    EXPECT_EQ(state("2"), "failed");
    EXPECT_EQ(state("16"), "failed");
    EXPECT_EQ(state("4"), "sent");
    EXPECT_EQ(state("8"), "sent");
    EXPECT_EQ(state("3"), "error");
    EXPECT_FALSE(parse_delivery_report("kannel", {{"type", "1"}}).ok()) << "no ref";
    const auto r = parse_delivery_report(
        "kannel", {{"ref", "7"}, {"type", "16"}, {"reply", "NACK/0x0b"}, {"smsc_id", "11"}});
    EXPECT_EQ(r->ref, "7");
    EXPECT_EQ(r->smsc_id, "11");
    EXPECT_EQ(r->detail, "failed: rejected by the SMSC: NACK/0x0b (SMSC id 11)");
}

// %F is the SMSC's message id, not a failure code: a delivered report says so in plain words.
TEST(CoreCallbacks, kannel_report_names_the_smsc_message_id) {
    const auto delivered = parse_delivery_report(
        "kannel", {{"ref", "7"}, {"type", "1"}, {"reply", "ACK/"}, {"smsc_id", "47efae27-0b1c"}});
    EXPECT_EQ(delivered->state, DeliveryState::delivered);
    EXPECT_EQ(delivered->smsc_id, "47efae27-0b1c");
    EXPECT_EQ(delivered->detail, "delivered (SMSC id 47efae27-0b1c)");
    const auto accepted = parse_delivery_report("kannel", {{"ref", "7"}, {"type", "8"}});
    EXPECT_EQ(accepted->detail, "accepted by the SMSC");
    const auto undelivered = parse_delivery_report("kannel", {{"ref", "7"}, {"type", "2"}});
    EXPECT_EQ(undelivered->detail, "failed: the phone network could not deliver it");
    // dlr-urls handed to Kannel by an older kibaru name it `fail`; an unexpanded %F is no id.
    EXPECT_EQ(
        parse_delivery_report("kannel", {{"ref", "7"}, {"type", "1"}, {"fail", "ab12"}})->smsc_id,
        "ab12");
    EXPECT_EQ(
        parse_delivery_report("kannel", {{"ref", "7"}, {"type", "1"}, {"smsc_id", "%F"}})->detail,
        "delivered");
}

TEST(CoreCallbacks, africastalking_and_twilio_reports) {
    const auto at = parse_delivery_report(
        "africastalking",
        {{"id", "ATXid_1"}, {"status", "Failed"}, {"failureReason", "AbsentSubscriber"}});
    EXPECT_EQ(at->gateway_id, "ATXid_1");
    EXPECT_EQ(at->state, DeliveryState::failed);
    EXPECT_EQ(at->detail, "failed: AbsentSubscriber");
    EXPECT_EQ(parse_delivery_report("africastalking", {{"id", "x"}, {"status", "Success"}})->state,
              DeliveryState::delivered);
    const auto tw = parse_delivery_report("twilio", {{"MessageSid", "SM1"},
                                                     {"MessageStatus", "undelivered"},
                                                     {"ErrorCode", "30003"},
                                                     {"ref", "9"}});
    EXPECT_EQ(tw->state, DeliveryState::failed);
    EXPECT_EQ(tw->ref, "9");
    EXPECT_EQ(tw->detail, "failed: undelivered (error 30003)");
    EXPECT_FALSE(parse_delivery_report("twilio", {{"MessageSid", "SM1"}}).ok());
}

TEST(CoreCallbacks, inbound_messages_per_profile) {
    EXPECT_EQ(parse_inbound("kannel", {{"from", "+22376000001"}, {"text", "Stop"}})->text, "Stop");
    EXPECT_EQ(parse_inbound("twilio", {{"From", "+22376000001"}, {"Body", "START"}})->from,
              "+22376000001");
    EXPECT_FALSE(parse_inbound("kannel", {{"text", "Stop"}}).ok());
    EXPECT_FALSE(parse_inbound("africastalking", {{"from", "1"}, {"text", "\xff"}}).ok())
        << "a gateway that sends UTF-8 only";
    EXPECT_EQ(parse_inbound("kannel", {{"from", "1"}, {"text", "\xff"}})->text, "ÿ")
        << "Kannel's charset varies: see kannel_inbound_text_is_made_utf8_from_its_charset";
}

TEST(CoreCallbacks, stop_keywords_ignore_case_accents_and_punctuation) {
    for (const char* text : {"STOP", "stop", "Stop.", " stop! ", "arrêt", "ARRET!", "Arrêt svp",
                             "dabila", "«STOP»", "Stop, merci"}) {
        EXPECT_EQ(match_keyword(text, k_stop, k_start), Keyword::stop) << text;
    }
    for (const char* text : {"start", "Démarrer", "DEMARRER."}) {
        EXPECT_EQ(match_keyword(text, k_stop, k_start), Keyword::start) << text;
    }
    for (const char* text : {"", "...", "stopper", "je veux arrêter", "prix?", "nonstop"}) {
        EXPECT_EQ(match_keyword(text, k_stop, k_start), Keyword::none) << text;
    }
}

TEST(CoreCallbacks, twilio_signature_matches_twilios_documented_example) {
    const Params params = {{"CallSid", "CA1234567890ABCDE"},
                           {"Caller", "+12349013030"},
                           {"Digits", "1234"},
                           {"From", "+12349013030"},
                           {"To", "+18005551212"}};
    EXPECT_EQ(twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params),
              "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
}

TEST(CoreCallbacks, constant_time_equal_compares_whole_strings) {
    EXPECT_TRUE(constant_time_equal("t0k3n", "t0k3n"));
    EXPECT_FALSE(constant_time_equal("t0k3n", "t0k3N"));
    EXPECT_FALSE(constant_time_equal("t0k3n", "t0k3"));
    EXPECT_FALSE(constant_time_equal("", "x"));
}

TEST(CoreCallbacks, a_reports_words_in_any_bytes_are_kept_as_valid_utf8) {
    // Kannel's %A is the SMSC's reply, in whatever bytes it used; the event history, the audit
    // and every JSON view need UTF-8.
    const auto r = kibaru::core::parse_delivery_report(
        "kannel", kibaru::core::parse_params("ref=7&type=2&reply=refus%E9&smsc_id=%FFab"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->detail, "failed: refus\xEF\xBF\xBD (SMSC id \xEF\xBF\xBD"
                         "ab)");
    EXPECT_EQ(r->smsc_id, "\xEF\xBF\xBD"
                          "ab");
}

TEST(CoreCallbacks, an_incoming_senders_bytes_are_kept_as_valid_utf8) {
    const auto sms = kibaru::core::parse_inbound(
        "kannel", kibaru::core::parse_params("from=%FF%2B223&text=PRIX&id=%C3"));
    ASSERT_TRUE(sms.ok());
    EXPECT_EQ(sms->from, "\xEF\xBF\xBD+223");
    EXPECT_EQ(sms->gateway_message_id, "\xEF\xBF\xBD");
}

// Kannel hands an incoming SMS on in its own charset (%C): UTF-16 for UCS-2 (a Bambara message
// with ɛ or ɔ), Latin-1 when recoded, and an old config passes no charset at all. None of them
// is refused: Kannel would not post it again, and a STOP would be lost.
TEST(CoreCallbacks, kannel_inbound_text_is_made_utf8_from_its_charset) {
    auto text_of = [](const std::string& query) {
        const auto sms = parse_inbound("kannel", parse_params("from=%2B22376000001&" + query));
        return sms ? sms->text : "refused: " + sms.error().message;
    };
    EXPECT_EQ(text_of("text=%00S%00T%00O%00P&coding=2&charset=UTF-16BE"), "STOP");
    EXPECT_EQ(text_of("text=%02%5B%02T&coding=2&charset=UTF-16BE"), "ɛɔ");
    EXPECT_EQ(text_of("text=%00a%D8%3C%DF%3E&coding=2"), "a🌾") << "no charset, coding 2";
    EXPECT_EQ(text_of("text=arr%EAt&coding=0&charset=ISO-8859-1"), "arrêt");
    EXPECT_EQ(text_of("text=arr%EAt"), "arrêt") << "no charset: Windows-1252, not refused";
    EXPECT_EQ(text_of("text=arr%C3%AAt&charset=ISO-8859-1"), "arrêt")
        << "already UTF-8 whatever its label: kept, never mangled";
    EXPECT_EQ(text_of("text=Prix%20s%C3%A9same&coding=%25c&charset=%25C"), "Prix sésame")
        << "an older Kannel that leaves the escapes unexpanded";
}
