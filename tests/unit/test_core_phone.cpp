#include "core/phone.hpp"

#include <gtest/gtest.h>

using kibaru::core::PhoneNormalizer;

namespace {

const PhoneNormalizer& mali() {
    static const PhoneNormalizer normalizer("ML");
    return normalizer;
}

std::string e164(std::string_view raw) {
    auto result = mali().mobile_e164(raw);
    return result ? *result : "error: " + result.error().message;
}

} // namespace

TEST(CorePhone, normalizes_the_usual_malian_writings_to_e164) {
    EXPECT_EQ(e164("76 12 34 56"), "+22376123456");
    EXPECT_EQ(e164("0022376123456"), "+22376123456");
    EXPECT_EQ(e164("+223 76-12-34-56"), "+22376123456");
    EXPECT_EQ(e164("76.12.34.56"), "+22376123456");
    EXPECT_EQ(e164("(+223) 66 12 34 56"), "+22366123456");
    EXPECT_EQ(e164("76123456"), "+22376123456");
}

TEST(CorePhone, accepts_non_breaking_spaces_from_spreadsheets) {
    EXPECT_EQ(e164("76\xC2\xA0"
                   "12\xC2\xA0"
                   "34\xC2\xA0"
                   "56"),
              "+22376123456");
}

TEST(CorePhone, accepts_every_malian_mobile_prefix) {
    for (const char* raw : {"50123456", "66123456", "76123456", "82123456", "91123456"}) {
        EXPECT_TRUE(mali().mobile_e164(raw).ok()) << raw;
    }
}

TEST(CorePhone, rejects_bamako_fixed_lines_as_not_mobile) {
    auto result = mali().mobile_e164("20 22 33 44");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message, "is a fixed-line number, not a mobile");
}

TEST(CorePhone, rejects_numbers_of_the_wrong_length) {
    EXPECT_FALSE(mali().mobile_e164("7612345").ok());
    EXPECT_FALSE(mali().mobile_e164("761234567").ok());
    EXPECT_FALSE(mali().mobile_e164("123").ok());
}

TEST(CorePhone, rejects_letters_and_empty_input) {
    EXPECT_EQ(mali().mobile_e164("76 12 AB 56").error().message,
              "contains characters that are not part of a phone number");
    EXPECT_EQ(mali().mobile_e164("  - ").error().message, "is empty");
}

TEST(CorePhone, accepts_foreign_mobiles_written_with_their_country_code) {
    EXPECT_EQ(e164("+33 6 12 34 56 78"), "+33612345678");
    EXPECT_EQ(e164("00221 77 123 45 67"), "+221771234567");
}

TEST(CorePhone, any_e164_finds_a_number_without_judging_it) {
    EXPECT_EQ(*mali().any_e164("20 22 33 44"), "+22320223344");
    EXPECT_FALSE(mali().any_e164("hello").ok());
}

TEST(CorePhone, knows_supported_regions) {
    EXPECT_TRUE(kibaru::core::is_supported_region("ML"));
    EXPECT_TRUE(kibaru::core::is_supported_region("SN"));
    EXPECT_FALSE(kibaru::core::is_supported_region("XX"));
    EXPECT_FALSE(kibaru::core::is_supported_region("ml"));
}

TEST(CorePhone, quick_and_full_parsing_agree_on_unusual_writings) {
    // The country code written without '+' or "00" is left to libphonenumber's full parser.
    EXPECT_EQ(e164("22376123456"), "+22376123456");
    EXPECT_EQ(e164("00 223 76 12 34 56"), "+22376123456");
    // A region with a national prefix ('0' in France) also takes the full parser.
    const PhoneNormalizer france("FR");
    EXPECT_EQ(*france.mobile_e164("06 12 34 56 78"), "+33612345678");
    EXPECT_EQ(*france.mobile_e164("+33 6 12 34 56 78"), "+33612345678");
    EXPECT_FALSE(france.mobile_e164("01 23 45 67 89").ok()) << "a Paris fixed line";
}

TEST(CorePhone, rejects_a_plus_in_the_middle) {
    EXPECT_EQ(mali().mobile_e164("76 +12 34 56").error().message,
              "has a '+' that is not at the start");
}
