#include "core/regex_pattern.hpp"

#include <gtest/gtest.h>

#include <string>

using kibaru::core::regex_pattern_problem;

TEST(CoreRegexPattern, message_id_patterns_as_gateways_need_them_are_accepted) {
    const char* const accepted[] = {
        "id=([0-9]+)",       "\"messageId\"\\s*:\\s*\"([^\"]+)\"", "([a-f0-9]{8,36})", "(\\d+)-\\1",
        "[{}\\\\0-9]{1,4}x", // braces inside brackets are characters; \\ is one backslash
        "a{9999}",
        "\\\\123456", // an escaped backslash, then digits: no back-reference
    };
    for (const char* ok : accepted) {
        EXPECT_EQ(regex_pattern_problem(ok), "") << ok;
    }
}

TEST(CoreRegexPattern, numbers_libstdcxx_would_overflow_on_are_refused_before_compiling) {
    // Each of these overflowed a long inside std::regex's compiler (undefined behaviour, not a
    // regex_error): the first was fuzz_config's finding.
    EXPECT_EQ(regex_pattern_problem("a{99999999999999999999999}"),
              "has a repeat count longer than 4 digits");
    EXPECT_EQ(regex_pattern_problem("a{1,99999999999999999999999}"),
              "has a repeat count longer than 4 digits");
    EXPECT_EQ(regex_pattern_problem("a{12345}"), "has a repeat count longer than 4 digits");
    EXPECT_EQ(regex_pattern_problem(R"((a)\99999999999999999999999)"),
              "has a back-reference number longer than 2 digits");
}

TEST(CoreRegexPattern, a_long_or_malformed_pattern_says_why) {
    EXPECT_EQ(regex_pattern_problem(std::string(257, 'a')), "is longer than 256 characters");
    EXPECT_EQ(regex_pattern_problem(std::string(256, 'a')), "");
    EXPECT_EQ(regex_pattern_problem(std::string(200, '(')).rfind("is longer", 0),
              std::string::npos);
    EXPECT_EQ(
        regex_pattern_problem(std::string(200, '(')).rfind("is not a valid regular expression", 0),
        0u);
    EXPECT_EQ(regex_pattern_problem("id=([0-9]+").rfind("is not a valid regular expression", 0),
              0u);
}
