// Mali's numbering plan: every mobile range, its first and last number, with its operator,
// whatever Debian's older libphonenumber says; fixed lines, toll-free numbers and numbers of
// the wrong length refused with a reason a person can act on; ranges added by configuration.
#include "core/config.hpp"
#include "core/numbering_plan.hpp"
#include "core/phone.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

namespace {

const PhoneNormalizer& mali() {
    static const PhoneNormalizer normalizer("ML");
    return normalizer;
}

struct Range {
    std::string national_prefix; // after +223
    std::string operator_id;
};

// The SPEC's table, written out range by range (not derived from the code under test).
std::vector<Range> spec_ranges() {
    std::vector<Range> out;
    for (int d = 0; d <= 9; ++d) {
        out.push_back({"6" + std::to_string(d), "moov"});
        out.push_back({"7" + std::to_string(d), "orange"});
    }
    for (const char* p : {"82", "83", "84", "85", "90", "91", "92", "93", "94", "2001"}) {
        out.push_back({p, "orange"});
    }
    for (const char* p : {"89", "95", "96", "97", "98", "99", "2079", "217"}) {
        out.push_back({p, "moov"});
    }
    for (const char* p : {"50", "51", "52", "53"}) {
        out.push_back({p, "telecel"});
    }
    return out;
}

std::string pad(const std::string& prefix, char fill) {
    return prefix + std::string(8 - prefix.size(), fill);
}

} // namespace

TEST(CoreNumberingPlan, the_first_and_last_number_of_every_range_is_a_mobile_of_its_operator) {
    const NumberingPlan plan;
    for (const auto& range : spec_ranges()) {
        for (const char fill : {'0', '9'}) {
            const auto national = pad(range.national_prefix, fill);
            SCOPED_TRACE(national);
            const auto e164 = mali().mobile_e164(national);
            ASSERT_TRUE(e164.ok()) << e164.error().message;
            EXPECT_EQ(*e164, "+223" + national);
            EXPECT_EQ(plan.operator_of(*e164), range.operator_id);
            // Written the other usual ways too.
            EXPECT_EQ(mali().mobile_e164("00223 " + national).value_or(""), "+223" + national);
        }
    }
}

// The numbers that made producers disappear from imports on Debian 12.
TEST(CoreNumberingPlan, orange_85_and_telecel_52_53_numbers_import) {
    EXPECT_EQ(mali().mobile_e164("85 12 34 56").value_or("refused"), "+22385123456");
    EXPECT_EQ(mali().mobile_e164("52 12 34 56").value_or("refused"), "+22352123456");
    EXPECT_EQ(mali().mobile_e164("+223 53 12 34 56").value_or("refused"), "+22353123456");
}

TEST(CoreNumberingPlan, neighbours_of_the_ranges_are_not_mobiles) {
    // Bamako's fixed lines around the 2001/2079/217 mobile blocks, 44 (fixed), 80 (toll-free)
    // and the unassigned 54-59, 81, 86-88.
    for (const char* national :
         {"20000000", "20009999", "20020000", "20789999", "20800000", "21600000", "21800000",
          "44123456", "80012345", "54123456", "59999999", "81123456", "86123456", "88999999"}) {
        SCOPED_TRACE(national);
        const auto result = mali().mobile_e164(national);
        ASSERT_FALSE(result.ok()) << *result;
        EXPECT_TRUE(result.error().message.find("not a mobile") != std::string::npos ||
                    result.error().message.find("not a valid number in ML") != std::string::npos ||
                    result.error().message.find("mobile range") != std::string::npos)
            << result.error().message;
        EXPECT_EQ(NumberingPlan().operator_of("+223" + std::string(national)), "");
    }
    EXPECT_EQ(mali().mobile_e164("20 22 33 44").error().message,
              "is a fixed-line number, not a mobile");
}

TEST(CoreNumberingPlan, a_number_of_the_wrong_length_says_how_many_digits_it_has) {
    for (const char* raw : {"+223 8512345", "+223 851234567", "8512345", "851234567"}) {
        SCOPED_TRACE(raw);
        const auto result = mali().mobile_e164(raw);
        ASSERT_FALSE(result.ok()) << *result;
        EXPECT_NE(result.error().message.find("digits"), std::string::npos)
            << result.error().message;
    }
    EXPECT_EQ(mali().mobile_e164("+223 8512345").error().message,
              "has 7 digits after +223, where numbers in ML have 8");
    EXPECT_EQ(mali().mobile_e164("123").error().message, "is too short to be a phone number");
}

TEST(CoreNumberingPlan, other_countries_stay_with_libphonenumber) {
    EXPECT_EQ(mali().mobile_e164("+221 77 123 45 67").value_or("refused"), "+221771234567");
    EXPECT_EQ(NumberingPlan().operator_of("+221771234567"), "");
    EXPECT_FALSE(mali().mobile_e164("+221 33 823 45 67").ok()) << "a Dakar fixed line";
}

TEST(CoreNumberingPlan, extra_prefixes_add_ranges_with_or_without_an_operator) {
    ContactsConfig contacts;
    contacts.extra_mobile_prefixes = {"+22386", "+22387:orange", "+2213382"};
    const auto normalizer = phone_normalizer(contacts);
    EXPECT_EQ(normalizer.mobile_e164("86 12 34 56").value_or("refused"), "+22386123456");
    EXPECT_EQ(normalizer.mobile_e164("87 12 34 56").value_or("refused"), "+22387123456");
    EXPECT_EQ(normalizer.plan().operator_of("+22386123456"), "");
    EXPECT_EQ(normalizer.plan().operator_of("+22387123456"), "orange");
    EXPECT_FALSE(normalizer.mobile_e164("86 12 34 5").ok()) << "Mali's length still holds";
    EXPECT_EQ(normalizer.mobile_e164("+221 33 823 45 67").value_or("refused"), "+221338234567");
    EXPECT_FALSE(mali().mobile_e164("86 12 34 56").ok()) << "not without the configuration";

    NumberingPlan plan;
    for (const char* bad :
         {"22386", "+", "+22a86", "+22386:free", "+22386:", "+1234567890123456"}) {
        EXPECT_FALSE(plan.add(bad).ok()) << bad;
    }
    EXPECT_NE(plan.add("+22386:free").error().message.find("unknown operator"), std::string::npos);
}
