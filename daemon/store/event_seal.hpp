// Delivery events in the tamper-evident record. They are too many to chain one by one, so each
// transaction that writes events seals them: one audit entry, `delivery_events.sealed`, holds
// the id range and a SHA-256 over every event of the range in the audit framing (version 3:
// "kibaru-events-v3\n", then id, delivery_id, at, state, attempt, http_status, gateway_id,
// latency_ms, error, gateway, applied, segments; version 2: "kibaru-events-v2\n" and the first
// ten fields, as written before events recorded whether they applied; seals without a version
// are version 1: "kibaru-events-v1\n" and the first nine, as before several gateways). The chain
// then covers the seals, and verification recomputes each range: an edited, deleted, inserted
// or reordered event breaks its seal, and an event outside every seal is an insertion.
#pragma once

#include "store/audit_log.hpp"
#include "store/sqlite.hpp"

#include <string>

namespace kibaru::store {

// Seals the events written since the last seal. Call inside the transaction that wrote them,
// before its commit. Does nothing when there are none.
void seal_delivery_events(Database& db, const std::string& now, const std::string& actor);

// The transaction every writer of deliveries uses: its commit seals the events written inside
// it, then commits, so that no writer can leave events outside every seal. Rolled back, like
// any Transaction, when destroyed uncommitted.
class DeliveryTransaction {
public:
    // `now` and `actor` go to the seal's audit entry.
    DeliveryTransaction(Database& db, std::string now, std::string actor,
                        Transaction::Mode mode = Transaction::Mode::write);
    void commit();

private:
    Database& m_db;
    std::string m_now;
    std::string m_actor;
    Transaction m_tx;
};

// Recomputes every seal in audit order, then checks the deliveries and their tallies against
// the sealed events (store/deliveries_audit.hpp). Returns the first problem (broken_seq names
// the seal's audit entry, 0 for a delivery's problem; problem says what), or an ok verdict with
// `checked` events and the deliveries checked.
AuditVerdict verify_delivery_events(Database& db);

// The seals alone, without the deliveries (for tests of the framing over bare events).
AuditVerdict verify_event_seals(Database& db);

} // namespace kibaru::store
