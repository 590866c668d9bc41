#include "engine/send_outcome.hpp"

#include "core/routing.hpp"

namespace kibaru::engine {

namespace {

using State = core::DeliveryState;

std::int64_t at_ms(Millis at) {
    return at.time_since_epoch().count();
}

} // namespace

DeliveryVerdict delivery_outcome(Lane& lane, ClaimedDelivery claimed,
                                 const net::HttpResponse& response, const OutcomeContext& context,
                                 EngineStats& stats) {
    const auto& name = lane.settings.name;
    const auto outcome = core::read_gateway_reply(lane.settings, response.status, response.body,
                                                  response.retry_after, response.error);
    DeliveryVerdict result{
        .transition =
            {.id = claimed.id,
             .attempt = claimed.attempt,
             .gateway_id = outcome.gateway_id,
             .latency_ms =
                 std::chrono::duration_cast<std::chrono::milliseconds>(response.latency).count(),
             .error = outcome.error,
             // a delivery report may have moved it on
             .from = {State::sending},
             // still `sending` if the update applies
             .before = std::move(claimed.row),
             .gateway = name},
        .error = outcome.error};
    auto& t = result.transition;
    if (response.status != 0) {
        t.http_status = response.status;
    }
    if (lane.oauth && response.status == 401 && lane.refresh_after_401(claimed.token_generation)) {
        // Its token expired or was revoked: the message was not taken; sent again with a new
        // token, at once, without counting against the gateway's health.
        t.state = State::retrying;
        t.next_attempt_ms = at_ms(context.now);
        t.error = name + " refused the access token (HTTP 401): sent again with a new one";
        result.counts_for_health = false;
        ++stats.retried;
        return result;
    }
    if (lane.oauth && outcome.verdict == core::SendVerdict::accepted) {
        lane.send_accepted();
    }
    const bool transient = outcome.verdict == core::SendVerdict::transient;
    result.circuit_changed = lane.breaker.record(transient, context.steady_now);
    // While the circuit is open (this failure may have opened it) the gateway is down, not the
    // delivery: its failures never use up the delivery's attempts.
    const bool gateway_down = !lane.circuit_closed();
    const bool left_in_doubt = response.status == 0 && !response.never_sent;
    // Failover: only a message this gateway certainly did not accept goes to the next one that
    // takes the number; one in doubt (timeout, reset, now or on an earlier attempt) stays here.
    const auto refused_now = core::add_refusal(claimed.refused_by, name);
    const bool fail_over = outcome.verdict != core::SendVerdict::accepted && context.failover &&
                           !claimed.in_doubt &&
                           core::certainly_not_accepted(outcome, response.never_sent) &&
                           context.router.another_takes(claimed.phone, refused_now);
    if (outcome.verdict == core::SendVerdict::accepted) {
        t.state = State::sent;
        ++stats.sent;
    } else if (fail_over) {
        t.state = State::retrying;
        t.next_attempt_ms = at_ms(context.now);
        t.refused_by = refused_now;
        t.error = name + " did not take it (" + outcome.error + "): sent through the next gateway";
        ++stats.failed_over;
    } else if (transient && (gateway_down || lane.retry.may_retry(claimed.attempt))) {
        t.state = State::retrying;
        if (left_in_doubt) {
            t.in_doubt_at = name; // it may have reached this gateway: never a second one
        }
        const auto wait = lane.retry.delay(claimed.attempt, context.jitter, outcome.retry_after);
        t.next_attempt_ms = at_ms(context.now + wait);
        ++stats.retried;
    } else {
        t.state = State::failed;
        ++stats.failed;
        if (left_in_doubt) {
            t.in_doubt_at = name; // a staff resend goes through this gateway only
        }
    }
    return result;
}

ReplyVerdict reply_outcome(Lane& lane, const ClaimedReply& claimed,
                           const net::HttpResponse& response, const OutcomeContext& context) {
    const auto outcome = core::read_gateway_reply(lane.settings, response.status, response.body,
                                                  response.retry_after, response.error);
    ReplyVerdict result{.outcome = {claimed.id, State::sent, claimed.attempt, lane.settings.name,
                                    outcome.gateway_id, outcome.error, 0},
                        .error = outcome.error};
    auto& o = result.outcome;
    if (lane.oauth && response.status == 401 && lane.refresh_after_401(claimed.token_generation)) {
        o.state = State::retrying; // not taken: sent again at once with a new token
        o.next_attempt_ms = at_ms(context.now);
        result.counts_for_health = false;
        return result;
    }
    if (lane.oauth && outcome.verdict == core::SendVerdict::accepted) {
        lane.send_accepted();
    }
    const bool transient = outcome.verdict == core::SendVerdict::transient;
    result.circuit_changed = lane.breaker.record(transient, context.steady_now);
    const bool in_doubt = response.status == 0 && !response.never_sent;
    if (outcome.verdict != core::SendVerdict::accepted) {
        if (in_doubt) {
            o.state = State::unknown;
        } else if (transient && lane.retry.may_retry(claimed.attempt)) {
            const auto wait =
                lane.retry.delay(claimed.attempt, context.jitter, outcome.retry_after);
            o.state = State::retrying;
            o.next_attempt_ms = at_ms(context.now + wait);
        } else {
            o.state = State::failed;
        }
    }
    return result;
}

} // namespace kibaru::engine
