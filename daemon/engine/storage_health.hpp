// Whether the database takes writes. A full disk, a file turned read-only or an I/O error must
// not end the daemon: it stops claiming, keeps what came back from the gateways in memory, says
// why on /healthz and in the log (once a minute, not once per attempt), and resumes by itself
// when a write succeeds again. This is the bookkeeping of that state; the engine does the I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace kibaru::engine {

class StorageHealth {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds k_log_every{60};

    // A write failed with `reason`. True when it should be logged: the first failure of an
    // episode, then at most once every k_log_every while the failures go on.
    bool failed(std::string reason, Clock::time_point now);
    // A write succeeded. When writes had been failing, returns for how long.
    std::optional<Clock::duration> succeeded(Clock::time_point now);

    bool failing() const { return m_since.has_value(); }
    // How long writes have been failing at `now`; zero while they succeed.
    Clock::duration failing_for(Clock::time_point now) const {
        return m_since ? now - *m_since : Clock::duration::zero();
    }
    // Why the last write failed; empty while writes succeed.
    const std::string& reason() const { return m_reason; }

private:
    std::optional<Clock::time_point> m_since;
    Clock::time_point m_logged{};
    std::string m_reason;
};

} // namespace kibaru::engine
