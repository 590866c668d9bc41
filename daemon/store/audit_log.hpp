// The audit log table: appending chained entries inside the caller's transaction (so an entry
// exists exactly when its change does), verifying the whole chain, and streaming it for export.
#pragma once

#include "core/audit.hpp"
#include "core/audit_checkpoint.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {

class Database;

struct AuditRow {
    core::AuditEntry entry;
    std::string prev_hash;
    std::string hash;
};

struct AuditVerdict {
    std::int64_t checked = 0;             // entries whose hash was recomputed
    std::int64_t broken_seq = 0;          // first entry found broken, 0 when the chain is intact
    std::string problem;                  // what is wrong with it, for the auditor
    std::int64_t events_checked = 0;      // delivery events checked against their seals
    std::int64_t checkpoints_checked = 0; // witnessed checkpoints the log still matches
    std::int64_t deliveries_checked = 0;  // deliveries checked against their sealed events
    std::int64_t deliveries_not_replayable = 0; // of them: events too old to replay, tallied only
    bool ok() const { return problem.empty(); }
};

class AuditLog {
public:
    explicit AuditLog(Database& db) : m_db(db) {}

    // Appends one entry chained after the current head. Must run inside an open Transaction,
    // the same one as the change it records. Returns the new entry's seq.
    std::int64_t append(std::string at, std::string actor, std::string action, std::string subject,
                        std::string details);

    // Recomputes every hash in seq order and checks the links, the sequence and the head.
    // Reads in one snapshot, so a concurrent append cannot cause a false alarm.
    AuditVerdict verify();

    // Calls `visit` for every entry in seq order, without holding them all in memory.
    void for_each(const std::function<void(const AuditRow&)>& visit);

    // The chain's head now: its seq, hash and time (seq 0 and the genesis hash when empty).
    core::AuditCheckpoint checkpoint();

    // The hash entry `seq` has now, if the log has it.
    std::optional<std::string> hash_of(std::int64_t seq);

    // The newest entry whose action is one of `actions`, if any.
    std::optional<core::AuditEntry> latest(const std::vector<std::string>& actions);

private:
    Database& m_db;
};

} // namespace kibaru::store
