// The dispatcher's decisions without the engine around them: which lane the router gives a
// number (engine/lane_router.hpp) and what a gateway's answer makes of a claimed delivery or
// reply and of its lane (engine/send_outcome.hpp). Lanes here have a port that never sends:
// nothing goes out, only the decisions are read.
#include "core/gateway.hpp"
#include "engine/dispatch_profile.hpp"
#include "engine/lane.hpp"
#include "engine/lane_router.hpp"
#include "engine/send_outcome.hpp"

#include <gtest/gtest.h>

using namespace kibaru;
using State = core::DeliveryState;

namespace {

class IdlePort final : public net::HttpPort {
public:
    void send(core::HttpRequest, std::chrono::milliseconds,
              std::function<void(net::HttpResponse)>) override {
        ADD_FAILURE() << "a decision sent a request";
    }
    std::size_t in_flight() const override { return 0; }
};

net::HttpResponse answer(int status, std::string body, bool never_sent = false) {
    net::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.never_sent = never_sent;
    r.error = status == 0 ? (never_sent ? "connection refused" : "timed out") : "";
    r.latency = std::chrono::milliseconds{12};
    return r;
}

const auto k_now = engine::Millis{std::chrono::milliseconds{1'546'938'000'000}};

class SendOutcomeTest : public ::testing::Test {
protected:
    // "first" (Orange numbers only, tried first) and "second" (every number); circuits open
    // after 2 consecutive transient failures; 3 attempts per delivery.
    void SetUp() override {
        core::GatewayConfig first;
        first.name = "first";
        first.operators = {"orange"};
        first.rate_per_second = 0;
        first.max_attempts = 3;
        first.breaker_threshold = 2;
        core::GatewayConfig second = first;
        second.name = "second";
        second.operators = {};
        second.priority = 2;
        config.gateways = {first, second};
        routes = core::sending_gateways(config);
        for (const auto& g : routes) {
            lanes.emplace_back(std::make_unique<IdlePort>(), g,
                               core::GatewaySettings::for_gateway(config, g, "", ""), steady);
            lanes.back().measure(steady);
        }
        router.emplace(routes, lanes, core::numbering_plan(config.contacts),
                       config.routing.failover);
    }

    engine::OutcomeContext context(double jitter = 0.5) {
        return {k_now, steady, jitter, config.routing.failover, *router};
    }
    engine::ClaimedDelivery claimed(std::size_t lane, int attempt = 1, bool in_doubt = false,
                                    std::string refused_by = "") {
        return {lane,           42,
                attempt,        {7, 1, State::sending, 1},
                "+22376000001", std::move(refused_by),
                in_doubt,       lanes[lane].token_generation};
    }

    core::Config config;
    std::vector<core::GatewayConfig> routes;
    std::vector<engine::Lane> lanes;
    std::optional<engine::LaneRouter> router;
    engine::Lane::Clock::time_point steady = engine::Lane::Clock::now();
    engine::EngineStats stats;
};

} // namespace

TEST_F(SendOutcomeTest, the_router_takes_the_operators_gateway_first_and_the_next_after_a_refusal) {
    EXPECT_EQ(router->choose("+22376000001", "", "").lane, 0u) << "Orange: first";
    EXPECT_EQ(router->choose("+22366000001", "", "").lane, 1u) << "Moov: only second takes it";
    EXPECT_EQ(router->choose("+22376000001", "first", "").lane, 1u);
    const auto none = router->choose("+22376000001", "first,second", "");
    EXPECT_FALSE(none.lane);
    EXPECT_FALSE(none.blocked);
    EXPECT_EQ(none.why, "every gateway that takes this number refused it (first,second)");
}

TEST_F(SendOutcomeTest, a_number_in_doubt_waits_for_its_gateway_even_when_another_is_free) {
    lanes[0].capacity = 0; // full for now
    const auto choice = router->choose("+22376000001", "", "first");
    EXPECT_FALSE(choice.lane);
    EXPECT_EQ(choice.blocked, 0u);
    EXPECT_EQ(router->choose("+22376000001", "", "").blocked, 0u)
        << "a full (not down) gateway keeps its numbers: failover is for a refusal or an outage";
    lanes[0].down = true;
    EXPECT_EQ(router->choose("+22376000001", "", "").lane, 1u) << "down: the next carries it";
    EXPECT_EQ(router->choose("+22376000001", "", "first").blocked, 0u) << "in doubt: never";
}

TEST_F(SendOutcomeTest,
       a_row_blocked_by_a_full_lane_is_put_off_briefly_and_by_a_down_one_until_it_is_back) {
    lanes[0].capacity = 0;
    EXPECT_EQ(engine::LaneRouter::defer_until(lanes[0], k_now, steady, false),
              k_now.time_since_epoch().count() + 100);
    EXPECT_EQ(engine::LaneRouter::defer_until(lanes[0], k_now, steady, true), std::nullopt)
        << "run-once sends it in this run";
    lanes[0].down = true;
    lanes[0].ready_at = steady + std::chrono::seconds{30};
    EXPECT_EQ(engine::LaneRouter::defer_until(lanes[0], k_now, steady, true),
              k_now.time_since_epoch().count() + 30'000)
        << "run-once does not wait out an outage";
}

TEST_F(SendOutcomeTest, accepted_is_sent_through_that_gateway) {
    const auto v = engine::delivery_outcome(
        lanes[0], claimed(0), answer(202, "0: Accepted for delivery"), context(), stats);
    EXPECT_EQ(v.transition.state, State::sent);
    EXPECT_EQ(v.transition.gateway, "first");
    EXPECT_EQ(v.transition.http_status, 202);
    EXPECT_EQ(v.transition.latency_ms, 12);
    EXPECT_EQ(v.transition.from, std::vector<State>{State::sending});
    EXPECT_EQ(v.transition.before->campaign_id, 7);
    EXPECT_TRUE(v.counts_for_health);
    EXPECT_FALSE(v.circuit_changed);
    EXPECT_EQ(stats.sent, 1);
}

TEST_F(SendOutcomeTest, a_certain_refusal_goes_at_once_to_the_next_gateway) {
    const auto v = engine::delivery_outcome(lanes[0], claimed(0),
                                            answer(403, "Authorization failed"), context(), stats);
    EXPECT_EQ(v.transition.state, State::retrying);
    EXPECT_EQ(v.transition.refused_by, "first");
    EXPECT_EQ(v.transition.next_attempt_ms, k_now.time_since_epoch().count());
    EXPECT_EQ(v.transition.in_doubt_at, "");
    EXPECT_EQ(stats.failed_over, 1);
    const auto never =
        engine::delivery_outcome(lanes[0], claimed(0), answer(0, "", true), context(), stats);
    EXPECT_EQ(never.transition.refused_by, "first") << "a connection never made: certain too";
}

TEST_F(SendOutcomeTest, a_refusal_with_no_other_gateway_for_the_number_fails) {
    const auto v = engine::delivery_outcome(lanes[1], claimed(1, 1, false, "first"),
                                            answer(403, "Authorization failed"), context(), stats);
    EXPECT_EQ(v.transition.state, State::failed);
    EXPECT_EQ(stats.failed, 1);
}

TEST_F(SendOutcomeTest, an_answer_that_never_came_keeps_the_delivery_with_its_gateway) {
    const auto v = engine::delivery_outcome(lanes[0], claimed(0), answer(0, ""), context(), stats);
    EXPECT_EQ(v.transition.state, State::retrying);
    EXPECT_EQ(v.transition.in_doubt_at, "first");
    EXPECT_EQ(v.transition.refused_by, "");
    EXPECT_GT(v.transition.next_attempt_ms, k_now.time_since_epoch().count()) << "backoff";
    // On a later attempt, in doubt there, even a certain refusal does not send it elsewhere.
    const auto later = engine::delivery_outcome(
        lanes[0], claimed(0, 2, true), answer(403, "Authorization failed"), context(), stats);
    EXPECT_EQ(later.transition.state, State::failed);
    EXPECT_EQ(later.transition.refused_by, "");
}

TEST_F(SendOutcomeTest, an_outage_opens_the_circuit_and_uses_up_no_attempts) {
    const auto first =
        engine::delivery_outcome(lanes[0], claimed(0, 3), answer(500, "busy"), context(), stats);
    EXPECT_EQ(first.transition.state, State::failed) << "its last attempt, the gateway still up";
    const auto second =
        engine::delivery_outcome(lanes[0], claimed(0, 3), answer(500, "busy"), context(), stats);
    EXPECT_TRUE(second.circuit_changed) << "the threshold (2) reached: the circuit opens";
    EXPECT_EQ(second.error, "HTTP 500: busy");
    EXPECT_EQ(second.transition.state, State::retrying) << "the gateway is down, not the delivery";
    EXPECT_FALSE(lanes[0].circuit_closed());
}

TEST_F(SendOutcomeTest, a_reply_in_doubt_is_unknown_and_never_sent_twice) {
    const engine::ClaimedReply reply{0, 5, 1, 0};
    EXPECT_EQ(engine::reply_outcome(lanes[0], reply, answer(0, ""), context()).outcome.state,
              State::unknown);
    const auto retried = engine::reply_outcome(lanes[0], reply, answer(500, "busy"), context());
    EXPECT_EQ(retried.outcome.state, State::retrying);
    EXPECT_GT(retried.outcome.next_attempt_ms, k_now.time_since_epoch().count());
    const engine::ClaimedReply last{0, 5, 3, 0};
    EXPECT_EQ(engine::reply_outcome(lanes[1], last, answer(500, "busy"), context()).outcome.state,
              State::failed)
        << "a reply does not wait out an outage: its attempts are its own";
    const auto sent =
        engine::reply_outcome(lanes[1], reply, answer(202, "0: Accepted for delivery"), context());
    EXPECT_EQ(sent.outcome.state, State::sent);
    EXPECT_EQ(sent.outcome.gateway, "second");
}

// A lane claims max_in_flight for its connections and, waiting behind them, what those finish
// while the dispatcher commits one cycle: a gateway on the same machine (answers in 250 us,
// cycles of 450 us) gets more, up to twice max_in_flight; a remote one, or one not measured yet,
// max_in_flight.
TEST_F(SendOutcomeTest, the_claim_window_follows_the_gateways_round_trip_against_the_cycle) {
    using std::chrono::microseconds;
    auto& lane = lanes[0];
    ASSERT_EQ(lane.config.max_in_flight, 16);
    EXPECT_EQ(lane.claim_window(), 32) << "nothing measured yet";
    lane.note_round_trip(microseconds{250});
    EXPECT_EQ(lane.claim_window(), 32) << "no cycle measured yet";
    lane.note_cycle(microseconds{450});
    EXPECT_EQ(lane.claim_window(), 16 + 29) << "16 connections finish 28.8 requests a cycle";
    lane.measure(steady);
    EXPECT_EQ(lane.capacity, 45) << "what the dispatcher may claim now";
    lane.note_round_trip(microseconds{0});
    lane.note_cycle(microseconds{0});
    EXPECT_EQ(lane.claim_window(), 45) << "a clock that did not move measures nothing";
    for (int i = 0; i < 40; ++i) {
        lane.note_round_trip(microseconds{50});
    }
    EXPECT_EQ(lane.claim_window(), 48) << "at most twice max_in_flight waiting";
    EXPECT_EQ(lane.claim_window(), lane.claim_window_max());
    for (int i = 0; i < 40; ++i) {
        lane.note_round_trip(microseconds{200'000}); // a remote gateway's 200 ms
    }
    EXPECT_EQ(lane.claim_window(), 32) << "never fewer than max_in_flight waiting";
    lane.note_round_trip(microseconds{250});
    lane.forget_round_trip(); // a refusal or a timeout
    EXPECT_EQ(lane.claim_window(), 32) << "a failing gateway gets no more claims waiting";
    lane.note_round_trip(microseconds{250});
    EXPECT_EQ(lane.claim_window(), 45) << "its next accepted send measures it afresh";
    EXPECT_EQ(lane.longest_drain(), std::chrono::milliseconds{3 * lane.config.timeout_ms})
        << "SIGTERM's drain covers the largest window: two rounds of waiting, then its own";
}

// The dispatcher's account of a sending run (scripts/profile-dispatch.sh --cycles): cycles that
// claimed nothing are left out; the connections busy on average are the round trips' sum over
// the sending time.
TEST(DispatchProfile, sums_the_cycles_that_claimed_and_the_round_trips_over_the_sending_time) {
    using std::chrono::microseconds;
    engine::DispatchProfile profile;
    EXPECT_EQ(profile.summary({{"default", 32}}), "") << "nothing claimed, nothing to say";
    const auto t0 = engine::DispatchProfile::Clock::time_point{} + std::chrono::seconds{1};
    profile.cycle(t0, microseconds{400}, microseconds{200}, 16);
    profile.cycle(t0 + microseconds{400}, microseconds{600}, microseconds{300}, 24);
    profile.cycle(t0 + microseconds{1000}, microseconds{50}, microseconds{40}, 0); // outcomes only
    for (int i = 0; i < 40; ++i) {
        profile.answer(t0 + microseconds{2000}, microseconds{500});
    }
    EXPECT_EQ(profile.summary({{"orange", 45}, {"moov", 32}}),
              "2 cycles, 20.0 claims and 500 us each (250 us in the commit); over 0.00 s of "
              "sending, 50 % of it in cycles, 10.0 connections busy on average; claim windows "
              "now: orange 45, moov 32");
}
