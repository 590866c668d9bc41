// Delivery events in the tamper-evident record. They are too many to chain one by one, so each
// transaction that writes events seals them: one audit entry, `delivery_events.sealed`, holds
// the id range and a SHA-256 over every event of the range in the audit framing (version 2:
// "kibaru-events-v2\n", then id, delivery_id, at, state, attempt, http_status, gateway_id,
// latency_ms, error, gateway; seals without a version are version 1: "kibaru-events-v1\n" and
// the first nine fields, as written before several gateways). The audit chain
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

// Recomputes every seal in audit order. Returns the first problem (broken_seq names the seal's
// audit entry; problem names the event range), or an ok verdict with `checked` events.
AuditVerdict verify_delivery_events(Database& db);

} // namespace kibaru::store
