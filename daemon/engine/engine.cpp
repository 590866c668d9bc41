#include "engine/engine.hpp"

#include "core/campaign.hpp"
#include "core/delivery.hpp"
#include "core/schedule.hpp"
#include "net/asio.hpp"
#include "net/http_client.hpp"
#include "store/audit_log.hpp"
#include "store/campaigns_repo.hpp"
#include "store/deliveries_repo.hpp"
#include "store/event_seal.hpp"
#include "store/sqlite.hpp"
#include "util/metrics.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <random>

namespace kibaru::engine {

using namespace std::chrono;
using nlohmann::json;

namespace {

// Deliveries the dispatcher may claim are in one of these states.
const std::string k_queued = "pending,retrying";
// Deliveries a daemon tick expires at most when a week closes: about half a second of work.
constexpr std::int64_t k_closing_step = 50000;

struct ActiveCampaign {
    core::Campaign campaign;
    core::WeekPlan plan;
};

std::string utc(Millis at) {
    return core::format_utc(floor<seconds>(at));
}

} // namespace

struct Engine::Impl {
    boost::asio::io_context& io;
    store::Database& db;
    core::Config config;
    core::GatewaySettings gateway;
    std::function<Millis()> clock;
    EngineOptions options;
    core::EncodingMode mode;
    core::SendHours send_hours;
    core::RetryPolicy retry;
    core::CircuitBreaker breaker;
    core::TokenBucket bucket;
    net::HttpClient http;
    boost::asio::steady_timer tick_timer;
    boost::asio::steady_timer wake_timer;
    boost::asio::steady_timer stop_timer;
    std::mt19937_64 random{std::random_device{}()};
    std::vector<ActiveCampaign> campaigns;                    // refreshed every tick
    std::vector<store::Transition> outcomes;                  // recorded, not yet committed
    std::vector<std::pair<std::string, json>> outcomes_audit; // outage/recovery, same commit
    bool flush_posted = false;
    bool waking = false;
    bool stopping = false;
    bool more_due = false; // the last claim filled its limit
    std::function<void()> on_idle;
    std::function<void()> on_stopped;
    EngineStats stats;

    Impl(boost::asio::io_context& io_, store::Database& db_, core::Config config_,
         core::GatewaySettings gateway_, std::function<Millis()> clock_, EngineOptions options_)
        : io(io_), db(db_), config(std::move(config_)), gateway(std::move(gateway_)),
          clock(std::move(clock_)), options(std::move(options_)),
          mode(*core::parse_encoding_mode(config.sms.encoding)),
          send_hours(*core::parse_send_hours(config.schedule.send_hours)),
          retry{config.gateway.max_attempts, milliseconds{config.gateway.backoff_initial_ms},
                milliseconds{config.gateway.backoff_max_ms}},
          breaker(config.gateway.breaker_threshold,
                  milliseconds{config.gateway.breaker_cooldown_ms},
                  milliseconds{config.gateway.breaker_max_cooldown_ms}),
          bucket(config.gateway.rate_per_second, config.gateway.rate_per_second,
                 steady_clock::now()),
          http(io_, config.gateway.max_in_flight), tick_timer(io_), wake_timer(io_),
          stop_timer(io_) {}

    void audit(const std::string& action, const std::string& subject, const json& details) {
        store::AuditLog(db).append(utc(clock()), options.actor, action, subject, details.dump());
    }

    // --- start-up -------------------------------------------------------------------------

    void recover() {
        store::Transaction tx(db);
        store::DeliveriesRepo deliveries(db);
        const std::string now = utc(clock());
        const auto& policy = config.gateway.resend_unknown;
        stats.unknown_at_start = deliveries.mark_interrupted(now);
        if (stats.unknown_at_start > 0) {
            audit("deliveries.interrupted", "daemon",
                  {{"unknown", stats.unknown_at_start}, {"resend_unknown", policy}});
            spdlog::warn("{} deliveries were in flight when kibaru last stopped: now unknown{}",
                         stats.unknown_at_start,
                         policy == "always" ? ", sending them again"
                         : policy == "after_grace"
                             ? ", sent again after " +
                                   std::to_string(config.gateway.unknown_grace_seconds) +
                                   " s unless a delivery report comes first"
                             : "");
        }
        if (policy == "always") {
            stats.resent_unknown +=
                deliveries.requeue_unknown(now, "sent again: [gateway] resend_unknown = always");
        }
        store::seal_delivery_events(db, now, options.actor);
        tx.commit();
    }

    // --- the scheduler --------------------------------------------------------------------

    // resend_unknown = "after_grace": an unknown delivery of an open week that no delivery
    // report has resolved within the grace is sent again, in its own small transaction.
    void resend_after_grace(Millis now) {
        if (config.gateway.resend_unknown != "after_grace") {
            return;
        }
        const std::string now_text = utc(now);
        const std::string cutoff = utc(now - seconds{config.gateway.unknown_grace_seconds});
        store::DeliveriesRepo deliveries(db);
        if (!deliveries.unknown_unchanged_since(cutoff, now_text)) {
            return;
        }
        store::Transaction tx(db);
        const auto resent = deliveries.requeue_unknown(
            now_text,
            "sent again: no delivery report within unknown_grace_seconds (" +
                std::to_string(config.gateway.unknown_grace_seconds) + " s)",
            cutoff);
        if (resent > 0) {
            stats.resent_unknown += resent;
            audit("deliveries.resent", "daemon",
                  {{"deliveries", resent},
                   {"reason", "in doubt, no delivery report within the grace"},
                   {"unknown_grace_seconds", config.gateway.unknown_grace_seconds}});
            spdlog::warn("{} deliveries in doubt had no delivery report within {} s: sent again",
                         resent, config.gateway.unknown_grace_seconds);
        }
        store::seal_delivery_events(db, now_text, options.actor);
        tx.commit();
    }

    void tick() {
        const Millis now = clock();
        resend_after_grace(now);
        const std::string now_text = utc(now);
        const auto now_seconds = floor<seconds>(now);
        const auto started = steady_clock::now();
        std::vector<std::int64_t> cancelled;
        store::CampaignsRepo campaigns_repo(db);
        store::DeliveriesRepo deliveries(db);
        bool due_to_open = false;
        campaigns.clear();
        for (auto& campaign : campaigns_repo.list()) {
            auto plan = core::plan_campaign(campaign);
            if (!plan) {
                spdlog::error("campaign {} cannot be scheduled: {}", campaign.id,
                              plan.error().message);
                continue;
            }
            if (campaign.status == "cancelled") {
                cancelled.push_back(campaign.id);
                continue;
            }
            const int current = std::min(plan->week_at(now_seconds), campaign.weeks);
            due_to_open = due_to_open || deliveries.opened_weeks(campaign.id).size() <
                                             static_cast<std::size_t>(std::max(current, 0));
            campaigns.push_back({campaign, *plan});
        }
        if (due_to_open) {
            // Openings first, in their own transaction. An opening copies its audience from
            // contacts in one INSERT ... SELECT, so its rows are valid by construction and
            // checking their foreign keys one by one would only cost time (a tenth of a
            // million-delivery opening). Everything else runs with the checks on. Which weeks
            // are open is read again inside the transaction: a run-once may have opened some.
            store::ForeignKeysOff unchecked(db);
            store::Transaction tx(db);
            for (const auto& active : campaigns) {
                const int current =
                    std::min(active.plan.week_at(now_seconds), active.campaign.weeks);
                const auto opened = deliveries.opened_weeks(active.campaign.id);
                for (int week = 1; week <= current; ++week) {
                    if (!std::binary_search(opened.begin(), opened.end(), week)) {
                        open_week(active.campaign, active.plan, week, campaigns_repo, deliveries,
                                  now);
                    }
                }
            }
            tx.commit();
        }
        const auto opened = steady_clock::now();
        const auto to_close = deliveries.weeks_to_close(now_text);
        if (cancelled.empty() && to_close.empty()) {
            return; // nothing to write: no transaction this tick
        }
        store::Transaction tx(db);
        for (const auto id : cancelled) {
            const auto skipped = deliveries.skip_unsent(id, now_text, "the campaign was cancelled");
            if (skipped > 0) {
                stats.skipped += skipped;
                audit("deliveries.skipped", "campaign " + std::to_string(id),
                      {{"reason", "campaign cancelled"}, {"deliveries", skipped}});
            }
        }
        for (const auto& week : to_close) {
            // In steps of k_closing_step per tick, so that a week with a huge unsent rest does
            // not hold the loop (callbacks, other weeks' sends) for seconds; run-once finishes.
            const auto closing = deliveries.close_week(
                week.campaign_id, week.week, now_text,
                options.run_once ? std::numeric_limits<std::int64_t>::max() : k_closing_step);
            stats.expired += closing.expired;
            if (!closing.closed) {
                spdlog::info("campaign {} week {} closing: {} more deliveries expired unsent",
                             week.campaign_id, week.week, closing.expired);
                continue;
            }
            ++stats.weeks_closed;
            const auto expired = expired_in(deliveries, week.campaign_id, week.week);
            audit("week.closed", "campaign " + std::to_string(week.campaign_id),
                  {{"week", week.week}, {"expired", expired}});
            if (expired > 0) {
                spdlog::warn("campaign {} week {} closed: {} deliveries expired unsent",
                             week.campaign_id, week.week, expired);
            }
        }
        const auto sealing = steady_clock::now();
        store::seal_delivery_events(db, now_text, options.actor);
        const auto committing = steady_clock::now();
        tx.commit();
        spdlog::debug("tick: {} ms: openings {} ms, closings {} ms, sealing {} ms, commit {} ms",
                      duration_cast<milliseconds>(steady_clock::now() - started).count(),
                      duration_cast<milliseconds>(opened - started).count(),
                      duration_cast<milliseconds>(sealing - opened).count(),
                      duration_cast<milliseconds>(committing - sealing).count(),
                      duration_cast<milliseconds>(steady_clock::now() - committing).count());
    }

    // How many of a week's deliveries expired in all, from the tallies.
    static std::int64_t expired_in(store::DeliveriesRepo& deliveries, std::int64_t campaign_id,
                                   int week) {
        const auto counts = deliveries.week_counts(campaign_id);
        const auto found = counts.find(week);
        if (found == counts.end()) {
            return 0;
        }
        const auto expired = found->second.by_state.find("expired");
        return expired == found->second.by_state.end() ? 0 : expired->second;
    }

    void open_week(const core::Campaign& campaign, const core::WeekPlan& plan, int week,
                   store::CampaignsRepo& campaigns_repo, store::DeliveriesRepo& deliveries,
                   Millis now) {
        const auto opening = deliveries.open_week(
            campaign, week, core::format_utc(plan.opens_at(week)),
            core::format_utc(plan.closes_at(week)), utc(now), now.time_since_epoch().count());
        ++stats.weeks_opened;
        const std::string subject = "campaign " + std::to_string(campaign.id);
        audit("week.opened", subject,
              {{"week", week},
               {"targeted", opening.targeted},
               {"deliveries", {{"first_id", opening.first_id}, {"last_id", opening.last_id}}},
               {"by_language", opening.by_language}});
        spdlog::info("campaign {} week {} opened: {} deliveries", campaign.id, week,
                     opening.targeted);
        for (const auto& [language, count] : opening.by_language) {
            if (!campaigns_repo.message(campaign.id, week, language)) {
                audit("week.missing_message", subject,
                      {{"week", week}, {"language", language}, {"deliveries", count}});
                spdlog::warn("campaign {} week {}: no {} message yet; {} deliveries wait for it",
                             campaign.id, week, language, count);
            }
        }
    }

    // --- the dispatcher -------------------------------------------------------------------

    std::vector<std::int64_t> sendable_campaigns(Millis now) const {
        std::vector<std::int64_t> ids;
        for (const auto& active : campaigns) {
            if (active.campaign.status == "active" &&
                core::in_send_hours(floor<seconds>(now), active.plan.zone, send_hours)) {
                ids.push_back(active.campaign.id);
            }
        }
        return ids;
    }

    const ActiveCampaign* find_campaign(std::int64_t id) const {
        for (const auto& active : campaigns) {
            if (active.campaign.id == id) {
                return &active;
            }
        }
        return nullptr;
    }

    void pump() {
        const auto in_flight = static_cast<int>(http.in_flight());
        int slots = config.gateway.max_in_flight - in_flight;
        // Outcomes are recorded and new deliveries claimed together, once a quarter of the
        // slots are free, and at least 8 of them from 16 slots up (or once nothing is in
        // flight): a few larger transactions instead of one per SMS. A cycle's fixed cost
        // (commit, seal, claim query) spread over 4 SMS was a fifth of the CPU at the default
        // of 16. Rows in `sending` never exceed max_in_flight, since claims follow the flush.
        const int mif = config.gateway.max_in_flight;
        const int batch = std::max({1, mif / 4, mif >= 16 ? 8 : 1});
        if (!stopping && in_flight > 0 && slots < batch) {
            return; // a completion will pump again
        }
        if (stopping) {
            flush();
            maybe_stopped();
            return;
        }
        const int limit = sendable_now(in_flight, slots);
        if (limit == 0) {
            flush(); // a wake-up is set
            return;
        }
        const Millis now = clock();
        std::vector<store::DueDelivery> due;
        std::vector<Ready> ready;
        {
            // The outcomes that came back and the next claims, committed together: one
            // transaction (and one WAL commit) per cycle instead of two.
            store::Transaction tx(db);
            record_outcomes();
            store::DeliveriesRepo deliveries(db);
            due = deliveries.due(sendable_campaigns(now), now.time_since_epoch().count(), utc(now),
                                 limit);
            more_due = static_cast<int>(due.size()) == limit;
            ready = claim(due, now);
            store::seal_delivery_events(db, utc(now), options.actor);
            // Committed before any request leaves: a crash from here on leaves `sending`
            // rows, which become `unknown` (never silently resent) at the next start.
            tx.commit();
        }
        outcomes.clear();
        outcomes_audit.clear();
        if (due.empty()) {
            maybe_idle();
            return;
        }
        for (auto& r : ready) {
            breaker.on_request_sent();
            http.send(r.request, milliseconds{config.gateway.timeout_ms},
                      [this, id = r.id, attempt = r.attempt,
                       row = std::move(r.row)](net::HttpResponse response) mutable {
                          on_response(id, attempt, std::move(row), std::move(response));
                      });
        }
        if (ready.empty()) {
            post_pump(); // all skipped or failed: look for more
        }
    }

    // How many deliveries may be claimed now: the free slots, one probe while the circuit is
    // open, or none (with a wake-up set) while it is closed or the rate limit holds.
    int sendable_now(int in_flight, int slots) {
        const auto steady = steady_clock::now();
        if (breaker.state() != core::CircuitBreaker::State::closed) {
            if (in_flight > 0 || !breaker.allow(steady)) {
                if (options.run_once) {
                    maybe_idle(true); // run-once does not wait out an outage
                } else {
                    wake_at(breaker.reopens_at());
                }
                return 0;
            }
            slots = 1; // the probe
        }
        if (const auto wait = bucket.wait_for_one(steady); wait > milliseconds{0}) {
            wake_at(steady + wait);
            return 0;
        }
        return bucket.take(slots, steady);
    }

    struct Ready {
        std::int64_t id;
        int attempt;
        core::HttpRequest request;
        store::RowBefore row; // the delivery as claimed (`sending`)
    };

    // Renders and records the claim of each due delivery (inside the caller's transaction);
    // returns the requests to send once it commits.
    std::vector<Ready> claim(const std::vector<store::DueDelivery>& due, Millis now) {
        std::vector<Ready> ready;
        std::vector<store::Transition> claims;
        // A week's message that names no contact field is the same SMS for everyone: rendered
        // once per run of due rows of one campaign, week and text, not once per producer.
        struct Shared {
            std::int64_t campaign_id = 0;
            int week = 0;
            const std::string* message = nullptr;
            std::optional<core::Result<core::PreparedSms>> sms;
        } shared;
        for (const auto& d : due) {
            const int attempt = d.attempts + 1;
            const auto* active = find_campaign(d.campaign_id);
            // Each claim leaves the row as due() just read it, in this same transaction.
            const store::RowBefore was{d.campaign_id, d.week, d.state, d.segments};
            if (d.contact_status != "active") {
                claims.push_back({.id = d.id,
                                  .state = "skipped",
                                  .attempt = d.attempts,
                                  .error = "the contact opted out",
                                  .from = k_queued,
                                  .before = was});
                ++stats.skipped;
                continue;
            }
            if (!shared.message || shared.campaign_id != d.campaign_id || shared.week != d.week ||
                *shared.message != d.message) {
                shared = {d.campaign_id, d.week, &d.message, std::nullopt};
                if (!core::message_is_personal(d.message)) {
                    shared.sms =
                        core::render_message(d.message, active->campaign, d.week, d.contact, mode);
                }
            }
            auto sms = shared.sms ? *shared.sms
                                  : core::render_message(d.message, active->campaign, d.week,
                                                         d.contact, mode);
            if (!sms) {
                claims.push_back({.id = d.id,
                                  .state = "failed",
                                  .attempt = attempt,
                                  .error = sms.error().message,
                                  .from = k_queued,
                                  .before = was});
                ++stats.failed;
                continue;
            }
            auto request = core::build_gateway_request(
                gateway, {d.contact.phone, sms->text, sms->shape.encoding, std::to_string(d.id)});
            if (!request) {
                claims.push_back({.id = d.id,
                                  .state = "failed",
                                  .attempt = attempt,
                                  .error = request.error().message,
                                  .from = k_queued,
                                  .before = was});
                ++stats.failed;
                continue;
            }
            claims.push_back({.id = d.id,
                              .state = "sending",
                              .attempt = attempt,
                              .segments = sms->shape.segments,
                              .from = k_queued,
                              .before = was});
            ready.push_back({d.id,
                             attempt,
                             std::move(*request),
                             {d.campaign_id, d.week, "sending", sms->shape.segments}});
        }
        store::DeliveriesRepo(db).apply(claims, utc(now));
        return ready;
    }

    void on_response(std::int64_t id, int attempt, store::RowBefore row,
                     net::HttpResponse response) {
        const auto outcome = core::read_gateway_reply(gateway, response.status, response.body,
                                                      response.retry_after, response.error);
        store::Transition t{.id = id,
                            .attempt = attempt,
                            .gateway_id = outcome.gateway_id,
                            .latency_ms = response.latency.count(),
                            .error = outcome.error,
                            .from = "sending"}; // a delivery report may have moved it on
        if (response.status != 0) {
            t.http_status = response.status;
        }
        const bool transient = outcome.verdict == core::SendVerdict::transient;
        const bool breaker_changed = breaker.record(transient, steady_clock::now());
        // While the circuit is open (this failure may have opened it) the gateway is down, not
        // the delivery: its failures never use up the delivery's attempts, so an outage of any
        // length fails nobody.
        const bool gateway_down = breaker.state() != core::CircuitBreaker::State::closed;
        if (outcome.verdict == core::SendVerdict::accepted) {
            t.state = "sent";
            ++stats.sent;
        } else if (transient && (gateway_down || retry.may_retry(attempt))) {
            t.state = "retrying";
            std::uniform_real_distribution<double> unit(0.0, 1.0);
            const auto wait = retry.delay(attempt, unit(random), outcome.retry_after);
            t.next_attempt_ms = (clock() + wait).time_since_epoch().count();
            ++stats.retried;
        } else {
            t.state = "failed";
            ++stats.failed;
        }
        spdlog::debug("delivery {}: {} (HTTP {}, {} ms){}", id, t.state, response.status,
                      response.latency.count(), outcome.error.empty() ? "" : ": " + outcome.error);
        if (options.metrics) {
            options.metrics->observe_send(response.status,
                                          duration<double>(response.latency).count(), t.state);
        }
        t.before = std::move(row); // still `sending` if the update applies
        outcomes.push_back(std::move(t));
        if (breaker_changed) {
            if (options.metrics) {
                options.metrics->breaker_open =
                    breaker.state() != core::CircuitBreaker::State::closed;
            }
            const bool open = breaker.state() != core::CircuitBreaker::State::closed;
            outcomes_audit.push_back(
                {open ? "gateway.outage" : "gateway.recovered",
                 open ? json{{"consecutive_failures", breaker.consecutive_failures()},
                             {"last_error", outcome.error}}
                      : json{{"recovered", true}}});
            if (open) {
                spdlog::error("gateway outage: {} consecutive failures (last: {}); pausing sends",
                              breaker.consecutive_failures(), outcome.error);
            } else {
                spdlog::info("gateway recovered; sending again");
            }
        }
        post_pump();
    }

    // Records every outcome that arrived since the last flush in one transaction.
    void flush() {
        if (outcomes.empty() && outcomes_audit.empty()) {
            return;
        }
        store::Transaction tx(db);
        record_outcomes();
        store::seal_delivery_events(db, utc(clock()), options.actor);
        tx.commit();
        outcomes.clear();
        outcomes_audit.clear();
    }

    // Writes the outcomes and outage entries gathered since the last commit (the caller holds
    // the transaction and clears them once it commits).
    void record_outcomes() {
        store::DeliveriesRepo(db).apply(outcomes, utc(clock()));
        for (const auto& [action, details] : outcomes_audit) {
            audit(action, "gateway", details);
        }
    }

    // Completions arriving in the same turn of the loop are recorded together.
    void post_pump() {
        if (flush_posted) {
            return;
        }
        flush_posted = true;
        boost::asio::post(io, [this] {
            flush_posted = false;
            pump();
        });
    }

    void wake_at(steady_clock::time_point at) {
        if (waking) {
            return;
        }
        waking = true;
        wake_timer.expires_at(at);
        wake_timer.async_wait([this](const boost::system::error_code& ec) {
            waking = false;
            if (!ec) {
                pump();
            }
        });
    }

    void maybe_idle(bool force = false) {
        if (!options.run_once || http.in_flight() > 0 || !outcomes.empty()) {
            return;
        }
        if ((force || !more_due) && on_idle) {
            auto done = std::move(on_idle);
            on_idle = nullptr;
            done();
        }
    }

    void schedule_tick() {
        tick_timer.expires_after(options.tick);
        tick_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec || stopping) {
                return;
            }
            tick();
            pump();
            schedule_tick();
        });
    }

    void maybe_stopped() {
        if (http.in_flight() > 0 || !on_stopped) {
            return;
        }
        flush();
        stop_timer.cancel();
        auto done = std::move(on_stopped);
        on_stopped = nullptr;
        done();
    }
};

Engine::Engine(boost::asio::io_context& io, store::Database& db, core::Config config,
               core::GatewaySettings gateway, std::function<Millis()> clock, EngineOptions options)
    : m_impl(std::make_unique<Impl>(io, db, std::move(config), std::move(gateway), std::move(clock),
                                    std::move(options))) {}

Engine::~Engine() = default;

void Engine::start(std::function<void()> on_idle) {
    m_impl->on_idle = std::move(on_idle);
    m_impl->recover();
    m_impl->tick();
    m_impl->pump();
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
    impl.stop_timer.expires_after(deadline);
    impl.stop_timer.async_wait([&impl](const boost::system::error_code& ec) {
        if (ec || !impl.on_stopped) {
            return;
        }
        spdlog::warn("{} requests still in flight at the shutdown deadline; they will be "
                     "unknown at the next start",
                     impl.http.in_flight());
        impl.flush();
        auto done = std::move(impl.on_stopped);
        impl.on_stopped = nullptr;
        done();
    });
    impl.maybe_stopped();
}

const EngineStats& Engine::stats() const {
    return m_impl->stats;
}

void Engine::send_notice(const std::string& phone, const std::string& text) {
    auto& impl = *m_impl;
    auto sms = core::prepare_sms(text, impl.mode);
    if (!sms) {
        spdlog::error("notice to {} not sent: {}", phone, sms.error().message);
        return;
    }
    const std::string ref = "notice-" + std::to_string(impl.clock().time_since_epoch().count());
    auto request =
        core::build_gateway_request(impl.gateway, {phone, sms->text, sms->shape.encoding, ref});
    if (!request) {
        spdlog::error("notice to {} not sent: {}", phone, request.error().message);
        return;
    }
    impl.http.send(*request, milliseconds{impl.config.gateway.timeout_ms},
                   [&impl, phone, ref](net::HttpResponse response) {
                       const auto outcome =
                           core::read_gateway_reply(impl.gateway, response.status, response.body,
                                                    response.retry_after, response.error);
                       const bool accepted = outcome.verdict == core::SendVerdict::accepted;
                       store::Transaction tx(impl.db);
                       impl.audit("notice.sent", phone,
                                  {{"ref", ref},
                                   {"accepted", accepted},
                                   {"http_status", response.status},
                                   {"error", outcome.error}});
                       tx.commit();
                       spdlog::info("notice to {}: {}", phone,
                                    accepted ? "accepted" : "not accepted: " + outcome.error);
                   });
}

} // namespace kibaru::engine
