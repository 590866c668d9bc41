#include "core/utf8.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

TEST(CoreUtf8, accepts_french_and_bambara_text) {
    EXPECT_TRUE(is_valid_utf8("Ségou, prix du sésame"));
    EXPECT_TRUE(is_valid_utf8("ɛ ɔ ɲ ŋ"));
    EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x8C\xBE")); // U+1F33E ear of rice
}

TEST(CoreUtf8, rejects_malformed_sequences) {
    EXPECT_FALSE(is_valid_utf8("S\xE9gou"));         // Latin-1 é
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));         // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));     // UTF-16 surrogate
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // past U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xE2\x82"));         // truncated
}

TEST(CoreUtf8, counts_code_points_and_cuts_on_them) {
    EXPECT_EQ(utf8_length("ɛɔ"), 2u);
    EXPECT_EQ(utf8_prefix("Sésame", 2), "Sé…");
    EXPECT_EQ(utf8_prefix("Sésame", 6), "Sésame");
}

TEST(CoreUtf8, trims_spaces_and_no_break_spaces) {
    EXPECT_EQ(trim("  Kita\t"), "Kita");
    EXPECT_EQ(trim("\xC2\xA0Kita\xC2\xA0"), "Kita");
    EXPECT_EQ(trim("   "), "");
}

TEST(CoreUtf8, to_valid_utf8_replaces_each_stray_byte_and_keeps_the_rest) {
    using kibaru::core::to_valid_utf8;
    const std::string r = "\xEF\xBF\xBD"; // U+FFFD
    EXPECT_EQ(to_valid_utf8("Prix du sésame à Kita ߞ"), "Prix du sésame à Kita ߞ");
    EXPECT_EQ(to_valid_utf8("cr\xE9"
                            "dit"),
              "cr" + r + "dit");                                       // Latin-1 é
    EXPECT_EQ(to_valid_utf8("\xC3"), r);                               // cut after a lead
    EXPECT_EQ(to_valid_utf8("a\xED\xA0\x80z"), "a" + r + r + r + "z"); // a surrogate
    EXPECT_EQ(to_valid_utf8("\xC0\xAF"), r + r);                       // an overlong '/'
    EXPECT_TRUE(kibaru::core::is_valid_utf8(to_valid_utf8("\xFF\xFE\x80 ok \xF4\x90\x80\x80")));
}
