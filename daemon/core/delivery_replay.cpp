#include "core/delivery_replay.hpp"

#include <algorithm>

namespace kibaru::core {

namespace {

constexpr std::uint16_t k_state_mask = 0x0f;
constexpr std::uint16_t k_has_events = 1u << 4;
constexpr std::uint16_t k_state_unknown = 1u << 5;    // an event from before `applied`
constexpr std::uint16_t k_segments_unknown = 1u << 6; // the same, for the segments
constexpr std::uint16_t k_row_seen = 1u << 7;
constexpr int k_segments_shift = 8;
// A concatenated SMS has at most 255 parts (an 8-bit counter in its header): 255 stands for
// "255 or more", which no real SMS reaches.
constexpr std::int64_t k_max_segments = 255;

std::string state_text(DeliveryState state) {
    return std::string(to_string(state));
}

} // namespace

DeliveryReplay::DeliveryReplay(std::int64_t max_id)
    : m_slots(static_cast<std::size_t>(std::max<std::int64_t>(max_id, 0)) + 1, 0) {}

bool DeliveryReplay::event(std::int64_t delivery_id, DeliveryState state,
                           std::optional<bool> applied, std::int64_t segments) {
    if (delivery_id < 1 || static_cast<std::uint64_t>(delivery_id) >= m_slots.size()) {
        return false;
    }
    auto slot = m_slots[static_cast<std::size_t>(delivery_id)];
    slot |= k_has_events;
    if (!applied) {
        // It may have changed the state and the segments: neither can be replayed until a
        // later event that records it sets them.
        slot |= k_state_unknown | k_segments_unknown;
    } else if (*applied) {
        slot = static_cast<std::uint16_t>((slot & ~(k_state_mask | k_state_unknown)) |
                                          static_cast<std::uint16_t>(state));
        if (segments > 0) { // a claim: the segments of the SMS it sends
            const auto kept = static_cast<std::uint16_t>(slot & ((1u << k_segments_shift) - 1) &
                                                         ~k_segments_unknown);
            slot = static_cast<std::uint16_t>(
                kept | (std::min(segments, k_max_segments) << k_segments_shift));
        }
    }
    m_slots[static_cast<std::size_t>(delivery_id)] = slot;
    return true;
}

std::optional<std::string> DeliveryReplay::check_row(std::int64_t id, DeliveryState state,
                                                     std::int64_t segments) {
    const std::string name = "delivery " + std::to_string(id);
    if (id < 1 || static_cast<std::uint64_t>(id) >= m_slots.size()) {
        return name + " lies beyond the ids Kibaru gave its deliveries (inserted outside Kibaru)";
    }
    ++m_rows;
    auto& slot = m_slots[static_cast<std::size_t>(id)];
    slot |= k_row_seen;
    if ((slot & (k_state_unknown | k_segments_unknown)) != 0) {
        ++m_not_replayable;
    }
    const auto replayed = static_cast<DeliveryState>(slot & k_state_mask);
    if ((slot & k_state_unknown) == 0 && state != replayed) {
        return name + " is " + state_text(state) + " where its sealed events leave it " +
               state_text(replayed) + " (the delivery was edited outside Kibaru)";
    }
    const std::int64_t replayed_segments = slot >> k_segments_shift;
    const bool segments_match = replayed_segments == k_max_segments ? segments >= k_max_segments
                                                                    : segments == replayed_segments;
    if ((slot & k_segments_unknown) == 0 && !segments_match) {
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
