// Internal to the deliveries store (deliveries_repo.cpp, deliveries_reports.cpp): the tallies
// helper both files write delivery_tallies with. Not part of the store's public interface.
#pragma once

#include "core/delivery.hpp"

#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

namespace kibaru::store {

class Database;

namespace detail {

using State = core::DeliveryState;

// Moves between the rows of delivery_tallies, gathered over a statement or a batch and written
// with one upsert per (campaign, week, state), in the transaction of the change they count.
// Defined in deliveries_repo.cpp.
class TallyMoves {
public:
    void add(std::int64_t campaign_id, std::int64_t week, core::DeliveryState state,
             std::int64_t deliveries, std::int64_t segments);
    void move(std::int64_t campaign_id, std::int64_t week, core::DeliveryState from,
              std::int64_t from_segments, core::DeliveryState to, std::int64_t to_segments,
              std::int64_t deliveries = 1);
    void write(Database& db);

private:
    std::map<std::tuple<std::int64_t, std::int64_t, core::DeliveryState>,
             std::pair<std::int64_t, std::int64_t>>
        m_delta; // deliveries, segments
};

} // namespace detail

} // namespace kibaru::store
