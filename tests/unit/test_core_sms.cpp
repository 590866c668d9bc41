#include "core/sms.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

namespace {

std::string repeat(std::string_view piece, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) {
        out += piece;
    }
    return out;
}

struct SegmentCase {
    const char* what;
    std::string text;
    SmsEncoding encoding;
    std::size_t units;
    int segments;
};

} // namespace

TEST(CoreSms, segments_at_every_boundary) {
    const std::vector<SegmentCase> cases = {
        {"empty", "", SmsEncoding::gsm7, 0, 1},
        {"160 gsm7", repeat("a", 160), SmsEncoding::gsm7, 160, 1},
        {"161 gsm7", repeat("a", 161), SmsEncoding::gsm7, 161, 2},
        {"2 x 153 gsm7", repeat("a", 306), SmsEncoding::gsm7, 306, 2},
        {"2 x 153 + 1 gsm7", repeat("a", 307), SmsEncoding::gsm7, 307, 3},
        {"80 extension chars = 160 septets", repeat("€", 80), SmsEncoding::gsm7, 160, 1},
        {"extension char at 160/161", repeat("a", 159) + "€", SmsEncoding::gsm7, 161, 2},
        {"extension pair never split at 153", repeat("a", 152) + "€" + repeat("a", 152),
         SmsEncoding::gsm7, 306, 3},
        {"70 ucs2", repeat("ɛ", 70), SmsEncoding::ucs2, 70, 1},
        {"71 ucs2", repeat("ɛ", 71), SmsEncoding::ucs2, 71, 2},
        {"2 x 67 ucs2", repeat("ɛ", 134), SmsEncoding::ucs2, 134, 2},
        {"2 x 67 + 1 ucs2", repeat("ɛ", 135), SmsEncoding::ucs2, 135, 3},
        {"35 emoji = 70 units", repeat("🌾", 35), SmsEncoding::ucs2, 70, 1},
        {"36 emoji = 72 units", repeat("🌾", 36), SmsEncoding::ucs2, 72, 2},
        {"surrogate pair never split at 67", repeat("ɛ", 66) + "🌾" + repeat("ɛ", 66),
         SmsEncoding::ucs2, 134, 3},
    };
    for (const auto& c : cases) {
        const auto shape = measure_sms(c.text, c.encoding);
        EXPECT_EQ(shape.units, c.units) << c.what;
        EXPECT_EQ(shape.segments, c.segments) << c.what;
    }
}

TEST(CoreSms, a_160_character_gsm7_message_is_one_segment_and_161_is_two) {
    EXPECT_EQ(prepare_sms(repeat("x", 160), EncodingMode::automatic)->shape.segments, 1);
    EXPECT_EQ(prepare_sms(repeat("x", 161), EncodingMode::automatic)->shape.segments, 2);
}

TEST(CoreSms, french_accents_of_the_gsm_table_stay_gsm7) {
    const auto sms =
        prepare_sms("Prix du sésame à Ségou: hausse. Où? Là!", EncodingMode::automatic);
    EXPECT_EQ(sms->shape.encoding, SmsEncoding::gsm7);
}

TEST(CoreSms, counts_ucs2_when_bambara_letters) {
    const auto sms = prepare_sms("bɛnɛ sɔngɔ", EncodingMode::automatic);
    EXPECT_EQ(sms->shape.encoding, SmsEncoding::ucs2);
    EXPECT_EQ(sms->shape.units, 10u);
}

TEST(CoreSms, translit_keeps_bambara_in_gsm7) {
    const auto sms = prepare_sms("bɛnɛ sɔngɔ ɲɔgɔn ŋɔni", EncodingMode::translit);
    EXPECT_EQ(sms->text, "bènè songo nyogon ngoni");
    EXPECT_EQ(sms->shape.encoding, SmsEncoding::gsm7);
}

TEST(CoreSms, translit_folds_french_and_typography) {
    EXPECT_EQ(transliterate_to_gsm7("Prêt, ça coûte « 600 » – l’été…"),
              "Pret, ca coute \" 600 \" - l'été...");
    EXPECT_EQ(transliterate_to_gsm7("A\u00A0B\u202FC"), "A B C");
    EXPECT_EQ(transliterate_to_gsm7("ÊTRE Ɛ Ɔ Ɲ Ŋ"), "ETRE E O Ny Ng");
    EXPECT_EQ(transliterate_to_gsm7("a\u0301b"), "ab") << "combining tone marks are dropped";
}

TEST(CoreSms, translit_leaves_what_it_cannot_fold_so_ucs2_remains) {
    const auto sms = prepare_sms("Prix 🌾 hausse", EncodingMode::translit);
    EXPECT_EQ(sms->shape.encoding, SmsEncoding::ucs2);
}

TEST(CoreSms, forced_gsm7_refuses_and_names_the_character) {
    const auto sms = prepare_sms("bɛnɛ", EncodingMode::gsm7);
    ASSERT_FALSE(sms.ok());
    EXPECT_NE(sms.error().message.find("\"ɛ\""), std::string::npos) << sms.error().message;
}

TEST(CoreSms, forced_ucs2_is_always_ucs2) {
    EXPECT_EQ(prepare_sms("hello", EncodingMode::ucs2)->shape.encoding, SmsEncoding::ucs2);
}

TEST(CoreSms, knows_both_gsm_tables) {
    EXPECT_TRUE(is_gsm7("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà"));
    EXPECT_TRUE(is_gsm7("^{}\\[~]|€"));
    EXPECT_FALSE(is_gsm7("`"));
    EXPECT_FALSE(is_gsm7("ç")) << "the table has Ç, not ç";
    EXPECT_EQ(measure_sms("^{}\\[~]|€", SmsEncoding::gsm7).units, 18u);
}

TEST(CoreSms, parses_the_encoding_modes_of_the_config) {
    EXPECT_EQ(parse_encoding_mode("auto"), EncodingMode::automatic);
    EXPECT_EQ(parse_encoding_mode("translit"), EncodingMode::translit);
    EXPECT_FALSE(parse_encoding_mode("latin1").has_value());
}

TEST(CoreSms, a_character_without_a_gsm7_form_is_named_as_data_too) {
    Refusal why;
    const auto sms = prepare_sms("sɔngɔ", EncodingMode::gsm7, &why);
    ASSERT_FALSE(sms.ok());
    EXPECT_EQ(why.code, "msg_no_gsm7");
    EXPECT_EQ(why.args, std::vector<std::string>{"ɔ"});
    EXPECT_NE(sms.error().message.find("\"ɔ\""), std::string::npos) << sms.error().message;
}
