// The deliveries, which the reports read, checked against what the audit log seals: each row's
// state and segments against the replay of its sealed events (core/delivery_replay.hpp), the
// tallies against the rows, and each week's deliveries against its `week.opened` entry (how
// many, and their id range). Part of `audit verify`, after the chain and the seals are found
// intact, inside the same read transaction.
#pragma once

#include "core/delivery_replay.hpp"
#include "store/audit_log.hpp"

namespace kibaru::store {

class Database;

// The first problem found, or an ok verdict with `deliveries_checked` (and how many of them had
// events too old to replay: `deliveries_not_replayable`). `replay` holds every sealed event.
AuditVerdict check_deliveries(Database& db, core::DeliveryReplay& replay);

} // namespace kibaru::store
