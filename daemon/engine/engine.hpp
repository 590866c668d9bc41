// The engine: the one place where core decisions, the store and the network meet, and a thin
// one: on the daemon's io_context it wires
//   - the Scheduler (engine/scheduler.hpp): weeks opened when due, closed and expired, in-doubt
//     sends queued again, checkpoints texted to witnesses;
//   - one Lane per gateway (engine/lane.hpp): its token bucket, max_in_flight, retry policy,
//     circuit breaker and access token;
//   - the LaneRouter (engine/lane_router.hpp): each number through the first gateway that takes
//     it, failing over only what one certainly refused, a send in doubt never to a second one;
//   - the claims (engine/claims.hpp): due replies, then due deliveries, rendered and committed
//     `sending` before their requests leave;
//   - the send outcomes (engine/send_outcome.hpp): what each gateway answer makes of a delivery
//     or a reply and of its lane;
//   - the OutcomeBatch (engine/outcome_batch.hpp): outcomes written together with the next
//     claims, in one delivery transaction;
//   - the StorageGuard (engine/storage_guard.hpp): a database that refuses writes pauses
//     claiming, never the daemon, until a write succeeds again.
// The engine itself owns the pump (when to record and claim), the timers and the lifecycle.
// Single-threaded: every method runs on the io_context's thread. The lanes' HTTP runs on a
// thread of its own behind their ports (net/http_thread.hpp), whose answers come back here.
#pragma once

#include "core/config.hpp"
#include "core/gateway.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace kibaru::store {
class Database;
}

namespace kibaru::util {
struct Metrics;
}

namespace kibaru::net {
class HttpPort;
}

namespace kibaru::engine {

using Millis = std::chrono::sys_time<std::chrono::milliseconds>;

// An engine instant as the database and the audit log write it ("2019-01-08T09:00:00Z").
std::string utc(Millis at);

struct EngineOptions {
    bool run_once = false;                // stop when nothing more is due now
    std::chrono::milliseconds tick{1000}; // how often the daemon looks for changes
    // While the database refuses writes (disk full, read-only, I/O error), how often a write is
    // tried again; claiming waits for one to succeed.
    std::chrono::milliseconds storage_retry{2000};
    std::string actor = "daemon";     // for the audit log
    util::Metrics* metrics = nullptr; // updated when given (the daemon's /metrics)
    // Ports, for tests that run the lanes in process: each gateway's HTTP exchange (libcurl on
    // the io_context when empty) and the steady clock of rate limits, circuit breakers and
    // access tokens (std::chrono::steady_clock when empty).
    std::function<std::unique_ptr<net::HttpPort>(const core::GatewayConfig&)> http_port{};
    std::function<std::chrono::steady_clock::time_point()> steady_now{};
};

struct EngineStats {
    std::int64_t weeks_opened = 0;
    std::int64_t weeks_closed = 0;
    std::int64_t sent = 0;    // accepted by the gateway
    std::int64_t retried = 0; // transient failures scheduled again
    std::int64_t failed = 0;
    std::int64_t skipped = 0;
    std::int64_t expired = 0;
    std::int64_t unknown_at_start = 0;
    std::int64_t resent_unknown = 0; // in doubt, sent again (always, or after the grace)
    std::int64_t failed_over = 0;    // certainly refused by a gateway, handed to the next
};

class Engine {
public:
    // `gateways`: one per core::sending_gateways(config), in that order. `clock` gives the
    // current instant (real, or simulated from --now). The engine keeps references to `io` and
    // `db`, which must outlive it.
    Engine(boost::asio::io_context& io, store::Database& db, core::Config config,
           std::vector<core::GatewaySettings> gateways, std::function<Millis()> clock,
           EngineOptions options);
    ~Engine();

    // Recovers from an earlier stop (sending -> unknown), then ticks and dispatches until
    // stop() or, with run_once, until nothing more is due. `on_idle` runs when a run-once pass
    // has finished (in-flight requests done and recorded).
    void start(std::function<void()> on_idle = {});

    // Stops claiming new work; in-flight requests may finish until `deadline`, their outcomes
    // are recorded, then `on_stopped` runs. Requests still out at the deadline stay `sending`
    // and become `unknown` at the next start.
    void stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped);

    // The deadline that lets every claimed request finish: the longest Lane::longest_drain (a
    // request waiting for a connection may start up to two timeouts later, then take its own),
    // plus two seconds to record them.
    std::chrono::milliseconds drain_deadline() const;

    const EngineStats& stats() const;

    // Replies were queued (store/replies_repo.hpp): claim and send them now rather than at the
    // next tick. They go through the gateway lanes with their limits, like deliveries.
    void replies_queued();

    // A week's deliveries wait for gateway slots (the last claim took all it could).
    bool sending_busy() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kibaru::engine
