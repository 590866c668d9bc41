#include "core/delivery.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

namespace kibaru::core {

namespace {
constexpr std::array<std::string_view, k_delivery_states.size()> k_state_names = {
    "pending", "sending", "retrying", "sent",   "delivered",
    "failed",  "expired", "skipped",  "unknown"};
} // namespace

std::string_view to_string(DeliveryState state) {
    return k_state_names.at(static_cast<std::size_t>(state));
}

std::optional<DeliveryState> parse_delivery_state(std::string_view name) {
    for (std::size_t i = 0; i < k_state_names.size(); ++i) {
        if (k_state_names[i] == name) {
            return k_delivery_states[i];
        }
    }
    return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, DeliveryState state) {
    return out << to_string(state);
}

bool delivery_transition_allowed(DeliveryState from, DeliveryState to) {
    using S = DeliveryState;
    switch (from) {
    case S::pending:
        return to == S::sending || to == S::expired || to == S::skipped;
    case S::sending:
        return to == S::sent || to == S::retrying || to == S::failed || to == S::unknown ||
               to == S::delivered;
    case S::retrying:
        return to == S::sending || to == S::expired || to == S::skipped;
    case S::sent:
        return to == S::delivered || to == S::failed;
    case S::unknown: // resolved by a late report, or sent again
        return to == S::delivered || to == S::failed || to == S::sending || to == S::sent;
    case S::delivered:
        return to == S::failed; // a later report may correct an earlier one
    case S::failed:
        return to == S::delivered;
    case S::expired:
    case S::skipped:
        return false; // final
    }
    return false;
}

bool delivery_state_final(DeliveryState state) {
    using S = DeliveryState;
    return state == S::delivered || state == S::failed || state == S::expired ||
           state == S::skipped;
}

SendVerdict verdict_for_status(int status) {
    if (status >= 200 && status < 300) {
        return SendVerdict::accepted;
    }
    if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
        return SendVerdict::transient;
    }
    return SendVerdict::permanent;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) {
        value.remove_suffix(1);
    }
    if (value.empty() || value.size() > 9 ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    return std::chrono::seconds{std::stol(std::string(value))};
}

std::chrono::milliseconds
RetryPolicy::delay(int attempts, double unit_random,
                   std::optional<std::chrono::seconds> retry_after) const {
    const int exponent = std::clamp(attempts - 1, 0, 30);
    const double ceiling = std::min(static_cast<double>(max.count()),
                                    static_cast<double>(initial.count()) * std::pow(2.0, exponent));
    auto wait = std::chrono::milliseconds{
        static_cast<std::int64_t>(std::clamp(unit_random, 0.0, 1.0) * ceiling)};
    if (retry_after && *retry_after > wait) {
        wait = std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after);
    }
    return wait;
}

bool CircuitBreaker::allow(Clock::time_point now) {
    switch (m_state) {
    case State::closed:
        return true;
    case State::open:
        if (now < m_open_until) {
            return false;
        }
        m_state = State::half_open;
        m_probe_out = false;
        [[fallthrough]];
    case State::half_open:
        return !m_probe_out;
    }
    return false;
}

void CircuitBreaker::on_request_sent() {
    if (m_state == State::half_open) {
        m_probe_out = true;
    }
}

bool CircuitBreaker::record(bool transient_failure, Clock::time_point now) {
    if (!transient_failure) {
        m_failures = 0;
        if (m_state != State::closed) {
            m_state = State::closed;
            m_cooldown = m_base_cooldown;
            return true;
        }
        return false;
    }
    ++m_failures;
    if (m_state == State::half_open) {
        m_cooldown = std::min(m_cooldown * 2, m_max_cooldown);
        m_state = State::open;
        m_open_until = now + m_cooldown;
        return false; // still the same outage
    }
    if (m_state == State::closed && m_failures >= m_threshold) {
        m_state = State::open;
        m_open_until = now + m_cooldown;
        return true;
    }
    return false;
}

void TokenBucket::refill(Clock::time_point now) {
    if (now > m_last) {
        const double elapsed = std::chrono::duration<double>(now - m_last).count();
        m_tokens = std::min(m_burst, m_tokens + elapsed * m_rate);
        m_last = now;
    }
}

void TokenBucket::give_back(int unused) {
    if (m_rate > 0 && unused > 0) {
        m_tokens = std::min(m_burst, m_tokens + unused);
    }
}

int TokenBucket::take(int wanted, Clock::time_point now) {
    if (m_rate <= 0) {
        return wanted;
    }
    refill(now);
    const int taken = std::min(wanted, static_cast<int>(m_tokens));
    m_tokens -= taken;
    return taken;
}

std::chrono::milliseconds TokenBucket::wait_for_one(Clock::time_point now) {
    if (m_rate <= 0) {
        return std::chrono::milliseconds{0};
    }
    refill(now);
    if (m_tokens >= 1) {
        return std::chrono::milliseconds{0};
    }
    return std::chrono::milliseconds{
        static_cast<std::int64_t>(std::ceil((1 - m_tokens) / m_rate * 1000))};
}

} // namespace kibaru::core
