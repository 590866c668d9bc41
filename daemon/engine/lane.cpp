#include "engine/lane.hpp"

#include "core/gateway_profile.hpp"

#include <algorithm>

namespace kibaru::engine {

using namespace std::chrono;

Lane::Lane(std::unique_ptr<net::HttpPort> port, core::GatewayConfig c, core::GatewaySettings s,
           Clock::time_point now)
    : config(std::move(c)),
      settings(std::move(s)), retry{config.max_attempts, milliseconds{config.backoff_initial_ms},
                                    milliseconds{config.backoff_max_ms}},
      breaker(config.breaker_threshold, milliseconds{config.breaker_cooldown_ms},
              milliseconds{config.breaker_max_cooldown_ms}),
      bucket(config.rate_per_second, config.rate_per_second, now), http(std::move(port)),
      oauth(core::profile_of(settings).needs_token()) {}

namespace {

// The average of the recent measures: an eighth of the way to each new one, the first taken whole.
microseconds average(microseconds average, microseconds measure) {
    if (measure <= microseconds{0}) {
        return average;
    }
    return average == microseconds{0} ? measure : average + (measure - average) / 8;
}

} // namespace

int Lane::claim_window() const {
    const std::int64_t mif = config.max_in_flight;
    std::int64_t waiting = mif;
    if (m_round_trip > microseconds{0} && m_cycle > microseconds{0}) {
        // What its connections finish during one cycle, rounded up.
        const auto finished =
            (mif * m_cycle.count() + m_round_trip.count() - 1) / m_round_trip.count();
        waiting = std::clamp(finished, mif, 2 * mif);
    }
    return static_cast<int>(mif + waiting);
}

void Lane::note_round_trip(microseconds round_trip) {
    m_round_trip = average(m_round_trip, round_trip);
}

void Lane::note_cycle(microseconds cycle) {
    m_cycle = average(m_cycle, cycle);
}

bool Lane::has_token(Clock::time_point now) const {
    return m_token_expires && now + seconds{60} < *m_token_expires;
}

Lane::Measure Lane::measure(Clock::time_point now) {
    capacity = 0;
    down = false;
    ready_at.reset();
    if (oauth && !has_token(now)) {
        if (m_token_retry_at && now < *m_token_retry_at) {
            down = true; // no token: its numbers go to the next gateway
            ready_at = m_token_retry_at;
            return Measure::ready;
        }
        return token_fetching ? Measure::ready : Measure::needs_token; // its answer pumps again
    }
    const int in_flight = static_cast<int>(http->in_flight());
    int slots = claim_window() - in_flight;
    if (!circuit_closed()) {
        // Open, or its single probe is out: down until the probe has said otherwise.
        if (in_flight > 0 || !breaker.allow(now)) {
            down = true;
            ready_at = breaker.reopens_at();
            return Measure::ready;
        }
        slots = 1; // the probe
    }
    if (slots <= 0) {
        return Measure::ready; // a completion will pump again
    }
    if (const auto wait = bucket.wait_for_one(now); wait > milliseconds{0}) {
        ready_at = now + wait;
        return Measure::ready;
    }
    capacity = bucket.take(slots, now);
    return Measure::ready;
}

void Lane::token_received(const core::AccessToken& token, Clock::time_point now) {
    settings.access_token = token.token;
    m_token_expires = now + token.expires_in;
    ++token_generation;
    m_token_proven = false;
    m_token_after_401 = m_refetch_after_401;
    m_refetch_after_401 = false;
    m_token_retry_at.reset();
}

void Lane::token_refused(Clock::time_point now) {
    m_token_expires.reset();
    m_token_retry_at = now + seconds{30};
}

void Lane::send_accepted() {
    m_token_proven = true;
    m_token_after_401 = false;
}

bool Lane::refresh_after_401(std::uint64_t generation) {
    if (generation != token_generation || !m_token_expires) {
        return true; // an older token, or a new one is already asked for
    }
    if (m_token_after_401 && !m_token_proven) {
        return false;
    }
    m_token_expires.reset(); // the next measure asks for another
    m_refetch_after_401 = true;
    return true;
}

} // namespace kibaru::engine
