// The reply texts of templates/replies.<lang>.txt: the file format and every mistake in it named
// by line, French as the fallback, and the shipped files themselves: equal to the built-in
// texts, complete, and each reply one GSM-7 SMS once filled with realistic values.
#include "core/reply_templates.hpp"
#include "core/sms.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace kibaru::core;

namespace {

std::string error_of(std::string_view text, const ReplyParseOptions& options = {}) {
    const auto parsed = parse_reply_templates(text, "replies.fr.txt", options);
    return parsed ? std::string() : parsed.error().message;
}

std::string shipped(const std::string& language) {
    const std::string path =
        std::string(KIBARU_SOURCE_DIR) + "/templates/" + reply_template_file_name(language);
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << path;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const char* k_complete = "price = Prix {commodity}: {prices}\n"
                         "no_price = Pas de prix pour {commodity}{market}.\n"
                         "no_commodity = Produit inconnu.\n"
                         "subscribed = Abonne a {commodity}.\n"
                         "unsubscribed = Desabonne de {commodity}.\n"
                         "help = Ecrivez PRIX SESAME KITA.\n";

} // namespace

TEST(CoreReplyTemplates, reads_kind_equals_text_lines_with_comments_and_blank_lines) {
    const auto texts = parse_reply_templates("\xEF\xBB\xBF# the replies\r\n"
                                             "\r\n"
                                             "  price =   Prix {commodity}: {prices}  \r\n"
                                             "   # indented comment\n"
                                             "help=Ecrivez: PRIX = prix # pas un commentaire\n",
                                             "r.txt");
    ASSERT_TRUE(texts) << texts.error().message;
    EXPECT_EQ(texts->size(), 2u);
    EXPECT_EQ(texts->at("price"), "Prix {commodity}: {prices}");
    EXPECT_EQ(texts->at("help"), "Ecrivez: PRIX = prix # pas un commentaire")
        << "only the first = separates; # starts a comment only at the start of a line";
}

TEST(CoreReplyTemplates, a_missing_kind_is_named_when_the_file_must_be_complete) {
    const std::string partial = "price = Prix {commodity}: {prices}\nhelp = Aide\n";
    EXPECT_TRUE(parse_reply_templates(partial, "replies.bm.txt").ok())
        << "another language may leave replies to French";
    EXPECT_EQ(missing_reply_kinds(*parse_reply_templates(partial, "replies.bm.txt")),
              (std::vector<std::string>{"no_price", "no_commodity", "subscribed", "unsubscribed",
                                        "opted_out"}));
    EXPECT_EQ(error_of(partial, {true}),
              "replies.fr.txt: no reply for no_price, no_commodity, subscribed, unsubscribed "
              "(this file is the fallback: it must give every reply)")
        << "opted_out came later: a fallback file written before it may lack it";
    EXPECT_EQ(error_of(k_complete, {true}), "");
    const ReplyTemplates older({{"fr", *parse_reply_templates(k_complete, "replies.fr.txt")}},
                               "/etc/kibaru/templates");
    EXPECT_NE(older.text("fr", "opted_out").find("START"), std::string::npos)
        << "its built-in text stands in";
}

TEST(CoreReplyTemplates, an_unknown_kind_is_named_with_its_line) {
    const auto error = error_of("# comment\nprice = Prix {commodity}: {prices}\n"
                                "subscibed = Abonne a {commodity}.\n");
    EXPECT_NE(error.find("replies.fr.txt:3: \"subscibed\" is not a kind of reply (kinds: price, "
                         "no_price, no_commodity, subscribed, unsubscribed, help, opted_out)"),
              std::string::npos)
        << error;
}

TEST(CoreReplyTemplates, each_mistake_is_named_with_its_line_all_at_once) {
    const auto error = error_of("price = Prix {commodity}: {prices}\n"    // 1
                                "price = Prix {commodity}\n"              // 2 twice
                                "help =\n"                                // 3 no text
                                "no_price = Pas de prix pour {produit}\n" // 4 unknown placeholder
                                "subscribed = Abonne a {commodity\n"      // 5 lone brace
                                "Kibaru: merci\n"                         // 6 not kind = text
                                "no_commodity = Produit \xE9trange\n",    // 7 Windows-1252
                                {true});
    for (const char* expected :
         {"replies.fr.txt:2: price: given twice (first on line 1)",
          "replies.fr.txt:3: help: no text after =",
          "replies.fr.txt:4: no_price: {produit} is not a placeholder of this reply (it may use "
          "{commodity}, {market})",
          "replies.fr.txt:5: subscribed: ", "replies.fr.txt:6: expected `kind = text`",
          "replies.fr.txt:7: no_commodity: not UTF-8 text",
          "replies.fr.txt: no reply for unsubscribed"}) {
        EXPECT_NE(error.find(expected), std::string::npos) << expected << "\nin:\n" << error;
    }
    EXPECT_EQ(error.find("no reply for no_price"), std::string::npos)
        << "a reply given with a mistake is reported on its line, not as missing";
}

TEST(CoreReplyTemplates, a_price_reply_must_give_the_prices_and_others_take_only_theirs) {
    EXPECT_NE(error_of("price = Prix du {commodity}\n").find("price: must contain {prices}"),
              std::string::npos);
    EXPECT_NE(error_of("help = Aide pour {commodity}\n").find("(it takes none)"),
              std::string::npos);
    EXPECT_EQ(error_of("help = Ecrivez {{PRIX}} SESAME\n"), "") << "doubled braces are literal";
}

TEST(CoreReplyTemplates, under_gsm7_encoding_a_letter_gsm7_lacks_is_refused_at_load) {
    const std::string bambara = "price = {commodity} sɔngɔ: {prices}\n";
    EXPECT_EQ(error_of(bambara), "") << "auto: sent as UCS-2, dearer but possible";
    EXPECT_NE(error_of(bambara, {false, EncodingMode::gsm7})
                  .find("replies.fr.txt:1: price: \"ɔ\" is not a GSM-7 character"),
              std::string::npos);
}

TEST(CoreReplyTemplates, french_answers_for_a_language_or_a_reply_without_a_text) {
    auto fr = parse_reply_templates(k_complete, "fr");
    auto bm = parse_reply_templates("help = Deme\n", "bm");
    ASSERT_TRUE(fr && bm);
    const ReplyTemplates replies({{"fr", *fr}, {"bm", *bm}}, "/srv/templates");
    EXPECT_EQ(replies.text("bm", "help"), "Deme");
    EXPECT_EQ(replies.text("bm", "no_commodity"), "Produit inconnu.") << "a reply bm lacks";
    EXPECT_EQ(replies.text("ff", "help"), "Ecrivez PRIX SESAME KITA.") << "no Fulfulde file";
    EXPECT_EQ(replies.render("bm", "price", {{"commodity", "sesame"}, {"prices", "Kita 650"}}),
              "Prix sesame: Kita 650");
    EXPECT_EQ(replies.render("fr", "no_price", {{"commodity", "riz"}, {"market", ""}}),
              "Pas de prix pour riz.");
    EXPECT_EQ(replies.source(), "/srv/templates");
    EXPECT_EQ(replies.languages(), (std::vector<std::string>{"bm", "fr"}));

    const ReplyTemplates only_bm({{"bm", *bm}}, "x");
    EXPECT_EQ(only_bm.text("fr", "help").rfind("Kibaru: PRIX SESAME KITA", 0), 0u)
        << "without French texts, the built-in French ones";
}

TEST(CoreReplyTemplates, the_built_in_replies_are_the_shipped_files) {
    const ReplyTemplates built_in;
    EXPECT_EQ(built_in.source(), "built-in");
    for (const std::string language : {"fr", "bm"}) {
        const auto file = parse_reply_templates(shipped(language),
                                                "templates/" + reply_template_file_name(language),
                                                {true, EncodingMode::gsm7});
        ASSERT_TRUE(file) << file.error().message;
        const auto compiled =
            parse_reply_templates(built_in_reply_templates(language), "built-in", {true});
        ASSERT_TRUE(compiled) << compiled.error().message;
        EXPECT_EQ(*file, *compiled)
            << "templates/replies." << language
            << ".txt and core/reply_templates.cpp's built-in texts must say the same";
        for (const auto& [kind, text] : *file) {
            EXPECT_EQ(built_in.text(language, kind), text);
        }
    }
}

// README: "replies fit one SMS". Each shipped reply, filled with the longest values it meets in
// practice (the longest commodity name; the three-market answer to a price question without a
// market, as ops::price_line writes it; a market asked for that has no price), must be one
// GSM-7 segment of at most 160 characters.
TEST(CoreReplyTemplates, every_shipped_reply_is_one_gsm7_sms_with_realistic_values) {
    const TemplateValues values = {
        {"commodity", "sesame"},
        {"prices", "Koutiala 12/01: 610-660 F/kg (hausse); Sikasso 12/01: 600-650 F/kg "
                   "(stable); Bamako 12/01: 640-690 F/kg (baisse)"},
        {"market", " (KOUTIALA)"}};
    for (const std::string language : {"fr", "bm"}) {
        const auto texts = parse_reply_templates(shipped(language), language, {true});
        ASSERT_TRUE(texts) << texts.error().message;
        const ReplyTemplates replies({{language, *texts}}, "templates");
        for (const auto& kind : reply_kinds()) {
            const auto reply = replies.render(language, kind.name, values);
            EXPECT_EQ(reply.find('{'), std::string::npos) << reply;
            const auto sms = prepare_sms(reply, EncodingMode::automatic);
            ASSERT_TRUE(sms) << sms.error().message;
            EXPECT_EQ(sms->shape.encoding, SmsEncoding::gsm7)
                << language << " " << kind.name << ": \"" << reply << "\" needs UCS-2 ("
                << first_non_gsm7(reply) << ")";
            EXPECT_EQ(sms->shape.segments, 1)
                << language << " " << kind.name << ": \"" << reply << "\" is " << sms->shape.units
                << " characters, more than one SMS (160): shorten it";
        }
    }
}
