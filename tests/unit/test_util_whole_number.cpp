#include "util/whole_number.hpp"

#include <gtest/gtest.h>

using kibaru::util::whole_number;

TEST(UtilWholeNumber, reads_a_number_written_in_full) {
    EXPECT_EQ(whole_number("12"), 12);
    EXPECT_EQ(whole_number("0"), 0);
    EXPECT_EQ(whole_number("-3"), -3);
    EXPECT_EQ(whole_number("9223372036854775807"), INT64_MAX);
}

TEST(UtilWholeNumber, refuses_anything_around_or_beyond_the_digits) {
    for (const char* bad : {"", "12x", "x12", " 12", "12 ", "+12", "1.5", "9223372036854775808"}) {
        EXPECT_FALSE(whole_number(bad).has_value()) << '"' << bad << '"';
    }
}
