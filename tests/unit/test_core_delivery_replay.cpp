// Replaying delivery events: the state and segments each delivery must have, for audit verify.
#include "core/delivery_replay.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;
using S = DeliveryState;

TEST(CoreDeliveryReplay, a_delivery_ends_in_the_state_of_its_last_applied_event) {
    DeliveryReplay replay(3);
    EXPECT_TRUE(replay.event(1, S::sending, true, 2));
    // Kannel's report overtook the dispatcher's own record of the send: the `sent` written
    // after it did not apply, and the delivery stays delivered.
    EXPECT_TRUE(replay.event(1, S::delivered, true, 0));
    EXPECT_TRUE(replay.event(1, S::sent, false, 0));
    EXPECT_EQ(replay.check_row(1, S::delivered, 2), std::nullopt);
    EXPECT_NE(replay.check_row(1, S::sent, 2), std::nullopt);
    // No event: still pending, as the week's opening created it.
    EXPECT_EQ(replay.check_row(2, S::pending, 0), std::nullopt);
    const auto edited = replay.check_row(3, S::delivered, 0);
    ASSERT_TRUE(edited.has_value());
    EXPECT_NE(edited->find("delivery 3 is delivered where its sealed events leave it pending"),
              std::string::npos)
        << *edited;
}

TEST(CoreDeliveryReplay, segments_are_those_of_the_last_applied_claim) {
    DeliveryReplay replay(1);
    replay.event(1, S::sending, true, 3);
    replay.event(1, S::retrying, true, 0);
    replay.event(1, S::sending, false, 5); // not applied: its segments neither
    EXPECT_EQ(replay.check_row(1, S::retrying, 3), std::nullopt);
    const auto edited = replay.check_row(1, S::retrying, 1);
    ASSERT_TRUE(edited.has_value());
    EXPECT_NE(edited->find("counts 1 segments where its sealed events give 3"), std::string::npos)
        << *edited;
}

TEST(CoreDeliveryReplay, events_from_before_applied_was_recorded_leave_the_state_unknown) {
    DeliveryReplay replay(3);
    replay.event(1, S::sending, std::nullopt, 0); // written by the version before
    EXPECT_EQ(replay.check_row(1, S::failed, 7), std::nullopt) << "cannot tell: not a mismatch";
    // After the upgrade a recorded event sets the state again; the segments stay unknown
    // until a claim sets them.
    replay.event(2, S::sending, std::nullopt, 0);
    replay.event(2, S::delivered, true, 0);
    EXPECT_NE(replay.check_row(2, S::failed, 1), std::nullopt) << "the state is known again";
    EXPECT_EQ(replay.check_row(2, S::delivered, 1), std::nullopt);
    EXPECT_EQ(replay.check_row(3, S::pending, 0), std::nullopt);
    EXPECT_EQ(replay.rows_checked(), 4);
    EXPECT_EQ(replay.rows_not_replayable(), 3) << "1 once, 2 twice (its segments)";
}

TEST(CoreDeliveryReplay, segments_compare_exactly_whatever_their_size) {
    DeliveryReplay replay(2);
    replay.event(1, S::sending, true, 3);
    EXPECT_NE(replay.check_row(1, S::sending, (std::int64_t{1} << 32) + 3), std::nullopt)
        << "no narrowing: 2^32 + 3 is not 3";
    EXPECT_NE(replay.check_row(2, S::pending, -1), std::nullopt) << "an unsent one has 0";
    replay.event(2, S::sending, true, 300); // beyond any real SMS: kept as "255 or more"
    EXPECT_EQ(replay.check_row(2, S::sending, 300), std::nullopt);
    EXPECT_NE(replay.check_row(2, S::sending, 3), std::nullopt);
}

TEST(CoreDeliveryReplay, events_without_a_delivery_row_are_found) {
    DeliveryReplay replay(3);
    EXPECT_FALSE(replay.event(4, S::sending, true, 1)) << "beyond the largest delivery id";
    EXPECT_FALSE(replay.event(0, S::sending, true, 1));
    replay.event(2, S::sending, true, 1);
    replay.event(3, S::sending, true, 1);
    EXPECT_EQ(replay.check_row(1, S::pending, 0), std::nullopt);
    EXPECT_EQ(replay.check_row(3, S::sending, 1), std::nullopt);
    EXPECT_EQ(replay.first_without_row(), 2) << "delivery 2 has events but its row was deleted";
}
