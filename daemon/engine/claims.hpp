// Claims: the due deliveries and replies the dispatcher takes for this pump, each rendered,
// routed to a lane and recorded `sending` inside the caller's transaction, which commits before
// any request leaves (a crash from then on leaves `sending` rows, which become `unknown` — never
// silently resent — at the next start). A row whose lane cannot take it now is put off or left
// queued; one that can never be sent (opted out, no gateway takes its number, a message that
// does not render) is settled at once. Returns the requests to send once the commit is done.
#pragma once

#include "core/gateway.hpp"
#include "core/sms.hpp"
#include "engine/engine.hpp"
#include "engine/lane.hpp"
#include "engine/lane_router.hpp"
#include "engine/scheduler.hpp"
#include "store/deliveries_repo.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kibaru::store {
class Database;
}

namespace kibaru::engine {

// What the dispatcher needs of a claimed delivery when its gateway answers.
struct ClaimedDelivery {
    std::size_t lane = 0;
    std::int64_t id = 0;
    int attempt = 0;
    store::RowBefore row{}; // the delivery as claimed (`sending`)
    std::string phone{};
    std::string refused_by{};
    bool in_doubt = false; // it may have reached this gateway on an earlier attempt
    std::uint64_t token_generation = 0;
};

struct ReadyDelivery {
    ClaimedDelivery claimed;
    core::HttpRequest request;
};

struct DeliveryClaims {
    std::vector<ReadyDelivery> ready;
    int waiting = 0;  // due rows left queued for a gateway that has no room right now
    int deferred = 0; // due rows put off until their gateway may take them
};

struct ClaimedReply {
    std::size_t lane = 0;
    std::int64_t id = 0;
    int attempt = 0;
    std::uint64_t token_generation = 0;
};

struct ReadyReply {
    ClaimedReply claimed;
    core::HttpRequest request;
};

// What claiming reads and changes: the lanes (each claim takes one of a lane's capacity, as the
// last measure() set it) and the router over them.
struct ClaimContext {
    store::Database& db;
    std::vector<Lane>& lanes;
    const LaneRouter& router;
    core::EncodingMode mode;
    bool run_once;
    Millis now;
    Lane::Clock::time_point steady_now;
};

// The due deliveries (as DeliveriesRepo::due read them in this transaction), of `campaigns`.
// Counts the skipped and failed in `stats`.
DeliveryClaims claim_deliveries(const ClaimContext& context,
                                const std::vector<store::DueDelivery>& due,
                                const std::vector<ActiveCampaign>& campaigns, EngineStats& stats);

// Up to `limit` due replies, each through the first gateway that takes its number and has room
// now; one whose gateway has none is put off so that the replies behind it are claimed.
std::vector<ReadyReply> claim_replies(const ClaimContext& context, int limit);

} // namespace kibaru::engine
