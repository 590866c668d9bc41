// The deliveries, which the reports read, checked against what the audit log seals: each row's
// state and segments against the replay of its sealed events (core/delivery_replay.hpp), the
// tallies against the rows, and each week's deliveries against its `week.opened` entry (how
// many, their id range, and which contact each is for). Part of `audit verify`, after the chain and
// the seals are found intact, inside the same read transaction.
#pragma once

#include "core/delivery_replay.hpp"
#include "store/audit_log.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace kibaru::store {

class Database;

// A week's audience as its `week.opened` entry recorded it. (Not DeliveriesRepo's WeekOpening,
// what opening a week returns: one name for two types in one namespace breaks the ODR.)
struct OpeningEntry {
    std::int64_t targeted = 0;
    std::optional<std::pair<std::int64_t, std::int64_t>> ids; // first, last (entries since 2026)
    std::string audience_sha256; // who they are for (store/audience_digest.hpp); empty before
};
using WeekKey = std::pair<std::int64_t, std::int64_t>; // campaign, week
using OpeningEntries = std::map<WeekKey, OpeningEntry>;

// Every week.opened entry, by week: read once (the log has no index on the action), after the
// chain was verified, so these are what happened.
OpeningEntries read_week_openings(Database& db);

// How many deliveries the openings created: what an honest database holds, found without a
// pass over the deliveries.
std::int64_t deliveries_opened(const OpeningEntries& weeks);

// The first problem found, or an ok verdict with `deliveries_checked` (and how many of them had
// events too old to replay: `deliveries_not_replayable`). `replay` holds every sealed event.
AuditVerdict check_deliveries(Database& db, core::DeliveryReplay& replay,
                              const OpeningEntries& weeks);

} // namespace kibaru::store
