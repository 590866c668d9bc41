// The dispatcher's writes that took long. The dispatcher commits each cycle's transaction before
// the requests it claims leave (exactly once), so while the disk takes 600 ms over one sync, no
// request leaves for 600 ms. An operator asking why sending stalls needs to see that in the log:
// the first slow write is logged at once; later ones are held back and logged together (how
// many, the longest) at the first timed write a minute or more after the last line, and what is
// still held back when the engine ends. This is the bookkeeping; the StorageGuard times the
// writes and logs.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace kibaru::engine {

class SlowWrites {
public:
    using Clock = std::chrono::steady_clock;
    // As long as the send may stall (the backup's target in BENCHMARKS.md).
    static constexpr std::chrono::milliseconds k_slow{100};
    static constexpr std::chrono::seconds k_log_every{60};

    struct Summary {
        int count = 0;                       // slow writes since the last summary
        std::chrono::milliseconds longest{}; // the longest of them
        std::string doing;                   // what the longest was
    };

    // A write (`doing`) took `took` and ended at `now`. Returns the summary to log when one is
    // due: at the first slow write, then at the first write (slow or not) k_log_every or more
    // after the last summary while slow writes are held back.
    std::optional<Summary> wrote(const char* doing, Clock::duration took, Clock::time_point now);
    // Whether a write under k_slow ending at `now` would release a summary (cheap: checked by
    // every timed write).
    bool summary_due(Clock::time_point now) const {
        return m_pending.count > 0 && m_logged && now - *m_logged >= k_log_every;
    }
    // The slow writes not yet in a summary (at the end of a run), if any; forgets them.
    std::optional<Summary> held_back();

private:
    Summary m_pending;
    std::optional<Clock::time_point> m_logged;
};

// The log line for a summary, in the operator's terms.
std::string describe(const SlowWrites::Summary& summary);

} // namespace kibaru::engine
