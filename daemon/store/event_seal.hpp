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

#include "core/audit.hpp"
#include "store/audit_log.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kibaru::store {

// One delivery event as its writer inserted it, in the seal's columns; NULL is std::nullopt (or
// an empty text, which the framing does not tell from NULL).
struct EventRow {
    std::int64_t id = 0;
    std::int64_t delivery_id = 0;
    std::string_view at;
    std::string_view state;
    std::int64_t attempt = 0;
    std::optional<std::int64_t> http_status;
    std::string_view gateway_id;
    std::optional<std::int64_t> latency_ms;
    std::string_view error;
    std::string_view gateway;
    std::optional<std::int64_t> applied;
    std::optional<std::int64_t> segments;
};

// The events a DeliveryTransaction's writers insert, hashed in the seal's framing as they are
// written, so that its commit need not read them back: that read was most of the cost of
// sealing a dispatcher cycle. Trusted only when it saw exactly the range being sealed, one event
// after the other, and was handed every row inserted into delivery_events meanwhile (each one
// reported by row_inserted); anything else (an event written by a set-based statement, fed
// events rolled back to a savepoint and their ids given again) and the seal reads the range as
// before.
class EventFeed {
public:
    void add(const EventRow& event);
    // A row was inserted into delivery_events, by whichever statement (SQLite's update hook).
    void row_inserted() { ++m_inserted; }
    // The digest of events [from, to] if they are exactly those added, in order; once only.
    std::optional<std::string> digest_of(std::int64_t from, std::int64_t to);

private:
    core::Sha256 m_sha;
    bool m_started = false;
    bool m_broken = false;
    std::int64_t m_first = 0;
    std::int64_t m_last = 0;
    std::int64_t m_added = 0;
    std::int64_t m_inserted = 0;
};

// Hands an event just inserted to the open DeliveryTransaction's feed; nothing outside one.
void feed_delivery_event(Database& db, const EventRow& event);

// Seals the events written since the last seal. Call inside the transaction that wrote them,
// before its commit. Does nothing when there are none. `feed`, when it saw exactly those
// events, spares reading them back.
void seal_delivery_events(Database& db, const std::string& now, const std::string& actor,
                          EventFeed* feed = nullptr);

// The transaction every writer of deliveries uses: its commit seals the events written inside
// it, then commits, so that no writer can leave events outside every seal. Rolled back, like
// any Transaction, when destroyed uncommitted.
class DeliveryTransaction {
public:
    // `now` and `actor` go to the seal's audit entry.
    DeliveryTransaction(Database& db, std::string now, std::string actor,
                        Transaction::Mode mode = Transaction::Mode::write);
    ~DeliveryTransaction();
    DeliveryTransaction(const DeliveryTransaction&) = delete;
    DeliveryTransaction& operator=(const DeliveryTransaction&) = delete;
    void commit();

private:
    void stop_feeding();
    Database& m_db;
    std::string m_now;
    std::string m_actor;
    Transaction m_tx;
    EventFeed m_feed;
};

// Recomputes every seal in audit order, then checks the deliveries and their tallies against
// the sealed events (store/deliveries_audit.hpp). Returns the first problem (broken_seq names
// the seal's audit entry, 0 for a delivery's problem; problem says what), or an ok verdict with
// `checked` events and the deliveries checked.
AuditVerdict verify_delivery_events(Database& db);

// The seals alone, without the deliveries (for tests of the framing over bare events).
AuditVerdict verify_event_seals(Database& db);

} // namespace kibaru::store
