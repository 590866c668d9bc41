// The deliveries, which the reports read, checked against what the audit log seals: each row's
// state and segments against the replay of its sealed events (core/delivery_replay.hpp), the
// tallies against the rows, and each week's deliveries against its `week.opened` entry (how
// many, and their id range). Part of `audit verify`, after the chain and the seals are found
// intact, inside the same read transaction.
#pragma once

#include "core/delivery_replay.hpp"
#include "store/audit_log.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

namespace kibaru::store {

class Database;

// A week's audience as its `week.opened` entry recorded it.
struct WeekOpening {
    std::int64_t targeted = 0;
    std::optional<std::pair<std::int64_t, std::int64_t>> ids; // first, last (entries since 2026)
    std::int64_t rows = 0;                                    // deliveries found
};
using WeekKey = std::pair<std::int64_t, std::int64_t>; // campaign, week
using WeekOpenings = std::map<WeekKey, WeekOpening>;

// Every week.opened entry, by week: read once (the log has no index on the action), after the
// chain was verified, so these are what happened.
WeekOpenings read_week_openings(Database& db);

// How many deliveries the openings created: what an honest database holds, found without a
// pass over the deliveries.
std::int64_t deliveries_opened(const WeekOpenings& weeks);

// The first problem found, or an ok verdict with `deliveries_checked` (and how many of them had
// events too old to replay: `deliveries_not_replayable`). `replay` holds every sealed event.
AuditVerdict check_deliveries(Database& db, core::DeliveryReplay& replay, WeekOpenings weeks);

} // namespace kibaru::store
