#include "core/json_input.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <string>

using kibaru::core::k_json_max_depth;
using kibaru::core::parse_outside_json;

namespace {

std::string nested(int depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

} // namespace

TEST(CoreJsonInput, nesting_up_to_the_bound_parses_one_level_more_is_discarded) {
    EXPECT_FALSE(parse_outside_json(nested(k_json_max_depth)).is_discarded());
    EXPECT_TRUE(parse_outside_json(nested(k_json_max_depth + 1)).is_discarded());
    // What crashed the daemon's callback listener before any token was checked: 32,000 levels
    // in a 64 KiB body, walked recursively once parsed.
    EXPECT_TRUE(parse_outside_json(nested(32000)).is_discarded());
    EXPECT_TRUE(parse_outside_json("{\"a\":" + nested(k_json_max_depth) + "}").is_discarded());
}

TEST(CoreJsonInput, brackets_inside_strings_are_text_not_nesting) {
    const std::string deep_text(200, '[');
    const auto value = parse_outside_json(R"({"text":")" + deep_text + R"(\"{{{{"})");
    ASSERT_FALSE(value.is_discarded());
    EXPECT_EQ(value["text"], deep_text + "\"{{{{");
    EXPECT_EQ(parse_outside_json(R"({"a":"\\","b":[1]})")["b"][0], 1)
        << "an escaped backslash ends before the closing quote";
}

TEST(CoreJsonInput, what_is_not_json_is_discarded) {
    EXPECT_TRUE(parse_outside_json("").is_discarded());
    EXPECT_TRUE(parse_outside_json("{\"a\":").is_discarded());
    EXPECT_TRUE(parse_outside_json("]]]]").is_discarded());
    EXPECT_EQ(parse_outside_json(R"({"id":"abc"})")["id"], "abc");
}
