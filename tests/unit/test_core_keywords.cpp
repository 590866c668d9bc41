#include "core/keywords.hpp"

#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace kibaru::core;

namespace {

const KeywordsConfig k_keywords;
const InboundConfig k_inbound;

SmsRequest parse(std::string_view text) {
    return parse_sms_request(text, k_keywords, k_inbound);
}

struct Row {
    std::string text;
    Intent intent;
    std::string commodity;
    std::string market;
};

// What producers write, as gateways hand it to us.
const std::vector<Row> k_rows = {
    {"prix sesame kita", Intent::price, "sesame", "KITA"},
    {"PRIX SÉSAME", Intent::price, "sesame", ""},
    {"Prix: sesam, Kita", Intent::price, "sesame", "KITA"},
    {"sɔngɔ bɛnɛ Kita", Intent::price, "sesame", "KITA"},
    {"SƆNGƆ BƐNƐ KITA", Intent::price, "sesame", "KITA"},
    {"SONGO BENE San", Intent::price, "sesame", "SAN"},
    {"songo bene  san\n", Intent::price, "sesame", "SAN"},
    {"Pri malo Bamako Koura", Intent::price, "rice", "BAMAKO KOURA"},
    {"prix fonio, Ségou!", Intent::price, "fonio", "SEGOU"},
    {"prix riz-kati", Intent::price, "rice", "KATI"},
    {"ABONNER riz", Intent::subscribe, "rice", ""},
    {"abonne fini", Intent::subscribe, "fonio", ""},
    {"desabonner RIZ", Intent::unsubscribe, "rice", ""},
    {"Désabonner sesame Kita", Intent::unsubscribe, "sesame", "KITA"},
    {"aide", Intent::help, "", ""},
    {"AIDE sesame", Intent::help, "", ""}, // help takes no commodity
    {"dɛmɛ", Intent::help, "", ""},
    {"Stop.", Intent::stop, "", ""},
    {"arrêt", Intent::stop, "", ""},
    {"ARRET!", Intent::stop, "", ""},
    {"  dabila ", Intent::stop, "", ""},
    {"START", Intent::start, "", ""},
    {"Démarrer", Intent::start, "", ""},
    {"PRIX", Intent::price, "", ""},
    {"prix mil kita", Intent::price, "", ""}, // a commodity we do not follow
    {"prix ris", Intent::price, "rice", ""},  // three letters: one typo allowed
    {"prix ri", Intent::price, "", ""},       // two: none
    {"prix kita sesame", Intent::price, "", ""},
    {"", Intent::none, "", ""},
    {" \t\n.,;!", Intent::none, "", ""},
    {"bonjour prix sesame", Intent::none, "", ""},
    {"prixsesame", Intent::none, "", ""},
    {"😀 prix", Intent::none, "", ""},
    {"😀prix sesame", Intent::none, "", ""},
    {"PRIX 😀", Intent::price, "", ""},
    {"prix sesame 😀", Intent::price, "sesame", "😀"},
};

} // namespace

TEST(CoreKeywords, each_writing_reads_as_its_intent_commodity_and_market) {
    for (const auto& row : k_rows) {
        SCOPED_TRACE("text: \"" + row.text + "\"");
        const SmsRequest request = parse(row.text);
        EXPECT_EQ(intent_name(request.intent), intent_name(row.intent));
        EXPECT_EQ(request.commodity, row.commodity);
        EXPECT_EQ(request.market, row.market);
    }
}

TEST(CoreKeywords, the_request_keeps_the_words_as_folded) {
    const auto typo = parse("Prix: sesam, Kita");
    EXPECT_EQ(typo.keyword, "PRIX");
    EXPECT_EQ(typo.commodity_word, "SESAM") << "the word as written, for the log";
    EXPECT_EQ(typo.rest, "") << "commodity and market carry every word";

    const auto bambara = parse("sɔngɔ bɛnɛ Kita");
    EXPECT_EQ(bambara.keyword, "SONGO") << "ɔ folds to O";
    EXPECT_EQ(bambara.commodity_word, "BENE") << "ɛ folds to E";

    EXPECT_EQ(typo.commodity_keyword, "SESAME") << "what replies show: the commodity's first word";
    EXPECT_EQ(bambara.commodity_keyword, "BENE") << "the word written, when it is one of its words";
    const auto canonical = parse("desabonner rice");
    EXPECT_EQ(canonical.commodity, "rice") << "the canonical name is one of its words";
    EXPECT_EQ(canonical.commodity_keyword, "RIZ") << "but replies show a word producers use";
    EXPECT_EQ(parse("prix ris").commodity_keyword, "RIZ") << "a typo is not shown back";

    const auto unknown = parse("prix mil kita");
    EXPECT_EQ(unknown.commodity_word, "");
    EXPECT_EQ(unknown.market, "");
    EXPECT_EQ(unknown.rest, "MIL KITA") << "what the reply can quote back";

    const auto help = parse("Aide: prix?");
    EXPECT_EQ(help.keyword, "AIDE");
    EXPECT_EQ(help.rest, "PRIX");

    const auto stranger = parse("Bonjour, ça va?");
    EXPECT_EQ(stranger.intent, Intent::none);
    EXPECT_EQ(stranger.keyword, "BONJOUR");
    EXPECT_EQ(stranger.rest, "CA VA");

    EXPECT_EQ(parse("").keyword, "");
    EXPECT_EQ(parse("...").keyword, "");
}

TEST(CoreKeywords, stop_wins_over_every_other_list) {
    KeywordsConfig keywords;
    keywords.price.push_back("STOP");
    EXPECT_EQ(parse_sms_request("stop", keywords, k_inbound).intent, Intent::stop);
}

TEST(CoreKeywords, the_lists_are_the_configured_ones_compared_folded) {
    KeywordsConfig keywords;
    keywords.price = {"sɔngɔ"};
    keywords.commodity_words = {{"groundnut", {"arachide", "tiga"}}};
    const auto request = parse_sms_request("SONGO ARACHIDES Kita", keywords, k_inbound);
    EXPECT_EQ(request.intent, Intent::price);
    EXPECT_EQ(request.commodity, "groundnut");
    EXPECT_EQ(request.market, "KITA");
    EXPECT_EQ(parse_sms_request("prix sesame", keywords, k_inbound).intent, Intent::none)
        << "PRIX is no longer configured";
}

TEST(CoreKeywords, a_word_one_typo_from_two_commodities_names_neither) {
    KeywordsConfig keywords;
    keywords.commodity_words = {{"sesame", {"BENE"}}, {"cowpea", {"BENI"}}};
    EXPECT_EQ(parse_sms_request("prix bena", keywords, k_inbound).commodity, "");
    EXPECT_EQ(parse_sms_request("prix bene", keywords, k_inbound).commodity, "sesame")
        << "an exact word beats a typo of another";
    keywords.commodity_words = {{"sesame", {"SESAME", "SESAMES"}}};
    EXPECT_EQ(parse_sms_request("prix sesams", keywords, k_inbound).commodity, "sesame")
        << "near two words of the same commodity is no tie";
}

TEST(CoreKeywords, invalid_utf8_never_breaks_the_reading) {
    const auto stop = parse("STOP \xFF\xFE");
    EXPECT_EQ(stop.intent, Intent::stop) << "a stray byte after STOP must not lose the STOP";
    EXPECT_TRUE(is_valid_utf8(stop.rest));
    EXPECT_EQ(stop.rest, "\uFFFD\uFFFD");

    const auto price = parse("prix sesame Kita\xC3");
    EXPECT_EQ(price.intent, Intent::price);
    EXPECT_EQ(price.commodity, "sesame");
    EXPECT_EQ(price.market, "KITA\uFFFD");

    EXPECT_EQ(parse("\xC0\xAFprix sesame").intent, Intent::none) << "an overlong is no separator";
    EXPECT_EQ(parse("prix \xED\xA0\x80sesame").commodity, "") << "nor is a surrogate";
    EXPECT_EQ(parse("\xE2\x82").intent, Intent::none) << "a truncated character";
}

TEST(CoreKeywords, a_thousand_characters_of_garbage_read_as_nothing) {
    std::uint32_t seed = 12345;
    auto next = [&seed] {
        seed = seed * 1103515245u + 12345u;
        return seed >> 16;
    };
    const std::vector<std::string> pieces = {"x", "q", "7", " ", ",", "!", "-", "'",  "\n",
                                             "é", "ɛ", "ɔ", "ŋ", "😀", "…", "«", "\t", "%"};
    std::string printable;
    while (utf8_length(printable) < 1000) {
        printable += pieces[next() % pieces.size()];
    }
    std::string bytes;
    for (int i = 0; i < 1000; ++i) {
        bytes += static_cast<char>(next() & 0xFF);
    }
    for (const std::string& garbage : {printable, bytes, std::string(1000, 'a'),
                                       std::string(1000, '\xFF'), std::string(1000, ',')}) {
        const SmsRequest request = parse(garbage);
        EXPECT_EQ(request.intent, Intent::none);
        EXPECT_EQ(request.commodity, "");
        EXPECT_TRUE(is_valid_utf8(request.keyword));
        EXPECT_TRUE(is_valid_utf8(request.rest));
    }
    const auto long_price = parse("prix sesame " + printable);
    EXPECT_EQ(long_price.intent, Intent::price);
    EXPECT_EQ(long_price.commodity, "sesame");
    EXPECT_TRUE(is_valid_utf8(long_price.market));
}

TEST(CoreKeywords, intents_have_names) {
    EXPECT_EQ(intent_name(Intent::none), "none");
    EXPECT_EQ(intent_name(Intent::price), "price");
    EXPECT_EQ(intent_name(Intent::subscribe), "subscribe");
    EXPECT_EQ(intent_name(Intent::unsubscribe), "unsubscribe");
    EXPECT_EQ(intent_name(Intent::help), "help");
    EXPECT_EQ(intent_name(Intent::stop), "stop");
    EXPECT_EQ(intent_name(Intent::start), "start");
}

TEST(CoreKeywords, one_typo_is_one_edit) {
    struct Pair {
        const char* a;
        const char* b;
        bool expected;
        const char* why;
    };
    const Pair pairs[] = {
        {"SESAME", "SESAME", true, "equal"},
        {"SEGOU", "SEGOO", true, "substitution"},
        {"SESAME", "SESAM", true, "deletion"},
        {"FONIO", "FONNIO", true, "insertion"},
        {"KITA", "KIAT", true, "adjacent transposition, last two"},
        {"SESAME", "ESSAME", true, "adjacent transposition, first two"},
        {"KITA", "KATI", false, "transposition of letters that are not adjacent: two edits"},
        {"SESAME", "SESEMA", false, "two substitutions"},
        {"SESAME", "SESA", false, "two deletions"},
        {"FONIO", "FONIOOO", false, "two insertions"},
        {"SESAME", "ESSAMA", false, "a transposition and a substitution"},
        {"RIZ", "RIS", true, "three letters are enough for a typo"},
        {"RIZ", "RIZE", true, "three letters beside four"},
        {"RI", "RIZ", false, "a two-letter word must be equal"},
        {"RI", "RU", false, "two letters, one substitution: too much of a guess"},
        {"RIZ", "RIZ", true, "a short word equal to itself"},
        {"", "", true, "empty"},
        {"", "A", false, "empty and short"},
        {"BENE", "BENI", true, "four letters is long enough"},
        {"SEGOU", "SÉGOU", false, "byte-wise: pass folded text"},
    };
    for (const auto& p : pairs) {
        SCOPED_TRACE(std::string(p.a) + " / " + p.b + ": " + p.why);
        EXPECT_EQ(within_one_typo(p.a, p.b), p.expected);
        EXPECT_EQ(within_one_typo(p.b, p.a), p.expected) << "symmetric";
    }
}

TEST(CoreKeywords, a_written_name_designates_a_known_one) {
    const std::vector<std::string> markets = {"Ségou", "Kita", "Kati", "San", "Bamako"};
    struct Case {
        const char* written;
        const char* expected;
        const char* why;
    };
    const Case cases[] = {
        {"Segou", "Ségou", "accents folded"},
        {"SEGOU", "Ségou", "case folded"},
        {"Ségou", "Ségou", "as stored"},
        {" ségou\t", "Ségou", "ends trimmed"},
        {"Segoo", "Ségou", "one typo"},
        {"Kita", "Kita", "exact beats Kati, two edits away anyway"},
        {"KATI", "Kati", "exact"},
        // KIAT is KITA with its last two letters swapped, and two substitutions from KATI.
        {"Kiat", "Kita", "one adjacent swap from Kita only"},
        {"Kata", "", "one substitution from both Kita and Kati: ambiguous"},
        {"Sann", "San", "one insertion; three letters are enough"},
        {"Bamakoo", "Bamako", "one insertion"},
        {"Mopti", "", "not known"},
        {"", "", "nothing written"},
        {"\xFF", "", "invalid UTF-8"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.written) + ": " + c.why);
        EXPECT_EQ(match_name(c.written, markets), c.expected);
    }
    EXPECT_EQ(match_name("Segou", {"Ségou", "SEGOU"}), "") << "two names stored that fold alike";
    EXPECT_EQ(match_name("Segou", {"Ségou", "Ségou"}), "Ségou") << "the same name twice";
    EXPECT_EQ(match_name("Bamako Koura", {"Bamako", "Bamako Koura"}), "Bamako Koura");
    EXPECT_EQ(match_name("bamako-koura", {"Bamako Koura"}), "Bamako Koura")
        << "one substitution, spaces kept";
    EXPECT_EQ(match_name("Kita", {}), "");
}
