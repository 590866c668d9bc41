// Instants and the clock. Time is injected (a Clock), never read directly in core/ or store/, so
// tests and `--now` simulations never sleep.
#pragma once

#include "core/result.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace kibaru::core {

using Instant = std::chrono::sys_seconds;

class Clock {
public:
    virtual ~Clock() = default;
    virtual Instant now() const = 0;
};

// A clock stopped at one instant (`--now` for one-shot commands, and tests).
class FixedClock final : public Clock {
public:
    explicit FixedClock(Instant at) : m_at(at) {}
    Instant now() const override { return m_at; }
    void set(Instant at) { m_at = at; }

private:
    Instant m_at;
};

// "2019-01-08T09:00:00Z": ISO 8601 in UTC, to the second.
std::string format_utc(Instant at);

// Parses an ISO 8601 instant: "2019-01-08T09:00:00Z", "2019-01-08T09:00Z", "2019-01-08 09:00:00",
// a numeric offset ("2019-01-08T10:00:00+01:00"), or a date alone (midnight UTC). A time without
// a zone or offset is read as UTC. Fails with a message quoting the input.
Result<Instant> parse_instant(std::string_view text);

} // namespace kibaru::core
