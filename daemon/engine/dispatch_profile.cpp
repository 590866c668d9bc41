#include "engine/dispatch_profile.hpp"

#include <fmt/format.h>

namespace kibaru::engine {

using namespace std::chrono;

void DispatchProfile::cycle(Clock::time_point began, microseconds took, microseconds commit,
                            std::int64_t claims) {
    if (claims == 0) {
        return; // a cycle that only recorded outcomes says nothing of the sending
    }
    if (!m_first_cycle) {
        m_first_cycle = began;
    }
    ++m_cycles;
    m_claims += claims;
    m_cycle_time += took;
    m_commit_time += commit;
}

void DispatchProfile::answer(Clock::time_point at, microseconds round_trip) {
    m_round_trips += round_trip;
    m_last_answer = at;
}

std::string
DispatchProfile::summary(const std::vector<std::pair<std::string, int>>& windows) const {
    if (m_cycles == 0) {
        return "";
    }
    const auto cycles = static_cast<double>(m_cycles);
    std::string line = fmt::format(
        "{} cycles, {:.1f} claims and {:.0f} us each ({:.0f} us in the commit)", m_cycles,
        static_cast<double>(m_claims) / cycles, static_cast<double>(m_cycle_time.count()) / cycles,
        static_cast<double>(m_commit_time.count()) / cycles);
    if (m_last_answer && *m_last_answer > *m_first_cycle) {
        const auto sending = static_cast<double>(
            duration_cast<microseconds>(*m_last_answer - *m_first_cycle).count());
        line +=
            fmt::format("; over {:.2f} s of sending, {:.0f} % of it in cycles, {:.1f} "
                        "connections busy on average",
                        sending / 1e6, static_cast<double>(m_cycle_time.count()) / sending * 100,
                        static_cast<double>(m_round_trips.count()) / sending);
    }
    std::string names;
    for (const auto& [name, window] : windows) {
        names += fmt::format("{}{} {}", names.empty() ? "" : ", ", name, window);
    }
    return line + "; claim windows now: " + names;
}

} // namespace kibaru::engine
