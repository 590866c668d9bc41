#include "engine/storage_health.hpp"

namespace kibaru::engine {

bool StorageHealth::failed(std::string reason, Clock::time_point now) {
    const bool first = !m_since;
    const bool log = first || now - m_logged >= k_log_every;
    if (first) {
        m_since = now;
    }
    if (log) {
        m_logged = now;
    }
    m_reason = std::move(reason);
    return log;
}

std::optional<StorageHealth::Clock::duration> StorageHealth::succeeded(Clock::time_point now) {
    if (!m_since) {
        return std::nullopt;
    }
    const auto paused = now - *m_since;
    m_since.reset();
    m_reason.clear();
    return paused;
}

} // namespace kibaru::engine
