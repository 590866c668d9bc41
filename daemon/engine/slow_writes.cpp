#include "engine/slow_writes.hpp"

#include <string>

namespace kibaru::engine {

std::optional<SlowWrites::Summary> SlowWrites::wrote(const char* doing, Clock::duration took,
                                                     Clock::time_point now) {
    if (took >= k_slow) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took);
        ++m_pending.count;
        if (ms > m_pending.longest) {
            m_pending.longest = ms;
            m_pending.doing = doing;
        }
    }
    if (m_pending.count == 0 || (m_logged && now - *m_logged < k_log_every)) {
        return std::nullopt;
    }
    m_logged = now;
    return held_back();
}

std::optional<SlowWrites::Summary> SlowWrites::held_back() {
    if (m_pending.count == 0) {
        return std::nullopt;
    }
    Summary summary = std::move(m_pending);
    m_pending = {};
    return summary;
}

std::string describe(const SlowWrites::Summary& summary) {
    const auto longest = std::to_string(summary.longest.count()) + " ms (" + summary.doing + ")";
    const auto head = summary.count == 1
                          ? "a database write took " + longest
                          : std::to_string(summary.count) + " database writes took over " +
                                std::to_string(SlowWrites::k_slow.count()) +
                                " ms each since the last such warning, the longest " + longest;
    return head + "; no request left meanwhile, as each send waits for its claim to be on disk: "
                  "the disk is slow, or another process held the database";
}

} // namespace kibaru::engine
