#include "core/routing.hpp"

#include <gtest/gtest.h>

using namespace kibaru::core;

namespace {

GatewayConfig gateway(std::string name, std::vector<std::string> operators,
                      std::vector<std::string> prefixes, int priority) {
    GatewayConfig g;
    g.name = std::move(name);
    g.operators = std::move(operators);
    g.prefixes = std::move(prefixes);
    g.priority = priority;
    return g;
}

const std::vector<GatewayConfig> k_gateways = {
    gateway("orange", {"orange"}, {}, 1),
    gateway("moov", {"moov"}, {"+22352"}, 1),
    gateway("backup", {}, {}, 2),
};

} // namespace

TEST(CoreRouting, a_number_goes_first_to_its_operators_gateway_then_the_backup) {
    EXPECT_EQ(route_number(k_gateways, "+22385123456", "orange"), (std::vector<std::size_t>{0, 2}));
    EXPECT_EQ(route_number(k_gateways, "+22366123456", "moov"), (std::vector<std::size_t>{1, 2}));
    EXPECT_EQ(route_number(k_gateways, "+22352123456", "telecel"), (std::vector<std::size_t>{1, 2}))
        << "by prefix";
    EXPECT_EQ(route_number(k_gateways, "+22153123456", ""), (std::vector<std::size_t>{2}))
        << "a number no operator list names: only the gateway that takes any number";
}

TEST(CoreRouting, lower_priority_first_then_the_order_of_the_configuration) {
    const std::vector<GatewayConfig> gateways = {gateway("b", {}, {}, 5), gateway("a", {}, {}, 1),
                                                 gateway("c", {}, {}, 5)};
    EXPECT_EQ(route_number(gateways, "+22376123456", "orange"),
              (std::vector<std::size_t>{1, 0, 2}));
}

TEST(CoreRouting, a_gateway_that_refused_a_delivery_is_not_offered_it_again) {
    EXPECT_EQ(route_number(k_gateways, "+22385123456", "orange", "orange"),
              (std::vector<std::size_t>{2}));
    EXPECT_TRUE(route_number(k_gateways, "+22385123456", "orange", "orange,backup").empty());
    EXPECT_EQ(add_refusal("", "orange"), "orange");
    EXPECT_EQ(add_refusal("orange", "backup"), "orange,backup");
    EXPECT_EQ(add_refusal("orange,backup", "orange"), "orange,backup");
    EXPECT_EQ(route_number(k_gateways, "+22385123456", "orange", "orangeX"),
              (std::vector<std::size_t>{0, 2}))
        << "names match whole";
}

TEST(CoreRouting, only_a_certain_refusal_fails_over_never_a_message_in_doubt) {
    auto outcome = [](SendVerdict v, int status) {
        SendOutcome o;
        o.verdict = v;
        o.http_status = status;
        return o;
    };
    EXPECT_TRUE(certainly_not_accepted(outcome(SendVerdict::permanent, 403), false));
    EXPECT_TRUE(certainly_not_accepted(outcome(SendVerdict::permanent, 401), false));
    EXPECT_TRUE(certainly_not_accepted(outcome(SendVerdict::permanent, 400), false));
    EXPECT_TRUE(certainly_not_accepted(outcome(SendVerdict::transient, 0), true))
        << "connection refused: the request never left";
    EXPECT_FALSE(certainly_not_accepted(outcome(SendVerdict::transient, 0), false))
        << "a timeout or a reset after the request left is in doubt";
    EXPECT_FALSE(certainly_not_accepted(outcome(SendVerdict::transient, 503), false));
    EXPECT_FALSE(certainly_not_accepted(outcome(SendVerdict::transient, 429), false));
    EXPECT_FALSE(certainly_not_accepted(outcome(SendVerdict::permanent, 200), false))
        << "an answer in 2xx that refuses (a per-recipient status) is not proof enough";
}
