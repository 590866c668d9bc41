#include "core/delivery_replay.hpp"

#include <algorithm>

namespace kibaru::core {

namespace {

constexpr std::uint16_t k_state_mask = 0x0f;
constexpr std::uint16_t k_has_events = 1u << 4;
constexpr std::uint16_t k_not_replayable = 1u << 5;
constexpr std::uint16_t k_row_seen = 1u << 6;
constexpr int k_segments_shift = 7;
// A concatenated SMS has at most 255 parts (an 8-bit counter in its header); 511 holds them.
constexpr int k_max_segments = 511;

int clamp_segments(int segments) {
    return std::clamp(segments, 0, k_max_segments);
}

std::string state_text(DeliveryState state) {
    return std::string(to_string(state));
}

} // namespace

DeliveryReplay::DeliveryReplay(std::int64_t max_id)
    : m_slots(static_cast<std::size_t>(std::max<std::int64_t>(max_id, 0)) + 1, 0) {}

bool DeliveryReplay::event(std::int64_t delivery_id, DeliveryState state,
                           std::optional<bool> applied, int segments) {
    if (delivery_id < 1 || static_cast<std::uint64_t>(delivery_id) >= m_slots.size()) {
        return false;
    }
    auto& slot = m_slots[static_cast<std::size_t>(delivery_id)];
    slot |= k_has_events;
    if (!applied) {
        slot |= k_not_replayable;
    } else if (*applied) {
        // An applied event sets the state, and the segments when it carries them (a claim).
        std::uint16_t kept = slot & static_cast<std::uint16_t>(~k_state_mask);
        if (segments > 0) {
            kept = static_cast<std::uint16_t>(
                (kept & ((1u << k_segments_shift) - 1)) |
                static_cast<unsigned>(clamp_segments(segments) << k_segments_shift));
        }
        slot = static_cast<std::uint16_t>(kept | static_cast<std::uint16_t>(state));
    }
    return true;
}

std::optional<std::string> DeliveryReplay::check_row(std::int64_t id, DeliveryState state,
                                                     int segments) {
    const std::string name = "delivery " + std::to_string(id);
    if (id < 1 || static_cast<std::uint64_t>(id) >= m_slots.size()) {
        return name + " was not there when the check began"; // the caller reads a snapshot
    }
    ++m_rows;
    auto& slot = m_slots[static_cast<std::size_t>(id)];
    slot |= k_row_seen;
    if ((slot & k_not_replayable) != 0) {
        ++m_not_replayable;
        return std::nullopt;
    }
    const auto replayed = static_cast<DeliveryState>(slot & k_state_mask);
    if (state != replayed) {
        return name + " is " + state_text(state) + " where its sealed events leave it " +
               state_text(replayed) + " (the delivery was edited outside Kibaru)";
    }
    const int replayed_segments = slot >> k_segments_shift;
    if (clamp_segments(segments) != replayed_segments) {
        return name + " counts " + std::to_string(segments) + " segments where its sealed " +
               "events give " + std::to_string(replayed_segments) +
               " (the delivery was edited outside Kibaru)";
    }
    return std::nullopt;
}

std::optional<std::int64_t> DeliveryReplay::first_without_row() const {
    for (std::size_t id = 1; id < m_slots.size(); ++id) {
        if ((m_slots[id] & k_has_events) != 0 && (m_slots[id] & k_row_seen) == 0) {
            return static_cast<std::int64_t>(id);
        }
    }
    return std::nullopt;
}

} // namespace kibaru::core
