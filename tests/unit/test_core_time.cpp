#include "core/time.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

TEST(CoreTime, formats_utc_with_a_z) {
    const auto at = std::chrono::sys_days{std::chrono::year{2019} / 1 / 8} + std::chrono::hours{9};
    EXPECT_EQ(format_utc(at), "2019-01-08T09:00:00Z");
}

TEST(CoreTime, parses_the_forms_people_type) {
    for (const char* text : {"2019-01-08T09:00:00Z", "2019-01-08T09:00Z", "2019-01-08T09:00:00",
                             "2019-01-08 09:00:00", "2019-01-08T10:00:00+01:00"}) {
        auto at = parse_instant(text);
        ASSERT_TRUE(at.ok()) << text;
        EXPECT_EQ(format_utc(*at), "2019-01-08T09:00:00Z") << text;
    }
    EXPECT_EQ(format_utc(*parse_instant("2019-01-08")), "2019-01-08T00:00:00Z");
}

TEST(CoreTime, rejects_nonsense_with_the_input_quoted) {
    auto at = parse_instant("next tuesday");
    ASSERT_FALSE(at.ok());
    EXPECT_NE(at.error().message.find("\"next tuesday\""), std::string::npos);
    EXPECT_FALSE(parse_instant("2019-13-01T00:00:00Z").ok());
    EXPECT_FALSE(parse_instant("2019-01-08T09:00:00Zjunk").ok());
}
