// Delivery states and the decisions about them: which transitions are legal, what a gateway's
// answer means (accepted, transient, permanent), when to retry (exponential backoff with full
// jitter, Retry-After honoured), and when the gateway looks down (a circuit breaker).
// Pure computation: randomness and time are passed in.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace kibaru::core {

// The states of a delivery (SPEC.md "Delivery states"). The C++ code decides on these values;
// their names are the vocabulary of the database, the JSON API and the reports, and are turned
// into values and back only where text enters or leaves (store/, the CLI's options, output).
enum class DeliveryState : std::uint8_t {
    pending,
    sending,
    retrying,
    sent,
    delivered,
    failed,
    expired,
    skipped,
    unknown
};

inline constexpr std::array<DeliveryState, 9> k_delivery_states = {
    DeliveryState::pending, DeliveryState::sending,   DeliveryState::retrying,
    DeliveryState::sent,    DeliveryState::delivered, DeliveryState::failed,
    DeliveryState::expired, DeliveryState::skipped,   DeliveryState::unknown};

// The state's name ("pending", …): the spelling of the SPEC, the database and the JSON output.
std::string_view to_string(DeliveryState state);
// The state of that name; nullopt for anything else.
std::optional<DeliveryState> parse_delivery_state(std::string_view name);

std::ostream& operator<<(std::ostream& out, DeliveryState state); // its name, for tests and logs

// True when `to` may follow `from` (SPEC.md "Delivery states"). Delivery reports may arrive late
// or out of order, so `delivered`/`failed` may follow `sent`, `unknown` or each other.
bool delivery_transition_allowed(DeliveryState from, DeliveryState to);

// True for states that no send will ever change (a delivery report still may).
bool delivery_state_final(DeliveryState state);

enum class SendVerdict { accepted, transient, permanent };

struct SendOutcome {
    SendVerdict verdict = SendVerdict::transient;
    int http_status = 0;    // 0 when no HTTP answer came (timeout, reset, refused)
    std::string gateway_id; // the gateway's message id, when it gave one
    std::string error;      // what went wrong, for the event history
    std::optional<std::chrono::seconds> retry_after; // from a Retry-After header
};

// The verdict of an HTTP status alone: 2xx accepted; 408, 425, 429 and 5xx transient; other 4xx
// (and anything else) permanent.
SendVerdict verdict_for_status(int http_status);

// Parses a Retry-After value given in seconds ("120"); HTTP dates are not used by SMS gateways.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

struct RetryPolicy {
    int max_attempts = 5;
    std::chrono::milliseconds initial{1000};
    std::chrono::milliseconds max{300000};

    // The wait before attempt `attempts + 1` after `attempts` failed ones (attempts >= 1):
    // uniform in [0, min(max, initial * 2^(attempts-1))] ("full jitter"), where `unit_random`
    // is in [0, 1); never less than Retry-After when the gateway gave one.
    std::chrono::milliseconds delay(int attempts, double unit_random,
                                    std::optional<std::chrono::seconds> retry_after) const;

    // True when a delivery that has failed `attempts` times may be tried again.
    bool may_retry(int attempts) const { return attempts < max_attempts; }
};

// Opens after `threshold` consecutive transient failures: no sends while open. After `cooldown`
// one probe is let through (half-open); its success closes the breaker, its failure reopens it
// with the cooldown doubled (up to `max_cooldown`).
class CircuitBreaker {
public:
    using Clock = std::chrono::steady_clock;
    enum class State { closed, open, half_open };

    CircuitBreaker(int threshold, std::chrono::milliseconds cooldown,
                   std::chrono::milliseconds max_cooldown)
        : m_threshold(threshold), m_base_cooldown(cooldown), m_cooldown(cooldown),
          m_max_cooldown(max_cooldown) {}

    // May a request be sent now? In half-open state, true until the probe is sent.
    bool allow(Clock::time_point now);
    // A request left. In half-open state it is the probe: no other until its outcome is
    // recorded. (Asking and sending are apart because a caller may find nothing to send.)
    void on_request_sent();
    // Records the outcome of a request. Returns true when this call changed the state between
    // closed and open (so the caller can audit the outage or the recovery).
    bool record(bool transient_failure, Clock::time_point now);

    State state() const { return m_state; }
    Clock::time_point reopens_at() const { return m_open_until; }
    int consecutive_failures() const { return m_failures; }

private:
    int m_threshold;
    std::chrono::milliseconds m_base_cooldown;
    std::chrono::milliseconds m_cooldown;
    std::chrono::milliseconds m_max_cooldown;
    State m_state = State::closed;
    int m_failures = 0;
    bool m_probe_out = false;
    Clock::time_point m_open_until{};
};

// A token bucket: `rate` tokens a second, holding at most `burst`. A rate of 0 means no limit.
class TokenBucket {
public:
    using Clock = std::chrono::steady_clock;
    TokenBucket(double rate, double burst, Clock::time_point now)
        : m_rate(rate), m_burst(burst < 1 ? 1 : burst), m_tokens(m_burst), m_last(now) {}

    // Takes up to `wanted` whole tokens; returns how many were taken.
    int take(int wanted, Clock::time_point now);
    // Returns tokens taken but not used (up to the burst).
    void give_back(int unused);
    // How long until one token is available (zero if one is now, or without a limit).
    std::chrono::milliseconds wait_for_one(Clock::time_point now);

private:
    void refill(Clock::time_point now);
    double m_rate;
    double m_burst;
    double m_tokens;
    Clock::time_point m_last;
};

} // namespace kibaru::core
