// Where a sending run's time went, as the dispatcher sees it: its cycles (outcomes recorded,
// claims made, committed) and their commits, and the accepted requests' round trips. Logged at
// info level when a run-once ends or the daemon stops (scripts/profile-dispatch.sh --cycles), so
// that BENCHMARKS.md's account of what bounds the rate is reproduced by a command, not by a
// temporary edit. Costs two clock readings a cycle and an addition an answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kibaru::engine {

class DispatchProfile {
public:
    using Clock = std::chrono::steady_clock;

    // A committed cycle: how long it took, its commit (the seal, COMMIT and its fsync) among
    // that, and the deliveries it claimed.
    void cycle(Clock::time_point began, std::chrono::microseconds took,
               std::chrono::microseconds commit, std::int64_t claims);
    // An accepted request answered at `at` after `round_trip` on its connection.
    void answer(Clock::time_point at, std::chrono::microseconds round_trip);

    // One line: cycles, claims and microseconds per cycle with the commit's part, the
    // dispatcher's share of the sending time spent in cycles, the connections busy on average
    // (the round trips' sum over the sending time, by Little's law) and each gateway's claim
    // window now. Empty when no cycle claimed anything.
    std::string summary(const std::vector<std::pair<std::string, int>>& windows) const;

private:
    std::int64_t m_cycles = 0;
    std::int64_t m_claims = 0;
    std::chrono::microseconds m_cycle_time{0};
    std::chrono::microseconds m_commit_time{0};
    std::chrono::microseconds m_round_trips{0};
    std::optional<Clock::time_point> m_first_cycle;
    std::optional<Clock::time_point> m_last_answer;
};

} // namespace kibaru::engine
