// The engine's pump (when to record outcomes and claim), its timers and its lifecycle; the
// requests it sends and what their answers make are in engine_sends.cpp.
#include "engine/engine.hpp"

#include "engine/engine_impl.hpp"

#include "core/delivery.hpp"
#include "core/schedule.hpp"
#include "store/deliveries_repo.hpp"
#include "store/event_seal.hpp"
#include "store/sqlite.hpp"
#include "util/metrics.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace kibaru::engine {

using namespace std::chrono;

namespace {
// The dispatcher's writes in each cycle, which sending waits for: a slow one is logged.
constexpr auto cycle = StorageGuard::Write::cycle;
} // namespace

std::string utc(Millis at) {
    return core::format_utc(floor<seconds>(at));
}

Engine::Impl::Impl(boost::asio::io_context& io_, store::Database& db_, core::Config config_,
                   std::vector<core::GatewaySettings> gateways, std::function<Millis()> clock_,
                   EngineOptions options_)
    : io(io_), db(db_), config(std::move(config_)), routes(core::sending_gateways(config)),
      router(routes, lanes, core::numbering_plan(config.contacts), config.routing.failover),
      clock(std::move(clock_)), options(std::move(options_)),
      steady(options.steady_now
                 ? options.steady_now
                 : std::function<steady_clock::time_point()>([] { return steady_clock::now(); })),
      mode(*core::parse_encoding_mode(config.sms.encoding)),
      send_hours(*core::parse_send_hours(config.schedule.send_hours)), tick_timer(io_),
      wake_timer(io_), stop_timer(io_),
      scheduler(db, config, options.actor, options.run_once, stats),
      storage(
          io_, {options.storage_retry, options.metrics, options.run_once},
          [this] { retry_storage(); }, [this] { return outcomes.has_sends(); }) {
    if (gateways.size() != routes.size()) {
        throw std::invalid_argument("one GatewaySettings per sending gateway is needed");
    }
    if (!options.http_port) {
        http_thread = std::make_unique<net::HttpThread>();
    }
    lanes.reserve(routes.size());
    for (std::size_t i = 0; i < routes.size(); ++i) {
        auto port = options.http_port ? options.http_port(routes[i])
                                      : http_thread->port(io, routes[i].max_in_flight);
        lanes.emplace_back(std::move(port), routes[i], std::move(gateways[i]), steady());
        if (options.metrics) {
            options.metrics->gateways[routes[i].name]; // every gateway shows, sent or not
        }
    }
}

std::size_t Engine::Impl::in_flight() const {
    std::size_t n = 0;
    for (const auto& lane : lanes) {
        n += lane.http->in_flight();
    }
    return n;
}

std::vector<std::int64_t> Engine::Impl::sendable_campaigns(Millis now) const {
    std::vector<std::int64_t> ids;
    for (const auto& active : scheduler.campaigns()) {
        if (active.campaign.status == "active" &&
            core::in_send_hours(floor<seconds>(now), active.plan.zone, send_hours)) {
            ids.push_back(active.campaign.id);
        }
    }
    return ids;
}

// `retrying`: the storage retry, while the database refuses writes (see retry_storage).
void Engine::Impl::pump(bool retrying) {
    const auto in_flight_now = in_flight();
    // Outcomes are recorded and new deliveries claimed together, once a quarter of the
    // slots are free, and at least 8 of them from 16 slots up (or once nothing is in
    // flight): a few larger transactions instead of one per SMS. A cycle's fixed cost
    // (commit, seal, claim query) spread over 4 SMS was a fifth of the CPU at the default
    // of 16. Rows in `sending` never exceed the lanes' largest claim windows
    // (Lane::claim_window_max), since claims follow the flush; each cycle is timed for those
    // windows. Counted over all gateways (several small lanes batch as one large one), and at
    // once when a gateway has nothing in flight, so that no gateway idles behind another's
    // slow requests.
    int max_in_flight = 0;
    int window = 0;
    bool a_lane_idle = false;
    for (const auto& lane : lanes) {
        max_in_flight += lane.config.max_in_flight;
        window += lane.claim_window();
        a_lane_idle = a_lane_idle || lane.http->in_flight() == 0;
    }
    const int slots = window - static_cast<int>(in_flight_now);
    const int batch = std::max({1, max_in_flight / 4, max_in_flight >= 16 ? 8 : 1});
    if (!stopping && !retrying && in_flight_now > 0 && slots < batch && !a_lane_idle) {
        return; // a completion will pump again
    }
    if (stopping) {
        flush();
        maybe_stopped();
        return;
    }
    if (storage.failing() && !retrying) {
        return; // the storage retry pumps until a write succeeds
    }
    const int limit = measure_lanes();
    if (limit == 0) {
        flush();
        wait_for_lanes();
        return;
    }
    const Millis now = clock();
    const ClaimContext claiming{db, lanes, router, mode, options.run_once, now, steady()};
    std::vector<store::DueDelivery> due;
    DeliveryClaims claimed;
    std::vector<ReadyReply> replies_ready;
    const EngineStats counted = stats; // claims rolled back are not counted
    const auto cycle_began = steady();
    microseconds commit_took{0};
    const bool committed = storage.write("recording outcomes and claiming sends", cycle, [&] {
        // The outcomes that came back and the next claims, committed together: one
        // transaction (and one WAL commit) per cycle instead of two.
        store::DeliveryTransaction tx(db, utc(now), options.actor);
        outcomes.write(db, utc(now), options.actor);
        storage.audit_if_resuming(db, utc(now), options.actor);
        // A producer waiting for an answer goes before the week's broadcast, but while
        // the broadcast has deliveries waiting, replies take at most a quarter of the
        // slots: a flood of queries (or of STOPs) slows the week down, never stops it.
        const int reply_limit = more_due ? std::max(1, limit / 4) : limit;
        replies_ready = claim_replies(claiming, reply_limit);
        // With several gateways, more rows than the free slots: a busy gateway's numbers
        // at the head of the queue must not hide the numbers another could send now.
        const int wanted = limit - static_cast<int>(replies_ready.size());
        if (wanted > 0) {
            due = store::DeliveriesRepo(db).due(sendable_campaigns(now),
                                                now.time_since_epoch().count(), utc(now), wanted);
        }
        more_due = static_cast<int>(due.size()) == wanted;
        claimed = claim_deliveries(claiming, due, scheduler.campaigns(), stats);
        // Committed before any request leaves: a crash from here on leaves `sending`
        // rows, which become `unknown` (never silently resent) at the next start.
        const auto commit_began = steady();
        tx.commit();
        commit_took = duration_cast<microseconds>(steady() - commit_began);
    });
    const auto cycle_took = duration_cast<microseconds>(steady() - cycle_began);
    for (auto& lane : lanes) {
        lane.bucket.give_back(lane.capacity); // tokens taken for claims not made
        if (committed) {
            lane.note_cycle(cycle_took); // a refused or busy write is no measure of a cycle
        }
    }
    if (committed) {
        profile.cycle(cycle_began, cycle_took, commit_took,
                      static_cast<std::int64_t>(claimed.ready.size()));
    }
    if (!committed) {
        // Nothing was claimed and no request leaves; the outcomes stay in the batch.
        stats = counted;
        return;
    }
    storage.resumed();
    outcomes.clear();
    for (auto& r : replies_ready) {
        send_reply(std::move(r));
    }
    if (due.empty()) {
        maybe_idle();
        return;
    }
    const bool none_ready = claimed.ready.empty();
    for (auto& r : claimed.ready) {
        send_delivery(std::move(r));
    }
    if (claimed.waiting > 0) {
        // Rows whose gateway is full or rate-limited wait at the head of the queue: a
        // completion pumps again, or the wake-up when the gateway may take them.
        more_due = true;
        wait_for_lanes();
        return;
    }
    if (none_ready) {
        post_pump(); // all skipped, failed or put off: look for more
    }
}

// Sets each lane's capacity for this pump (tokens taken for it) and returns their sum: the
// free slots, one probe while its circuit is open, or none while it is open or its rate
// limit holds (with ready_at set for when that ends).
int Engine::Impl::measure_lanes() {
    const auto now = steady();
    int total = 0;
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        if (lanes[i].measure(now) == Lane::Measure::needs_token) {
            fetch_token(i);
        }
        total += lanes[i].capacity;
    }
    return total;
}

// Nothing could be claimed now: wake when the first waiting lane may take claims again (a
// completion pumps sooner). Run-once does not wait out an outage.
void Engine::Impl::wait_for_lanes() {
    std::optional<steady_clock::time_point> first;
    bool only_outages = true;
    for (const auto& lane : lanes) {
        if (lane.ready_at && lane.http->in_flight() == 0) {
            first = first ? std::min(*first, *lane.ready_at) : *lane.ready_at;
            only_outages = only_outages && lane.down;
        }
    }
    if (!first) {
        return;
    }
    if (options.run_once && only_outages && in_flight() == 0) {
        maybe_idle(true);
        return;
    }
    wake_at(*first);
}

// Records every outcome that arrived since the last flush in one transaction. When the
// database refuses it, the outcomes stay in memory for the next attempt.
void Engine::Impl::flush() {
    if (outcomes.empty()) {
        return;
    }
    const bool written = storage.write("recording outcomes", cycle, [&] {
        const auto now = utc(clock());
        store::DeliveryTransaction tx(db, now, options.actor);
        outcomes.write(db, now, options.actor);
        storage.audit_if_resuming(db, now, options.actor);
        tx.commit();
    });
    if (written) {
        storage.resumed();
        outcomes.clear();
    }
}

// While the database refuses writes: the recovery of the last stop if it has not been
// done, then a pump whose transaction, the one that failed (outcomes and claims), is the
// test. A smaller write (an audit entry alone) may fit in a page's free bytes on a full
// disk and would declare a recovery the next claim disproves.
void Engine::Impl::retry_storage() {
    if (!recovered && !storage.write("recovering from the last stop", [&] { recover(); })) {
        return;
    }
    pump(true);
    if (storage.failing()) {
        storage.retry_later(); // the pump found nothing to write: try again later
    }
}

// Stopping while the database refuses writes: what the gateways answered is lost with the
// process, and the deliveries stay claimed (`unknown` at the next start, never resent
// blindly).
void Engine::Impl::warn_unwritten() {
    if (outcomes.has_sends()) {
        spdlog::error("stopping with gateway answers the database refused; their deliveries "
                      "stay claimed and are `unknown` at the next start");
    }
}

// The last stop's `sending` rows become `unknown`: before any claim.
void Engine::Impl::recover() {
    scheduler.recover(clock());
    recovered = true;
}

// Completions arriving in the same turn of the loop are recorded together.
void Engine::Impl::post_pump() {
    if (flush_posted) {
        return;
    }
    flush_posted = true;
    boost::asio::post(io, [this] {
        flush_posted = false;
        pump();
    });
}

// One wake-up at a time, the earliest asked for: a gateway whose tokens come back in 50 ms
// is not kept waiting behind another's 30 s cooldown.
void Engine::Impl::wake_at(steady_clock::time_point at) {
    if (waking && at >= wake_timer.expiry()) {
        return;
    }
    waking = true;
    wake_timer.expires_at(at); // cancels the later wait, whose handler then does nothing
    wake_timer.async_wait([this](const boost::system::error_code& ec) {
        if (ec == boost::asio::error::operation_aborted) {
            return;
        }
        waking = false;
        if (!ec) {
            pump();
        }
    });
}

void Engine::Impl::maybe_idle(bool force) {
    if (!options.run_once || in_flight() > 0 || outcomes.has_sends()) {
        return;
    }
    if ((force || !more_due) && on_idle) {
        log_profile();
        auto done = std::move(on_idle);
        on_idle = nullptr;
        done();
    }
}

void Engine::Impl::log_profile() const {
    std::vector<std::pair<std::string, int>> windows;
    for (const auto& lane : lanes) {
        windows.emplace_back(lane.settings.name, lane.claim_window());
    }
    if (const auto line = profile.summary(windows); !line.empty()) {
        spdlog::info("dispatcher: {}", line);
    }
}

void Engine::Impl::schedule_tick() {
    tick_timer.expires_after(options.tick);
    tick_timer.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping) {
            return;
        }
        if (!storage.failing()) {
            storage.write("opening and closing weeks", [&] { scheduler.tick(clock()); });
            pump();
        }
        schedule_tick();
    });
}

void Engine::Impl::maybe_stopped() {
    if (in_flight() > 0 || !on_stopped) {
        return;
    }
    flush();
    warn_unwritten();
    log_profile();
    stop_timer.cancel();
    auto done = std::move(on_stopped);
    on_stopped = nullptr;
    done();
}

Engine::Engine(boost::asio::io_context& io, store::Database& db, core::Config config,
               std::vector<core::GatewaySettings> gateways, std::function<Millis()> clock,
               EngineOptions options)
    : m_impl(std::make_unique<Impl>(io, db, std::move(config), std::move(gateways),
                                    std::move(clock), std::move(options))) {}

Engine::~Engine() = default;

void Engine::start(std::function<void()> on_idle) {
    auto& impl = *m_impl;
    impl.on_idle = std::move(on_idle);
    if (impl.storage.write("recovering from the last stop", [&impl] { impl.recover(); })) {
        impl.storage.write("opening and closing weeks",
                           [&impl] { impl.scheduler.tick(impl.clock()); });
        impl.pump();
    }
    if (!m_impl->options.run_once) {
        m_impl->schedule_tick();
    }
}

void Engine::stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped) {
    auto& impl = *m_impl;
    impl.stopping = true;
    impl.on_stopped = std::move(on_stopped);
    impl.tick_timer.cancel();
    impl.wake_timer.cancel();
    impl.storage.stop();
    impl.stop_timer.expires_after(deadline);
    impl.stop_timer.async_wait([&impl](const boost::system::error_code& ec) {
        if (ec || !impl.on_stopped) {
            return;
        }
        spdlog::warn("{} requests still in flight at the shutdown deadline; they will be "
                     "unknown at the next start",
                     impl.in_flight());
        impl.flush();
        impl.warn_unwritten();
        auto done = std::move(impl.on_stopped);
        impl.on_stopped = nullptr;
        done();
    });
    impl.maybe_stopped();
}

std::chrono::milliseconds Engine::drain_deadline() const {
    milliseconds longest{0};
    for (const auto& lane : m_impl->lanes) {
        longest = std::max(longest, lane.longest_drain());
    }
    return longest + milliseconds{2000}; // and the time to record them
}

const EngineStats& Engine::stats() const {
    return m_impl->stats;
}

void Engine::replies_queued() {
    m_impl->post_pump();
}

bool Engine::sending_busy() const {
    return m_impl->more_due && !m_impl->stopping;
}

} // namespace kibaru::engine