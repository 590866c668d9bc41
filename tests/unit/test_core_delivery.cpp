#include "core/delivery.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;
using namespace std::chrono;
using S = DeliveryState;

TEST(CoreDelivery, every_state_has_one_name_and_back) {
    for (const auto state : k_delivery_states) {
        EXPECT_EQ(parse_delivery_state(to_string(state)), state) << to_string(state);
    }
    EXPECT_EQ(to_string(S::unknown), "unknown");
    EXPECT_FALSE(parse_delivery_state("Delivered")) << "names are exact";
    EXPECT_FALSE(parse_delivery_state(""));
}

TEST(CoreDelivery, states_move_only_forward) {
    EXPECT_TRUE(delivery_transition_allowed(S::pending, S::sending));
    EXPECT_TRUE(delivery_transition_allowed(S::sending, S::sent));
    EXPECT_TRUE(delivery_transition_allowed(S::sending, S::retrying));
    EXPECT_TRUE(delivery_transition_allowed(S::retrying, S::sending));
    EXPECT_TRUE(delivery_transition_allowed(S::sent, S::delivered));
    EXPECT_TRUE(delivery_transition_allowed(S::unknown, S::delivered))
        << "a late report resolves it";
    EXPECT_TRUE(delivery_transition_allowed(S::pending, S::expired));
    EXPECT_FALSE(delivery_transition_allowed(S::expired, S::sending)) << "never sent late";
    EXPECT_FALSE(delivery_transition_allowed(S::skipped, S::sending));
    EXPECT_FALSE(delivery_transition_allowed(S::sent, S::sending)) << "never sent twice";
    EXPECT_FALSE(delivery_transition_allowed(S::pending, S::sent));
    EXPECT_TRUE(delivery_state_final(S::expired));
    EXPECT_FALSE(delivery_state_final(S::retrying));
}

TEST(CoreDelivery, http_status_verdicts) {
    EXPECT_EQ(verdict_for_status(200), SendVerdict::accepted);
    EXPECT_EQ(verdict_for_status(202), SendVerdict::accepted);
    EXPECT_EQ(verdict_for_status(429), SendVerdict::transient);
    EXPECT_EQ(verdict_for_status(500), SendVerdict::transient);
    EXPECT_EQ(verdict_for_status(503), SendVerdict::transient);
    EXPECT_EQ(verdict_for_status(408), SendVerdict::transient);
    EXPECT_EQ(verdict_for_status(400), SendVerdict::permanent);
    EXPECT_EQ(verdict_for_status(401), SendVerdict::permanent);
    EXPECT_EQ(verdict_for_status(403), SendVerdict::permanent);
    EXPECT_EQ(verdict_for_status(404), SendVerdict::permanent);
}

TEST(CoreDelivery, retry_after_is_read_in_seconds) {
    EXPECT_EQ(parse_retry_after("120"), seconds{120});
    EXPECT_EQ(parse_retry_after(" 5\r"), seconds{5});
    EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
    EXPECT_FALSE(parse_retry_after(""));
}

TEST(CoreDelivery, backoff_is_exponential_with_full_jitter_and_capped) {
    const RetryPolicy policy{5, milliseconds{1000}, milliseconds{8000}};
    EXPECT_EQ(policy.delay(1, 0.999999, std::nullopt).count(), 999);
    EXPECT_EQ(policy.delay(2, 0.5, std::nullopt), milliseconds{1000});
    EXPECT_EQ(policy.delay(3, 0.5, std::nullopt), milliseconds{2000});
    EXPECT_EQ(policy.delay(10, 0.5, std::nullopt), milliseconds{4000}) << "capped at 8 s";
    EXPECT_EQ(policy.delay(3, 0.0, std::nullopt), milliseconds{0}) << "full jitter starts at 0";
    EXPECT_TRUE(policy.may_retry(4));
    EXPECT_FALSE(policy.may_retry(5));
}

TEST(CoreDelivery, retry_after_is_honoured_as_a_minimum) {
    const RetryPolicy policy{5, milliseconds{1000}, milliseconds{60000}};
    EXPECT_EQ(policy.delay(1, 0.1, seconds{30}), milliseconds{30000});
    EXPECT_EQ(policy.delay(8, 0.9, seconds{1}).count(), 54000) << "jitter above Retry-After";
}

TEST(CoreDelivery, circuit_breaker_opens_probes_and_closes) {
    const auto t0 = CircuitBreaker::Clock::time_point{} + hours{1};
    CircuitBreaker breaker(3, milliseconds{1000}, milliseconds{4000});
    EXPECT_FALSE(breaker.record(true, t0));
    EXPECT_FALSE(breaker.record(false, t0)) << "a success resets the count";
    EXPECT_FALSE(breaker.record(true, t0));
    EXPECT_FALSE(breaker.record(true, t0));
    EXPECT_TRUE(breaker.record(true, t0)) << "3 in a row: open";
    EXPECT_EQ(breaker.state(), CircuitBreaker::State::open);
    EXPECT_FALSE(breaker.allow(t0 + milliseconds{999}));
    EXPECT_TRUE(breaker.allow(t0 + milliseconds{1000})) << "one probe";
    EXPECT_TRUE(breaker.allow(t0 + milliseconds{1000})) << "still allowed: nothing was sent";
    breaker.on_request_sent();
    EXPECT_FALSE(breaker.allow(t0 + milliseconds{1001})) << "only one";
    EXPECT_FALSE(breaker.record(true, t0 + milliseconds{1100})) << "probe failed: still down";
    EXPECT_FALSE(breaker.allow(t0 + milliseconds{2500})) << "cooldown doubled to 2 s";
    EXPECT_TRUE(breaker.allow(t0 + milliseconds{3100}));
    EXPECT_TRUE(breaker.record(false, t0 + milliseconds{3200})) << "probe succeeded: closed";
    EXPECT_EQ(breaker.state(), CircuitBreaker::State::closed);
    EXPECT_TRUE(breaker.allow(t0 + milliseconds{3201}));
}

TEST(CoreDelivery, token_bucket_paces_and_can_be_off) {
    const auto t0 = TokenBucket::Clock::time_point{} + hours{1};
    TokenBucket bucket(10, 10, t0);
    EXPECT_EQ(bucket.take(25, t0), 10) << "a full bucket holds one second";
    EXPECT_EQ(bucket.take(5, t0), 0);
    EXPECT_EQ(bucket.wait_for_one(t0), milliseconds{100});
    EXPECT_EQ(bucket.take(5, t0 + milliseconds{350}), 3);
    TokenBucket unlimited(0, 0, t0);
    EXPECT_EQ(unlimited.take(1000, t0), 1000);
    EXPECT_EQ(unlimited.wait_for_one(t0), milliseconds{0});
}

// Tokens taken for claims a gateway then did not get (its numbers were not due) come back, up
// to the burst: several gateways share no tokens, and none loses rate to another's queue.
TEST(CoreDelivery, token_bucket_takes_back_unused_tokens_up_to_its_burst) {
    const auto t0 = TokenBucket::Clock::time_point{} + hours{1};
    TokenBucket bucket(10, 10, t0);
    EXPECT_EQ(bucket.take(8, t0), 8);
    bucket.give_back(6);
    EXPECT_EQ(bucket.take(25, t0), 8);
    bucket.give_back(50);
    EXPECT_EQ(bucket.take(25, t0), 10) << "never beyond the burst";
}
