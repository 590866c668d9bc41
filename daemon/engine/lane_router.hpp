// The lane router: which gateway lane carries a number now. A delivery in doubt at a gateway
// stays with that gateway (never a second one); any other goes to the first lane that takes the
// number, has not refused it and whose circuit is not open (with failover off, the first alone).
// And for a row whose lane cannot take it now, when to look at it again, so that the rows
// behind it, for other gateways, are not hidden by it. Decisions only: it reads the lanes as the
// last measure() left them and changes nothing.
#pragma once

#include "core/config.hpp"
#include "core/numbering_plan.hpp"
#include "engine/engine.hpp"
#include "engine/lane.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::engine {

// `lane` when one can take the number now; else `blocked` when the lane it must wait for cannot
// take it now, or `why` when none ever will.
struct LaneChoice {
    std::optional<std::size_t> lane;
    std::optional<std::size_t> blocked;
    std::string why;
};

class LaneRouter {
public:
    // Keeps references: `routes` (each lane's config, in the order of `lanes`) and `lanes` must
    // outlive it.
    LaneRouter(const std::vector<core::GatewayConfig>& routes, const std::vector<Lane>& lanes,
               core::NumberingPlan numbering, bool failover);

    // `refused_by`: the gateways that certainly refused it (comma-separated); `in_doubt_at`: the
    // gateway it may have reached already ("" when none).
    LaneChoice choose(const std::string& phone, const std::string& refused_by,
                      const std::string& in_doubt_at) const;

    // A gateway other than those in `refused_by` takes the number (failover has somewhere to go).
    bool another_takes(const std::string& phone, const std::string& refused_by) const;

    // When a row waiting for `lane` should be looked at again (engine clock, ms), or nullopt to
    // leave it at the head of the queue. A lane that is down or rate-limited puts it off until
    // it may take claims again; one that is only full for a moment, for 100 ms. Run-once never
    // puts off a row it would still send in this run, but does put off those of a gateway that
    // is down: it does not wait out outages.
    static std::optional<std::int64_t>
    defer_until(const Lane& lane, Millis now, Lane::Clock::time_point steady_now, bool run_once);

private:
    const std::vector<core::GatewayConfig>& m_routes;
    const std::vector<Lane>& m_lanes;
    core::NumberingPlan m_numbering;
    bool m_failover;
};

} // namespace kibaru::engine
