// The requests the engine sends and what their answers make: a claimed delivery or reply sent
// through its lane, its outcome recorded for the next commit (engine/send_outcome.hpp decides
// it), a lane's circuit opening or closing audited and logged, and a lane's access token
// fetched. Members of Engine::Impl (engine/engine_impl.hpp); the pump is in engine.cpp.
#include "engine/engine_impl.hpp"

#include "core/delivery.hpp"
#include "core/profiles/orange.hpp"
#include "util/metrics.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace kibaru::engine {

using namespace std::chrono;
using nlohmann::json;

// Asks the lane's gateway for a bearer token; pumps again once it has answered.
void Engine::Impl::fetch_token(std::size_t i) {
    lanes[i].token_fetching = true;
    lanes[i].http->send(
        core::orange_token_request(lanes[i].settings), milliseconds{lanes[i].config.timeout_ms},
        [this, i](net::HttpResponse response) {
            auto& lane = lanes[i];
            lane.token_fetching = false;
            auto token = core::read_orange_token_reply(response.status, response.body);
            if (token) {
                lane.token_received(*token, steady());
                spdlog::info("gateway {}: access token obtained, valid {} s", lane.settings.name,
                             token->expires_in.count());
            } else {
                lane.token_refused(steady());
                spdlog::error("gateway {}: no access token ({}); asking again in 30 s",
                              lane.settings.name,
                              response.status == 0 ? response.error : token.error().message);
            }
            post_pump();
        });
}

OutcomeContext Engine::Impl::outcome_context() {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    return {clock(), steady(), unit(random), config.routing.failover, router};
}

void Engine::Impl::send_delivery(ReadyDelivery ready) {
    auto& lane = lanes[ready.claimed.lane];
    lane.breaker.on_request_sent();
    lane.http->send(std::move(ready.request), milliseconds{lane.config.timeout_ms},
                    [this, claimed = std::move(ready.claimed)](net::HttpResponse response) mutable {
                        on_delivery_answer(std::move(claimed), response);
                    });
}

void Engine::Impl::on_delivery_answer(ClaimedDelivery claimed, const net::HttpResponse& response) {
    auto& lane = lanes[claimed.lane];
    auto verdict = delivery_outcome(lane, std::move(claimed), response, outcome_context(), stats);
    const auto& t = verdict.transition;
    spdlog::debug("delivery {}: {} via {} (HTTP {}, {} ms){}", t.id, core::to_string(t.state),
                  lane.settings.name, response.status,
                  duration_cast<milliseconds>(response.latency).count(),
                  t.error.empty() ? "" : ": " + t.error);
    if (verdict.counts_for_health && options.metrics) {
        options.metrics->observe_send(lane.settings.name, response.status,
                                      duration<double>(response.latency).count(),
                                      core::to_string(t.state));
    }
    if (t.state == core::DeliveryState::sent) {
        lane.note_round_trip(response.latency); // accepted: how fast its connections turn
        profile.answer(steady(), response.latency);
    } else if (!response.never_sent) {
        lane.forget_round_trip(); // failing: no deeper window until it accepts again
    }
    outcomes.add(std::move(verdict.transition));
    if (verdict.circuit_changed) {
        circuit_changed(lane, verdict.error);
    }
    post_pump();
}

void Engine::Impl::send_reply(ReadyReply ready) {
    auto& lane = lanes[ready.claimed.lane];
    lane.breaker.on_request_sent();
    lane.http->send(std::move(ready.request), milliseconds{lane.config.timeout_ms},
                    [this, claimed = ready.claimed](net::HttpResponse response) {
                        on_reply_answer(claimed, response);
                    });
}

void Engine::Impl::on_reply_answer(const ClaimedReply& claimed, const net::HttpResponse& response) {
    auto& lane = lanes[claimed.lane];
    auto verdict = reply_outcome(lane, claimed, response, outcome_context());
    const auto& o = verdict.outcome;
    if (verdict.circuit_changed) {
        circuit_changed(lane, verdict.error);
    }
    if (verdict.counts_for_health) {
        spdlog::info("reply {} via {}: {}{}", o.id, lane.settings.name, core::to_string(o.state),
                     o.error.empty() ? "" : " (" + o.error + ")");
        if (options.metrics) {
            options.metrics->observe_send(lane.settings.name, response.status,
                                          duration<double>(response.latency).count(),
                                          core::to_string(o.state));
        }
    }
    outcomes.add(std::move(verdict.outcome));
    post_pump();
}

// A lane's circuit opened or closed: audited with the next commit, logged, in /metrics.
void Engine::Impl::circuit_changed(const Lane& lane, const std::string& last_error) {
    const auto& name = lane.settings.name;
    const bool open = !lane.circuit_closed();
    if (options.metrics) {
        options.metrics->gateways[name].breaker_open = open;
    }
    outcomes.add_gateway_event(
        open ? "gateway.outage" : "gateway.recovered", name,
        (open ? json{{"gateway", name},
                     {"consecutive_failures", lane.breaker.consecutive_failures()},
                     {"last_error", last_error}}
              : json{{"gateway", name}, {"recovered", true}})
            .dump());
    if (open) {
        // Claims waiting for a connection have not left: the next gateway that takes their
        // numbers carries them (or they wait, attempts unused), instead of the outage.
        lane.http->cancel_waiting("not sent: gateway " + name +
                                  "'s circuit opened (outage) while it waited for a connection");
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

} // namespace kibaru::engine
