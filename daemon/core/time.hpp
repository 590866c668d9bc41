// Instants: formatting and parsing. Time is injected (an Instant from --now or the real clock,
// handed down by app/), never read in core/ or store/, so tests and simulations never sleep.
#pragma once

#include "core/result.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace kibaru::core {

using Instant = std::chrono::sys_seconds;

// "2019-01-08T09:00:00Z": ISO 8601 in UTC, to the second.
std::string format_utc(Instant at);

// Parses an ISO 8601 instant: "2019-01-08T09:00:00Z", "2019-01-08T09:00Z", "2019-01-08 09:00:00",
// a numeric offset ("2019-01-08T10:00:00+01:00"), or a date alone (midnight UTC). A time without
// a zone or offset is read as UTC. Fails with a message quoting the input.
Result<Instant> parse_instant(std::string_view text);

} // namespace kibaru::core
