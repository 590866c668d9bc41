#include "engine/lane_router.hpp"

#include "core/routing.hpp"

#include <algorithm>

namespace kibaru::engine {

using namespace std::chrono;

LaneRouter::LaneRouter(const std::vector<core::GatewayConfig>& routes,
                       const std::vector<Lane>& lanes, core::NumberingPlan numbering, bool failover)
    : m_routes(routes), m_lanes(lanes), m_numbering(std::move(numbering)), m_failover(failover) {}

LaneChoice LaneRouter::choose(const std::string& phone, const std::string& refused_by,
                              const std::string& in_doubt_at) const {
    auto available = [this](std::size_t i) {
        return !m_lanes[i].down && m_lanes[i].capacity > 0 ? LaneChoice{i, std::nullopt, ""}
                                                           : LaneChoice{std::nullopt, i, ""};
    };
    if (!in_doubt_at.empty()) {
        for (std::size_t i = 0; i < m_lanes.size(); ++i) {
            if (m_lanes[i].settings.name == in_doubt_at) {
                return available(i);
            }
        }
        // That gateway is no longer configured: the operator chose to route it anew.
    }
    const auto order =
        core::route_number(m_routes, phone, m_numbering.operator_of(phone), refused_by);
    if (order.empty()) {
        return {std::nullopt, std::nullopt,
                refused_by.empty()
                    ? "no configured gateway takes this number"
                    : "every gateway that takes this number refused it (" + refused_by + ")"};
    }
    for (const auto i : order) {
        if (m_lanes[i].down && m_failover) {
            continue; // its circuit is open: the next gateway carries the number
        }
        return available(i);
    }
    return {std::nullopt, order.front(), ""}; // every one is down
}

bool LaneRouter::another_takes(const std::string& phone, const std::string& refused_by) const {
    return !core::route_number(m_routes, phone, m_numbering.operator_of(phone), refused_by).empty();
}

std::optional<std::int64_t> LaneRouter::defer_until(const Lane& lane, Millis now,
                                                    Lane::Clock::time_point steady_now,
                                                    bool run_once) {
    const auto until = [&](Lane::Clock::time_point at) {
        return (now +
                duration_cast<milliseconds>(std::max(at - steady_now, Lane::Clock::duration{})))
            .time_since_epoch()
            .count();
    };
    if (lane.down && lane.ready_at) {
        return until(*lane.ready_at);
    }
    if (run_once) {
        return std::nullopt;
    }
    if (lane.ready_at) {
        return until(*lane.ready_at);
    }
    return (now + milliseconds{100}).time_since_epoch().count();
}

} // namespace kibaru::engine
