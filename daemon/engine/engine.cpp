#include "engine/engine.hpp"

#include "engine/lane.hpp"
#include "engine/scheduler.hpp"

#include "core/campaign.hpp"
#include "core/delivery.hpp"
#include "core/phone.hpp"
#include "core/profiles/orange.hpp"
#include "core/routing.hpp"
#include "core/schedule.hpp"
#include "net/asio.hpp"
#include "net/http_client.hpp"
#include "store/audit_log.hpp"
#include "store/deliveries_repo.hpp"
#include "store/event_seal.hpp"
#include "store/replies_repo.hpp"
#include "store/sqlite.hpp"
#include "util/metrics.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>

namespace kibaru::engine {

using namespace std::chrono;
using nlohmann::json;

namespace {

using State = core::DeliveryState;

// Deliveries the dispatcher may claim are in one of these states.
const std::vector<State> k_queued = {State::pending, State::retrying};
std::string utc(Millis at) {
    return core::format_utc(floor<seconds>(at));
}

} // namespace

struct Engine::Impl {
    boost::asio::io_context& io;
    store::Database& db;
    core::Config config;
    std::vector<core::GatewayConfig> routes; // each lane's config, for routing
    std::vector<Lane> lanes;                 // in the order of routes
    core::NumberingPlan numbering;
    std::function<Millis()> clock;
    EngineOptions options;
    std::function<steady_clock::time_point()> steady; // lanes' clock: options.steady_now or real
    core::EncodingMode mode;
    core::SendHours send_hours;
    boost::asio::steady_timer tick_timer;
    boost::asio::steady_timer wake_timer;
    boost::asio::steady_timer stop_timer;
    std::mt19937_64 random{std::random_device{}()};
    EngineStats stats;
    Scheduler scheduler;                                      // keeps a reference to stats
    std::vector<store::Transition> outcomes;                  // recorded, not yet committed
    std::vector<std::pair<std::string, json>> outcomes_audit; // outage/recovery, same commit
    std::vector<store::ReplyOutcome> reply_outcomes;          // replies, same commit
    bool flush_posted = false;
    bool waking = false;
    bool stopping = false;
    bool more_due = false; // the last claim filled its limit
    std::function<void()> on_idle;
    std::function<void()> on_stopped;

    Impl(boost::asio::io_context& io_, store::Database& db_, core::Config config_,
         std::vector<core::GatewaySettings> gateways, std::function<Millis()> clock_,
         EngineOptions options_)
        : io(io_), db(db_), config(std::move(config_)), routes(core::sending_gateways(config)),
          numbering(core::numbering_plan(config.contacts)), clock(std::move(clock_)),
          options(std::move(options_)),
          steady(options.steady_now ? options.steady_now
                                    : std::function<steady_clock::time_point()>(
                                          [] { return steady_clock::now(); })),
          mode(*core::parse_encoding_mode(config.sms.encoding)),
          send_hours(*core::parse_send_hours(config.schedule.send_hours)), tick_timer(io_),
          wake_timer(io_), stop_timer(io_),
          scheduler(db, config, options.actor, options.run_once, stats) {
        if (gateways.size() != routes.size()) {
            throw std::invalid_argument("one GatewaySettings per sending gateway is needed");
        }
        lanes.reserve(routes.size());
        for (std::size_t i = 0; i < routes.size(); ++i) {
            auto port = options.http_port
                            ? options.http_port(routes[i])
                            : std::make_unique<net::HttpClient>(io, routes[i].max_in_flight);
            lanes.emplace_back(std::move(port), routes[i], std::move(gateways[i]), steady());
            if (options.metrics) {
                options.metrics->gateways[routes[i].name]; // every gateway shows, sent or not
            }
        }
    }

    std::size_t in_flight() const {
        std::size_t n = 0;
        for (const auto& lane : lanes) {
            n += lane.http->in_flight();
        }
        return n;
    }

    void audit(const std::string& action, const std::string& subject, const json& details) {
        store::AuditLog(db).append(utc(clock()), options.actor, action, subject, details.dump());
    }

    // --- the dispatcher -------------------------------------------------------------------

    std::vector<std::int64_t> sendable_campaigns(Millis now) const {
        std::vector<std::int64_t> ids;
        for (const auto& active : scheduler.campaigns()) {
            if (active.campaign.status == "active" &&
                core::in_send_hours(floor<seconds>(now), active.plan.zone, send_hours)) {
                ids.push_back(active.campaign.id);
            }
        }
        return ids;
    }

    const ActiveCampaign* find_campaign(std::int64_t id) const {
        for (const auto& active : scheduler.campaigns()) {
            if (active.campaign.id == id) {
                return &active;
            }
        }
        return nullptr;
    }

    void pump() {
        const auto in_flight_now = in_flight();
        // Outcomes are recorded and new deliveries claimed together, once a quarter of the
        // slots are free, and at least 8 of them from 16 slots up (or once nothing is in
        // flight): a few larger transactions instead of one per SMS. A cycle's fixed cost
        // (commit, seal, claim query) spread over 4 SMS was a fifth of the CPU at the default
        // of 16. Rows in `sending` never exceed max_in_flight, since claims follow the flush.
        // Counted over all gateways (several small lanes batch as one large one), and at once
        // when a gateway has nothing in flight, so that no gateway idles behind another's slow
        // requests.
        int max_in_flight = 0;
        bool a_lane_idle = false;
        for (const auto& lane : lanes) {
            max_in_flight += lane.config.max_in_flight;
            a_lane_idle = a_lane_idle || lane.http->in_flight() == 0;
        }
        const int slots = max_in_flight - static_cast<int>(in_flight_now);
        const int batch = std::max({1, max_in_flight / 4, max_in_flight >= 16 ? 8 : 1});
        if (!stopping && in_flight_now > 0 && slots < batch && !a_lane_idle) {
            return; // a completion will pump again
        }
        if (stopping) {
            flush();
            maybe_stopped();
            return;
        }
        const int limit = measure_lanes();
        if (limit == 0) {
            flush();
            wait_for_lanes();
            return;
        }
        const Millis now = clock();
        std::vector<store::DueDelivery> due;
        std::vector<Ready> ready;
        std::vector<ReplyReady> replies_ready;
        Claimed claimed;
        {
            // The outcomes that came back and the next claims, committed together: one
            // transaction (and one WAL commit) per cycle instead of two.
            store::DeliveryTransaction tx(db, utc(now), options.actor);
            record_outcomes();
            // A producer waiting for an answer goes before the week's broadcast.
            replies_ready = claim_replies(now, limit);
            store::DeliveriesRepo deliveries(db);
            // With several gateways, more rows than the free slots: a busy gateway's numbers
            // at the head of the queue must not hide the numbers another could send now.
            const int wanted = limit - static_cast<int>(replies_ready.size());
            if (wanted > 0) {
                due = deliveries.due(sendable_campaigns(now), now.time_since_epoch().count(),
                                     utc(now), wanted);
            }
            more_due = static_cast<int>(due.size()) == wanted;
            ready = claim(due, now, claimed);
            // Committed before any request leaves: a crash from here on leaves `sending`
            // rows, which become `unknown` (never silently resent) at the next start.
            tx.commit();
        }
        outcomes.clear();
        outcomes_audit.clear();
        reply_outcomes.clear();
        for (auto& lane : lanes) {
            lane.bucket.give_back(lane.capacity); // tokens taken for claims not made
        }
        send_replies(std::move(replies_ready));
        if (due.empty()) {
            maybe_idle();
            return;
        }
        for (auto& r : ready) {
            auto& lane = lanes[r.lane];
            lane.breaker.on_request_sent();
            lane.http->send(r.request, milliseconds{lane.config.timeout_ms},
                            [this, lane = r.lane, id = r.id, attempt = r.attempt,
                             row = std::move(r.row), phone = std::move(r.phone),
                             refused = std::move(r.refused_by), in_doubt = r.in_doubt,
                             generation = r.token_generation](net::HttpResponse response) mutable {
                                on_response(lane, id, attempt, std::move(row), phone, refused,
                                            in_doubt, generation, std::move(response));
                            });
        }
        if (claimed.waiting > 0) {
            // Rows whose gateway is full or rate-limited wait at the head of the queue: a
            // completion pumps again, or the wake-up when the gateway may take them.
            more_due = true;
            wait_for_lanes();
            return;
        }
        if (ready.empty()) {
            post_pump(); // all skipped, failed or put off: look for more
        }
    }

    // Sets each lane's capacity for this pump (tokens taken for it) and returns their sum: the
    // free slots, one probe while its circuit is open, or none while it is open or its rate
    // limit holds (with ready_at set for when that ends).
    int measure_lanes() {
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

    // Asks the lane's gateway for a bearer token; pumps again once it has answered.
    void fetch_token(std::size_t i) {
        lanes[i].token_fetching = true;
        lanes[i].http->send(
            core::orange_token_request(lanes[i].settings), milliseconds{lanes[i].config.timeout_ms},
            [this, i](net::HttpResponse response) {
                auto& lane = lanes[i];
                lane.token_fetching = false;
                auto token = core::read_orange_token_reply(response.status, response.body);
                if (token) {
                    lane.token_received(*token, steady());
                    spdlog::info("gateway {}: access token obtained, valid {} s",
                                 lane.settings.name, token->expires_in.count());
                } else {
                    lane.token_refused(steady());
                    spdlog::error("gateway {}: no access token ({}); asking again in 30 s",
                                  lane.settings.name,
                                  response.status == 0 ? response.error : token.error().message);
                }
                post_pump();
            });
    }

    // Nothing could be claimed now: wake when the first waiting lane may take claims again (a
    // completion pumps sooner). Run-once does not wait out an outage.
    void wait_for_lanes() {
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

    struct Ready {
        std::size_t lane;
        std::int64_t id;
        int attempt;
        core::HttpRequest request;
        store::RowBefore row; // the delivery as claimed (`sending`)
        std::string phone;
        std::string refused_by;
        bool in_doubt = false; // it may have reached this gateway on an earlier attempt
        std::uint64_t token_generation = 0;
    };

    struct Claimed {
        int waiting = 0;  // due rows left queued for a gateway that has no room right now
        int deferred = 0; // due rows put off until their gateway may take them
    };

    // The lane for a delivery: the one it may have reached already when it is in doubt there
    // (never a second gateway); else the first that takes the number, has not refused it, and
    // whose circuit is not open (with failover off, the first alone). `why` when none ever will;
    // `blocked` when the lane it must wait for cannot take it now.
    struct Choice {
        std::optional<std::size_t> lane;
        std::optional<std::size_t> blocked;
        std::string why;
    };
    Choice choose_lane(const std::string& phone, const std::string& refused_by,
                       const std::string& in_doubt_at) const {
        auto available = [this](std::size_t i) {
            return !lanes[i].down && lanes[i].capacity > 0 ? Choice{i, std::nullopt, ""}
                                                           : Choice{std::nullopt, i, ""};
        };
        if (!in_doubt_at.empty()) {
            for (std::size_t i = 0; i < lanes.size(); ++i) {
                if (lanes[i].settings.name == in_doubt_at) {
                    return available(i);
                }
            }
            // That gateway is no longer configured: the operator chose to route it anew.
        }
        const auto order =
            core::route_number(routes, phone, numbering.operator_of(phone), refused_by);
        if (order.empty()) {
            return {std::nullopt, std::nullopt,
                    refused_by.empty()
                        ? "no configured gateway takes this number"
                        : "every gateway that takes this number refused it (" + refused_by + ")"};
        }
        for (const auto i : order) {
            if (lanes[i].down && config.routing.failover) {
                continue; // its circuit is open: the next gateway carries the number
            }
            return available(i);
        }
        return {std::nullopt, order.front(), ""}; // every one is down
    }

    // When a row waiting for `lane` should be looked at again (engine clock, ms), or nullopt to
    // leave it at the head of the queue. A lane that is down or rate-limited is put off until it
    // may take claims again, so that the rows behind are not hidden by it; one that is only full
    // for a moment (the daemon) for 100 ms. Run-once never puts off a row it would still send in
    // this run, but does put off those of a gateway that is down: it does not wait out outages.
    std::optional<std::int64_t> defer_until(const Lane& lane, Millis now) const {
        const auto steady_now = steady();
        const auto until = [&](steady_clock::time_point at) {
            return (now + duration_cast<milliseconds>(
                              std::max(at - steady_now, steady_clock::duration{})))
                .time_since_epoch()
                .count();
        };
        if (lane.down && lane.ready_at) {
            return until(*lane.ready_at);
        }
        if (options.run_once) {
            return std::nullopt;
        }
        if (lane.ready_at) {
            return until(*lane.ready_at);
        }
        return (now + milliseconds{100}).time_since_epoch().count();
    }

    // Renders and records the claim of each due delivery (inside the caller's transaction);
    // returns the requests to send once it commits.
    std::vector<Ready> claim(const std::vector<store::DueDelivery>& due, Millis now,
                             Claimed& claimed) {
        std::vector<Ready> ready;
        std::vector<store::Transition> claims;
        std::map<std::int64_t, std::vector<std::int64_t>> deferred; // until -> delivery ids
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
            const bool opted_out = d.contact_status != "active";
            const auto choice =
                opted_out ? Choice{} : choose_lane(d.contact.phone, d.refused_by, d.in_doubt_at);
            if (!opted_out && choice.blocked) {
                if (const auto until = defer_until(lanes[*choice.blocked], now)) {
                    deferred[*until].push_back(d.id);
                    ++claimed.deferred;
                } else {
                    ++claimed.waiting; // stays queued, untouched
                }
                continue;
            }
            // Each claim leaves the row as due() just read it, in this same transaction.
            const store::RowBefore was{d.campaign_id, d.week, d.state, d.segments};
            if (opted_out) {
                claims.push_back({.id = d.id,
                                  .state = State::skipped,
                                  .attempt = d.attempts,
                                  .error = "the contact opted out",
                                  .from = k_queued,
                                  .before = was});
                ++stats.skipped;
                continue;
            }
            if (!choice.lane) {
                claims.push_back({.id = d.id,
                                  .state = State::failed,
                                  .attempt = attempt,
                                  .error = choice.why,
                                  .from = k_queued,
                                  .before = was});
                ++stats.failed;
                continue;
            }
            auto& lane = lanes[*choice.lane];
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
                                  .state = State::failed,
                                  .attempt = attempt,
                                  .error = sms.error().message,
                                  .from = k_queued,
                                  .before = was});
                ++stats.failed;
                continue;
            }
            auto request = core::build_gateway_request(
                lane.settings,
                {d.contact.phone, sms->text, sms->shape.encoding, std::to_string(d.id)});
            if (!request) {
                claims.push_back({.id = d.id,
                                  .state = State::failed,
                                  .attempt = attempt,
                                  .error = request.error().message,
                                  .from = k_queued,
                                  .before = was});
                ++stats.failed;
                continue;
            }
            --lane.capacity;
            claims.push_back({.id = d.id,
                              .state = State::sending,
                              .attempt = attempt,
                              .segments = sms->shape.segments,
                              .from = k_queued,
                              .before = was,
                              .gateway = lane.settings.name});
            ready.push_back({*choice.lane,
                             d.id,
                             attempt,
                             std::move(*request),
                             {d.campaign_id, d.week, State::sending, sms->shape.segments},
                             d.contact.phone,
                             d.refused_by,
                             !d.in_doubt_at.empty(),
                             lane.token_generation});
        }
        store::DeliveriesRepo repo(db);
        repo.apply(claims, utc(now));
        for (const auto& [until, ids] : deferred) {
            repo.defer(ids, until);
        }
        return ready;
    }

    // --- replies ----------------------------------------------------------------------------

    struct ReplyReady {
        std::size_t lane;
        std::int64_t id;
        int attempt;
        core::HttpRequest request;
        std::uint64_t token_generation = 0;
    };

    // Claims due replies (inside the caller's transaction), each through the first gateway that
    // takes its number and has room now; one that has none waits for the next pump.
    std::vector<ReplyReady> claim_replies(Millis now, int limit) {
        std::vector<ReplyReady> ready;
        std::vector<store::ReplyOutcome> claims;
        std::vector<store::ReplyOutcome> failures; // claimed and failed at once
        auto fail = [&](std::int64_t id, int attempt, const std::string& why) {
            failures.push_back({id, State::failed, attempt, "", "", why, 0});
            spdlog::warn("reply {} not sent: {}", id, why);
        };
        std::map<std::int64_t, std::vector<std::int64_t>> deferred; // until -> reply ids
        store::RepliesRepo repo(db);
        for (const auto& r : repo.due(now.time_since_epoch().count(), limit)) {
            const int attempt = r.attempts + 1;
            const auto choice = choose_lane(r.phone, "", "");
            if (!choice.lane) {
                if (!choice.why.empty()) {
                    claims.push_back({r.id, State::sending, attempt, "", "", "", 0});
                    fail(r.id, attempt, choice.why);
                } else if (choice.blocked) {
                    // Its gateway is full, rate-limited or down: put off, so that the replies
                    // behind it, for other gateways, are claimed meanwhile.
                    if (const auto until = defer_until(lanes[*choice.blocked], now)) {
                        deferred[*until].push_back(r.id);
                    }
                }
                continue;
            }
            auto& lane = lanes[*choice.lane];
            auto sms = core::prepare_sms(r.text, mode);
            auto request = sms ? core::build_gateway_request(
                                     lane.settings, {r.phone, sms->text, sms->shape.encoding,
                                                     "r" + std::to_string(r.id)})
                               : core::Result<core::HttpRequest>(sms.error());
            claims.push_back({r.id, State::sending, attempt, lane.settings.name, "", "", 0});
            if (!request) {
                fail(r.id, attempt, request.error().message);
                continue;
            }
            --lane.capacity;
            ready.push_back(
                {*choice.lane, r.id, attempt, std::move(*request), lane.token_generation});
        }
        repo.apply(claims, utc(now));
        repo.apply(failures, utc(now));
        for (const auto& [until, ids] : deferred) {
            repo.defer(ids, until);
        }
        return ready;
    }

    void send_replies(std::vector<ReplyReady> ready) {
        for (auto& r : ready) {
            auto& lane = lanes[r.lane];
            lane.breaker.on_request_sent();
            lane.http->send(r.request, milliseconds{lane.config.timeout_ms},
                            [this, lane = r.lane, id = r.id, attempt = r.attempt,
                             generation = r.token_generation](net::HttpResponse response) {
                                on_reply_response(lane, id, attempt, generation,
                                                  std::move(response));
                            });
        }
    }

    // A reply's answer from its gateway: sent; retried with the gateway's backoff while attempts
    // remain when the gateway certainly did not take it (an error answer, a connection never
    // made); `unknown` when it may have (a timeout, a reset after the request left), never sent
    // a second time, as a delivery in doubt is not. Its gateway's health counts it as any send.
    void on_reply_response(std::size_t lane_index, std::int64_t id, int attempt,
                           std::uint64_t token_generation, net::HttpResponse response) {
        auto& lane = lanes[lane_index];
        const auto& name = lane.settings.name;
        const auto outcome = core::read_gateway_reply(lane.settings, response.status, response.body,
                                                      response.retry_after, response.error);
        store::ReplyOutcome o{id, State::sent, attempt, name, outcome.gateway_id, outcome.error, 0};
        if (lane.oauth && response.status == 401 && lane.refresh_after_401(token_generation)) {
            o.state = State::retrying; // not taken: sent again at once with a new token
            o.next_attempt_ms = clock().time_since_epoch().count();
            reply_outcomes.push_back(std::move(o));
            post_pump();
            return;
        }
        if (lane.oauth && outcome.verdict == core::SendVerdict::accepted) {
            lane.send_accepted();
        }
        const bool transient = outcome.verdict == core::SendVerdict::transient;
        if (lane.breaker.record(transient, steady())) {
            circuit_changed(lane, outcome.error);
        }
        const bool in_doubt = response.status == 0 && !response.never_sent;
        if (outcome.verdict != core::SendVerdict::accepted) {
            if (in_doubt) {
                o.state = State::unknown;
            } else if (transient && lane.retry.may_retry(attempt)) {
                std::uniform_real_distribution<double> unit(0.0, 1.0);
                const auto wait = lane.retry.delay(attempt, unit(random), outcome.retry_after);
                o.state = State::retrying;
                o.next_attempt_ms = (clock() + wait).time_since_epoch().count();
            } else {
                o.state = State::failed;
            }
        }
        spdlog::info("reply {} via {}: {}{}", id, name, core::to_string(o.state),
                     outcome.error.empty() ? "" : " (" + outcome.error + ")");
        if (options.metrics) {
            options.metrics->observe_send(name, response.status,
                                          duration<double>(response.latency).count(),
                                          core::to_string(o.state));
        }
        reply_outcomes.push_back(std::move(o));
        post_pump();
    }

    void on_response(std::size_t lane_index, std::int64_t id, int attempt, store::RowBefore row,
                     const std::string& phone, const std::string& refused_by, bool in_doubt,
                     std::uint64_t token_generation, net::HttpResponse response) {
        auto& lane = lanes[lane_index];
        const auto& name = lane.settings.name;
        const auto outcome = core::read_gateway_reply(lane.settings, response.status, response.body,
                                                      response.retry_after, response.error);
        store::Transition t{.id = id,
                            .attempt = attempt,
                            .gateway_id = outcome.gateway_id,
                            .latency_ms = response.latency.count(),
                            .error = outcome.error,
                            .from = {State::sending}, // a delivery report may have moved it on
                            .gateway = name};
        if (response.status != 0) {
            t.http_status = response.status;
        }
        if (lane.oauth && response.status == 401 && lane.refresh_after_401(token_generation)) {
            // Its token expired or was revoked: the message was not taken; sent again with a
            // new token, at once, without counting against the gateway's health.
            t.state = State::retrying;
            t.next_attempt_ms = clock().time_since_epoch().count();
            t.error = name + " refused the access token (HTTP 401): sent again with a new one";
            t.before = std::move(row);
            outcomes.push_back(std::move(t));
            ++stats.retried;
            post_pump();
            return;
        }
        if (lane.oauth && outcome.verdict == core::SendVerdict::accepted) {
            lane.send_accepted();
        }
        const bool transient = outcome.verdict == core::SendVerdict::transient;
        const bool breaker_changed = lane.breaker.record(transient, steady());
        // While the circuit is open (this failure may have opened it) the gateway is down, not
        // the delivery: its failures never use up the delivery's attempts, so an outage of any
        // length fails nobody.
        const bool gateway_down = !lane.circuit_closed();
        // Failover: only a message this gateway certainly did not accept goes to the next one
        // that takes the number; one in doubt (timeout, reset, now or on an earlier attempt)
        // stays with this gateway.
        const auto refused_now = core::add_refusal(refused_by, name);
        const bool fail_over =
            outcome.verdict != core::SendVerdict::accepted && config.routing.failover &&
            !in_doubt && core::certainly_not_accepted(outcome, response.never_sent) &&
            !core::route_number(routes, phone, numbering.operator_of(phone), refused_now).empty();
        if (outcome.verdict == core::SendVerdict::accepted) {
            t.state = State::sent;
            ++stats.sent;
        } else if (fail_over) {
            t.state = State::retrying;
            t.next_attempt_ms = clock().time_since_epoch().count();
            t.refused_by = refused_now;
            t.error =
                name + " did not take it (" + outcome.error + "): sent through the next gateway";
            ++stats.failed_over;
        } else if (transient && (gateway_down || lane.retry.may_retry(attempt))) {
            t.state = State::retrying;
            if (response.status == 0 && !response.never_sent) {
                t.in_doubt_at = name; // it may have reached this gateway: never a second one
            }
            std::uniform_real_distribution<double> unit(0.0, 1.0);
            const auto wait = lane.retry.delay(attempt, unit(random), outcome.retry_after);
            t.next_attempt_ms = (clock() + wait).time_since_epoch().count();
            ++stats.retried;
        } else {
            t.state = State::failed;
            ++stats.failed;
            if (response.status == 0 && !response.never_sent) {
                t.in_doubt_at = name; // a staff resend goes through this gateway only
            }
        }
        spdlog::debug("delivery {}: {} via {} (HTTP {}, {} ms){}", id, core::to_string(t.state),
                      name, response.status, response.latency.count(),
                      outcome.error.empty() ? "" : ": " + outcome.error);
        if (options.metrics) {
            options.metrics->observe_send(name, response.status,
                                          duration<double>(response.latency).count(),
                                          core::to_string(t.state));
        }
        t.before = std::move(row); // still `sending` if the update applies
        outcomes.push_back(std::move(t));
        if (breaker_changed) {
            circuit_changed(lane, outcome.error);
        }
        post_pump();
    }

    // A lane's circuit opened or closed: audited with the next commit, logged, in /metrics.
    void circuit_changed(const Lane& lane, const std::string& last_error) {
        const auto& name = lane.settings.name;
        const bool open = !lane.circuit_closed();
        if (options.metrics) {
            options.metrics->gateways[name].breaker_open = open;
        }
        outcomes_audit.push_back(
            {open ? "gateway.outage" : "gateway.recovered",
             open ? json{{"gateway", name},
                         {"consecutive_failures", lane.breaker.consecutive_failures()},
                         {"last_error", last_error}}
                  : json{{"gateway", name}, {"recovered", true}}});
        if (open) {
            spdlog::error("gateway {} outage: {} consecutive failures (last: {}); pausing its "
                          "sends{}",
                          name, lane.breaker.consecutive_failures(), last_error,
                          lanes.size() > 1 && config.routing.failover
                              ? " (the next gateway that takes its numbers carries them)"
                              : "");
        } else {
            spdlog::info("gateway {} recovered; sending again", name);
        }
    }

    // Records every outcome that arrived since the last flush in one transaction.
    void flush() {
        if (outcomes.empty() && outcomes_audit.empty() && reply_outcomes.empty()) {
            return;
        }
        store::DeliveryTransaction tx(db, utc(clock()), options.actor);
        record_outcomes();
        tx.commit();
        outcomes.clear();
        outcomes_audit.clear();
        reply_outcomes.clear();
    }

    // Writes the outcomes and outage entries gathered since the last commit (the caller holds
    // the transaction and clears them once it commits).
    void record_outcomes() {
        store::DeliveriesRepo(db).apply(outcomes, utc(clock()));
        store::RepliesRepo(db).apply(reply_outcomes, utc(clock()));
        for (const auto& [action, details] : outcomes_audit) {
            audit(action, "gateway " + details["gateway"].get<std::string>(), details);
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

    // One wake-up at a time, the earliest asked for: a gateway whose tokens come back in 50 ms
    // is not kept waiting behind another's 30 s cooldown.
    void wake_at(steady_clock::time_point at) {
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

    void maybe_idle(bool force = false) {
        if (!options.run_once || in_flight() > 0 || !outcomes.empty() || !reply_outcomes.empty()) {
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
            scheduler.tick(clock());
            pump();
            schedule_tick();
        });
    }

    void maybe_stopped() {
        if (in_flight() > 0 || !on_stopped) {
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
               std::vector<core::GatewaySettings> gateways, std::function<Millis()> clock,
               EngineOptions options)
    : m_impl(std::make_unique<Impl>(io, db, std::move(config), std::move(gateways),
                                    std::move(clock), std::move(options))) {}

Engine::~Engine() = default;

void Engine::start(std::function<void()> on_idle) {
    m_impl->on_idle = std::move(on_idle);
    m_impl->scheduler.recover(m_impl->clock());
    m_impl->scheduler.tick(m_impl->clock());
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
                     impl.in_flight());
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

void Engine::replies_queued() {
    m_impl->post_pump();
}

} // namespace kibaru::engine
