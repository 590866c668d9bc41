// Internal to the engine (not part of its interface): the definition of Engine::Impl, the thin
// engine's state and member functions, shared by engine.cpp (the pump, the timers and the
// lifecycle) and engine_sends.cpp (the requests sent and what their answers make).
#pragma once

#include "engine/claims.hpp"
#include "engine/dispatch_profile.hpp"
#include "engine/engine.hpp"
#include "engine/lane.hpp"
#include "engine/lane_router.hpp"
#include "engine/outcome_batch.hpp"
#include "engine/scheduler.hpp"
#include "engine/send_outcome.hpp"
#include "engine/storage_guard.hpp"

#include "core/config.hpp"
#include "core/delivery.hpp"
#include "core/gateway.hpp"
#include "core/schedule.hpp"
#include "core/sms.hpp"
#include "net/asio.hpp"
#include "net/http_port.hpp"
#include "net/http_thread.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace kibaru::engine {

// The thin engine: it wires the scheduler, the lanes, the router, the claims and the outcome
// batch on the io_context, and owns the timers and the lifecycle.
struct Engine::Impl {
    boost::asio::io_context& io;
    store::Database& db;
    core::Config config;
    std::vector<core::GatewayConfig> routes; // each lane's config, for routing
    // The lanes' libcurl clients run on it (unless options.http_port gives ports); declared
    // before the lanes, so that it stops after their ports are gone.
    std::unique_ptr<net::HttpThread> http_thread;
    std::vector<Lane> lanes; // in the order of routes
    LaneRouter router;       // over routes and lanes
    std::function<Millis()> clock;
    EngineOptions options;
    // lanes' clock: options.steady_now or real
    std::function<std::chrono::steady_clock::time_point()> steady;
    core::EncodingMode mode;
    core::SendHours send_hours;
    boost::asio::steady_timer tick_timer;
    boost::asio::steady_timer wake_timer;
    boost::asio::steady_timer stop_timer;
    std::mt19937_64 random{std::random_device{}()};
    EngineStats stats;
    DispatchProfile profile;
    Scheduler scheduler;   // keeps a reference to stats
    OutcomeBatch outcomes; // recorded, not yet committed
    StorageGuard storage;
    bool recovered = false; // the last stop's `sending` rows are `unknown` now
    bool flush_posted = false;
    bool waking = false;
    bool stopping = false;
    bool more_due = false; // the last claim filled its limit
    std::function<void()> on_idle;
    std::function<void()> on_stopped;

    Impl(boost::asio::io_context& io_, store::Database& db_, core::Config config_,
         std::vector<core::GatewaySettings> gateways, std::function<Millis()> clock_,
         EngineOptions options_);

    // engine.cpp: the pump, the timers and the lifecycle.
    std::size_t in_flight() const;
    std::vector<std::int64_t> sendable_campaigns(Millis now) const;
    void pump(bool retrying = false);
    int measure_lanes();
    void wait_for_lanes();
    void flush();
    void retry_storage();
    void warn_unwritten();
    void recover();
    void post_pump();
    void wake_at(std::chrono::steady_clock::time_point at);
    void maybe_idle(bool force = false);
    void schedule_tick();
    void maybe_stopped();
    void log_profile() const;

    // engine_sends.cpp: the requests sent and what their answers make.
    void fetch_token(std::size_t i);
    OutcomeContext outcome_context();
    void send_delivery(ReadyDelivery ready);
    void on_delivery_answer(ClaimedDelivery claimed, const net::HttpResponse& response);
    void send_reply(ReadyReply ready);
    void on_reply_answer(const ClaimedReply& claimed, const net::HttpResponse& response);
    void circuit_changed(const Lane& lane, const std::string& last_error);
};

} // namespace kibaru::engine
