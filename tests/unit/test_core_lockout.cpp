// The sign-in lockout: five failures within 15 minutes lock for 15 minutes from the fifth.
#include "core/lockout.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

namespace {

Instant at(const char* text) {
    return *parse_instant(text);
}

} // namespace

TEST(CoreLockout, five_failures_within_15_minutes_lock_for_15_minutes_from_the_fifth) {
    // One at 10:00, four at 10:13: five within 13 minutes.
    const std::vector<Instant> failures = {at("2019-01-08T10:13:00Z"), at("2019-01-08T10:00:00Z"),
                                           at("2019-01-08T10:13:00Z"), at("2019-01-08T10:13:00Z"),
                                           at("2019-01-08T10:13:00Z")};
    EXPECT_EQ(locked_until(failures, at("2019-01-08T10:13:00Z")), at("2019-01-08T10:28:00Z"));
    EXPECT_EQ(locked_until(failures, at("2019-01-08T10:15:30Z")), at("2019-01-08T10:28:00Z"))
        << "not over once the first failure is 15 minutes old";
    EXPECT_EQ(locked_until(failures, at("2019-01-08T10:27:59Z")), at("2019-01-08T10:28:00Z"));
    EXPECT_FALSE(locked_until(failures, at("2019-01-08T10:28:00Z"))) << "over on time";
}

TEST(CoreLockout, fewer_failures_or_spread_out_ones_lock_nothing) {
    const std::vector<Instant> four(4, at("2019-01-08T10:00:00Z"));
    EXPECT_FALSE(locked_until(four, at("2019-01-08T10:00:00Z")));
    const std::vector<Instant> spread = {at("2019-01-08T10:00:00Z"), at("2019-01-08T10:05:00Z"),
                                         at("2019-01-08T10:10:00Z"), at("2019-01-08T10:14:00Z"),
                                         at("2019-01-08T10:15:01Z")};
    EXPECT_FALSE(locked_until(spread, at("2019-01-08T10:15:02Z"))) << "five over 15 min 1 s";
    EXPECT_FALSE(locked_until({}, at("2019-01-08T10:00:00Z")));
}

TEST(CoreLockout, the_latest_run_of_five_decides_when_the_lock_ends) {
    std::vector<Instant> failures(5, at("2019-01-08T10:00:00Z"));
    failures.insert(failures.end(), 5, at("2019-01-08T10:20:00Z"));
    EXPECT_EQ(locked_until(failures, at("2019-01-08T10:20:00Z")), at("2019-01-08T10:35:00Z"));
}
