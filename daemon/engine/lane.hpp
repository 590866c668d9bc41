// One gateway's sending, as the dispatcher sees it: its own token bucket, in-flight limit, retry
// policy and circuit breaker, so that one gateway's outage or rate limit never holds up
// another's numbers; and, for the Orange SMS API, its OAuth2 bearer token (fetched before the
// first send, kept until a minute before it expires, fetched again once when a send is
// answered 401). The state decisions live here; the HTTP exchanges are the engine's.
#pragma once

#include "core/config.hpp"
#include "core/delivery.hpp"
#include "core/gateway.hpp"
#include "core/profiles/orange.hpp"
#include "net/http_port.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

namespace kibaru::engine {

struct Lane {
    using Clock = std::chrono::steady_clock;

    core::GatewayConfig config;
    core::GatewaySettings settings;
    core::RetryPolicy retry;
    core::CircuitBreaker breaker;
    core::TokenBucket bucket;
    std::unique_ptr<net::HttpPort> http;
    // Set by each measure(): how many claims it may take now, and whether it is out (circuit
    // open, no probe due, or no token), so that its numbers go to the next gateway.
    int capacity = 0;
    bool down = false;
    std::optional<Clock::time_point> ready_at; // when it may take claims again

    bool oauth = false;                 // profile orange
    std::uint64_t token_generation = 0; // tokens obtained so far
    bool token_fetching = false;

    // `now`: the steady clock's instant, for the token bucket's start.
    Lane(std::unique_ptr<net::HttpPort> port, core::GatewayConfig c, core::GatewaySettings s,
         Clock::time_point now);

    bool circuit_closed() const { return breaker.state() == core::CircuitBreaker::State::closed; }

    // How many of its deliveries may be claimed (`sending`) at once: max_in_flight on the wire,
    // and as many again waiting in the HTTP client for a connection (which still runs at most
    // max_in_flight at once). Each claim is committed, with the fsync of the disk, before its
    // request leaves: without claims waiting, no request would be on the wire while the next
    // ones were committed, and the fsync's latency would bound the rate (BENCHMARKS.md,
    // dispatch). A gateway that answers faster than a cycle of claims commits (one on the same
    // machine) would still idle through part of each commit: it gets up to twice max_in_flight
    // waiting, as many as its connections finish during one cycle, by the round trips and cycles
    // measured (note_round_trip, note_cycle). The price: a crash leaves up to claim_window_max()
    // deliveries `unknown`, not max_in_flight; twice max_in_flight with a gateway slower than
    // the cycle, as every remote one is.
    int claim_window() const;
    int claim_window_max() const { return 3 * config.max_in_flight; }
    // The longest its claimed requests can take to end (SIGTERM's drain): each max_in_flight of
    // them waits for those before it to free the connections, then takes its timeout.
    std::chrono::milliseconds longest_drain() const {
        return claim_window_max() / config.max_in_flight *
               std::chrono::milliseconds{config.timeout_ms};
    }
    // An accepted request's round trip on its connection, and the dispatcher's last cycle
    // (outcomes recorded, claims made and committed), which size the claim window; an average
    // of the recent ones is kept (a zero, a clock that did not move, is not a measure).
    void note_round_trip(std::chrono::microseconds round_trip);
    void note_cycle(std::chrono::microseconds cycle);
    // A request that reached it and was not accepted (refused, timed out, reset): the window goes
    // back to twice max_in_flight until an accepted send measures the round trip again, so that
    // no more claims wait behind a gateway that has started failing.
    void forget_round_trip() { m_round_trip = std::chrono::microseconds{0}; }

    enum class Measure { ready, needs_token };
    // Sets capacity (tokens taken for it), down and ready_at for this pump; needs_token when a
    // bearer token must be asked for first (the caller sends the request).
    Measure measure(Clock::time_point now);

    void token_received(const core::AccessToken& token, Clock::time_point now);
    void token_refused(Clock::time_point now); // asked again 30 s later; down meanwhile
    void send_accepted();
    // A send answered 401 with the token of `generation`: true when it is to be sent again with
    // a new token (the one it used is dropped, unless a newer one came meanwhile); false when
    // the failing token was itself fetched after a 401 and never worked: the credentials are
    // refused, and the message with them.
    bool refresh_after_401(std::uint64_t generation);

private:
    bool has_token(Clock::time_point now) const;
    std::optional<Clock::time_point> m_token_expires;
    bool m_token_after_401 = false;   // the token held replaced one that a send found refused
    bool m_refetch_after_401 = false; // the token being asked for replaces a refused one
    bool m_token_proven = false;      // a send with the token held was accepted
    std::optional<Clock::time_point> m_token_retry_at; // after a failed fetch
    std::chrono::microseconds m_round_trip{0};         // 0: not measured yet
    std::chrono::microseconds m_cycle{0};
};

} // namespace kibaru::engine
