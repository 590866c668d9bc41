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

    // How many of its deliveries may be claimed (`sending`) at once: two windows of
    // max_in_flight. Each claim is committed, with the fsync of the disk, before its request
    // leaves; with one window only, no request could be on the wire while the next claims were
    // committed, and the fsync's latency bounded the rate (BENCHMARKS.md, dispatch). The port
    // still runs at most max_in_flight requests at once (the HTTP client queues the rest). The
    // price: a crash leaves up to twice max_in_flight deliveries `unknown`, instead of once.
    int claim_window() const { return 2 * config.max_in_flight; }
    // The longest its claimed requests can take to end (SIGTERM's drain): each window waits for
    // the one before it to free the connections, then takes its timeout.
    std::chrono::milliseconds longest_drain() const {
        return claim_window() / config.max_in_flight * std::chrono::milliseconds{config.timeout_ms};
    }

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
};

} // namespace kibaru::engine
