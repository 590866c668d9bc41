// What a gateway's answer makes of a claimed delivery or reply, and of its gateway's lane:
// accepted is `sent`; an expired access token (401) is sent again at once with a new one,
// without counting against the gateway's health; a certain refusal goes to the next gateway
// that takes the number (failover); a transient failure is retried with the lane's backoff
// while attempts remain, or while the gateway is down (an outage of any length fails nobody);
// an answer that never came after the request left leaves the message in doubt at that gateway,
// never sent through a second one. The lane's circuit breaker and token state are updated here;
// writing the outcome, logging it and auditing a circuit change are the caller's.
#pragma once

#include "core/delivery.hpp"
#include "engine/claims.hpp"
#include "engine/engine.hpp"
#include "engine/lane.hpp"
#include "engine/lane_router.hpp"
#include "net/http_port.hpp"
#include "store/deliveries_repo.hpp"
#include "store/replies_repo.hpp"

namespace kibaru::engine {

struct OutcomeContext {
    Millis now;
    Lane::Clock::time_point steady_now;
    double jitter = 0.0; // uniform in [0, 1), spreads the retries' backoff
    bool failover = true;
    const LaneRouter& router;
};

struct DeliveryVerdict {
    store::Transition transition{};
    bool counts_for_health = true; // false for a send refused only for its expired token
    bool circuit_changed = false;  // this answer opened or closed the lane's circuit
    std::string error{};           // the gateway's reason, for the outage's audit entry
};

// Counts what it decides in `stats` (sent, retried, failed, failed over).
DeliveryVerdict delivery_outcome(Lane& lane, ClaimedDelivery claimed,
                                 const net::HttpResponse& response, const OutcomeContext& context,
                                 EngineStats& stats);

struct ReplyVerdict {
    store::ReplyOutcome outcome{};
    bool counts_for_health = true;
    bool circuit_changed = false;
    std::string error{};
};

// A reply is retried only while its attempts remain (a producer's answer does not wait out an
// outage) and, in doubt, becomes `unknown`: never sent a second time.
ReplyVerdict reply_outcome(Lane& lane, const ClaimedReply& claimed,
                           const net::HttpResponse& response, const OutcomeContext& context);

} // namespace kibaru::engine
