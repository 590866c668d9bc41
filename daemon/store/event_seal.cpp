#include "store/event_seal.hpp"

#include "core/delivery_replay.hpp"
#include "core/json_input.hpp"
#include "store/audit_details.hpp"
#include "store/deliveries_audit.hpp"
#include "store/savepoint.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace kibaru::store {

namespace {

// The seal format written now: version 3 adds whether the event changed its delivery and the
// segments it set (so deliveries can be replayed from their events); version 2 added the
// gateway's name (several gateways) after the nine fields of version 1. Seals keep the version
// they were written in.
constexpr int k_seal_version = 3;

int seal_columns(int version) {
    return version >= 3 ? 12 : version == 2 ? 10 : 9;
}

std::string seal_header(int version) {
    return "kibaru-events-v" + std::to_string(std::clamp(version, 1, k_seal_version)) + "\n";
}

// Integers in decimal, formatted here: asking SQLite for their text converts (and allocates)
// each one, which was most of the cost of sealing a dispatcher batch.
void hash_integer(core::Sha256& sha, std::int64_t value) {
    char number[24];
    const auto end = std::to_chars(number, number + sizeof number, value).ptr;
    sha.field({number, static_cast<std::size_t>(end - number)});
}

void hash_optional(core::Sha256& sha, const std::optional<std::int64_t>& value) {
    if (value) {
        hash_integer(sha, *value);
    } else {
        sha.field({});
    }
}

// The events as the framing reads them, in a database of the current schema (the one sealing).
const std::string k_events_query =
    "SELECT id, delivery_id, at, state, attempt, http_status, gateway_id, latency_ms, error, "
    "gateway, applied, segments FROM delivery_events WHERE id BETWEEN ? AND ? ORDER BY id";

// The same for any database: a copy made by an earlier version (checked before a restore,
// read-only, not migrated) may lack the later columns, which then read as NULL (no seal of its
// time covered them).
std::string events_query(Database& db) {
    std::string columns =
        "id, delivery_id, at, state, attempt, http_status, gateway_id, latency_ms, error";
    auto& has = db.cached("SELECT count(*) FROM pragma_table_info('delivery_events') WHERE "
                          "name = ?");
    for (const std::string column : {"gateway", "applied", "segments"}) {
        has.bind(1, column);
        const bool present = has.step() && has.column_int(0) > 0;
        has.reset();
        columns += ", " + (present ? column : "NULL");
    }
    return "SELECT " + columns + " FROM delivery_events WHERE id BETWEEN ? AND ? ORDER BY id";
}

// An event of a broken replay: it names a delivery that has no row.
struct Orphan {
    std::int64_t event_id = 0;
    std::int64_t delivery_id = 0;
};

// SHA-256 over events [from, to] in the framing of `version`, and how many there are. Each event
// is also replayed into `replay` when one is given (its `applied` trusted only under a seal of
// version 3, which covers it); the first event whose delivery has no row goes to `orphan`.
std::pair<std::string, std::int64_t> digest(Database& db, const std::string& query,
                                            std::int64_t from, std::int64_t to, int version,
                                            core::DeliveryReplay* replay = nullptr,
                                            Orphan* orphan = nullptr) {
    auto& rows = db.cached(query);
    rows.bind_all(from, to);
    core::Sha256 sha;
    sha.update(seal_header(version));
    const int columns = seal_columns(version);
    std::int64_t count = 0;
    while (rows.step()) {
        if (replay) {
            const auto state = core::parse_delivery_state(rows.column_view(3));
            std::optional<bool> applied;
            if (version >= 3 && rows.column_is_integer(10)) {
                applied = rows.column_int(10) != 0;
            }
            const auto segments = rows.column_is_integer(11) ? rows.column_int(11) : 0;
            if (!replay->event(rows.column_int(1), state.value_or(core::DeliveryState::pending),
                               state ? applied : std::nullopt, segments) &&
                orphan && orphan->event_id == 0) {
                *orphan = {rows.column_int(0), rows.column_int(1)};
            }
        }
        for (int column = 0; column < columns; ++column) {
            if (rows.column_is_integer(column)) {
                hash_integer(sha, rows.column_int(column));
            } else {
                sha.field(rows.column_view(column)); // text as stored, NULL as empty
            }
        }
        ++count;
    }
    rows.reset();
    return {sha.hex(), count};
}

} // namespace

// In the order of k_events_query's columns, as digest() frames a row of version 3.
void EventFeed::add(const EventRow& event) {
    if (m_broken) {
        return;
    }
    if (!m_started) {
        m_sha.update(seal_header(k_seal_version));
        m_started = true;
        m_first = event.id;
    } else if (event.id != m_last + 1) {
        m_broken = true; // an event it did not see, or an id given twice: read back instead
        return;
    }
    m_last = event.id;
    ++m_added;
    hash_integer(m_sha, event.id);
    hash_integer(m_sha, event.delivery_id);
    m_sha.field(event.at);
    m_sha.field(event.state);
    hash_integer(m_sha, event.attempt);
    hash_optional(m_sha, event.http_status);
    m_sha.field(event.gateway_id);
    hash_optional(m_sha, event.latency_ms);
    m_sha.field(event.error);
    m_sha.field(event.gateway);
    hash_optional(m_sha, event.applied);
    hash_optional(m_sha, event.segments);
}

std::optional<std::string> EventFeed::digest_of(std::int64_t from, std::int64_t to) {
    if (!m_started || m_broken || m_first != from || m_last != to || m_inserted != m_added) {
        return std::nullopt;
    }
    m_broken = true; // the digest is finished: once only
    return m_sha.hex();
}

namespace {

// SQLite's update hook while a DeliveryTransaction is open: every row inserted into
// delivery_events on its connection, by whichever statement, is counted by its feed.
void count_event_inserts(void* feed, int operation, const char* database, const char* table,
                         sqlite3_int64) {
    if (operation == SQLITE_INSERT && std::strcmp(table, "delivery_events") == 0 &&
        std::strcmp(database, "main") == 0) {
        static_cast<EventFeed*>(feed)->row_inserted();
    }
}

} // namespace

void feed_delivery_event(Database& db, const EventRow& event) {
    if (auto* feed = db.event_feed()) {
        feed->add(event);
    }
}

DeliveryTransaction::DeliveryTransaction(Database& db, std::string now, std::string actor,
                                         Transaction::Mode mode)
    : m_db(db), m_now(std::move(now)), m_actor(std::move(actor)), m_tx(db, mode) {
    m_db.set_event_feed(&m_feed);
    sqlite3_update_hook(m_db.handle(), &count_event_inserts, &m_feed);
}

DeliveryTransaction::~DeliveryTransaction() {
    stop_feeding();
}

void DeliveryTransaction::stop_feeding() {
    if (m_db.event_feed() == &m_feed) {
        sqlite3_update_hook(m_db.handle(), nullptr, nullptr);
        m_db.set_event_feed(nullptr);
    }
}

void DeliveryTransaction::commit() {
    stop_feeding();
    seal_delivery_events(m_db, m_now, m_actor, &m_feed);
    m_tx.commit();
}

void seal_delivery_events(Database& db, const std::string& now, const std::string& actor,
                          EventFeed* feed) {
    auto& range = db.cached("SELECT (SELECT last_id FROM delivery_events_seal WHERE id = 1), "
                            "(SELECT coalesce(max(id), 0) FROM delivery_events)");
    range.step();
    const auto last = range.column_int(0);
    const auto newest = range.column_int(1);
    range.reset();
    if (newest <= last) {
        return;
    }
    auto fed = feed ? feed->digest_of(last + 1, newest) : std::nullopt;
#ifndef NDEBUG
    // Debug builds (the sanitizers' run) check the feed against the events as stored.
    if (fed && *fed != digest(db, k_events_query, last + 1, newest, k_seal_version).first) {
        std::fprintf(stderr,
                     "events %lld-%lld: their digest as written differs from the events "
                     "as stored\n",
                     static_cast<long long>(last + 1), static_cast<long long>(newest));
        std::abort();
    }
#endif
    const auto [sha, count] = fed ? std::pair{*fed, newest - last}
                                  : digest(db, k_events_query, last + 1, newest, k_seal_version);
    AuditLog(db).append(now, actor, "delivery_events.sealed",
                        "events " + std::to_string(last + 1) + "-" + std::to_string(newest),
                        nlohmann::json{{"from", last + 1},
                                       {"to", newest},
                                       {"count", count},
                                       {"sha256", sha},
                                       {"version", k_seal_version}}
                            .dump());
    auto& advance = db.cached("UPDATE delivery_events_seal SET last_id = ? WHERE id = 1");
    advance.bind(1, newest);
    advance.run();
}

namespace {

AuditVerdict verify_seals(Database& db, core::DeliveryReplay* replay) {
    AuditVerdict verdict;
    const auto query = events_query(db);
    auto seals = db.prepare("SELECT seq, details FROM audit_log WHERE action = "
                            "'delivery_events.sealed' ORDER BY seq");
    std::int64_t expected_from = 1;
    auto fail = [&](std::int64_t seq, std::string problem) {
        verdict.broken_seq = seq;
        verdict.problem = std::move(problem);
        return verdict;
    };
    while (seals.step()) {
        const auto seq = seals.column_int(0);
        const auto details = core::parse_outside_json(seals.column_view(1));
        const auto from = detail_int(details, "from");
        const auto to = detail_int(details, "to");
        const auto sealed_count = detail_int(details, "count");
        const auto sealed_sha = detail_text(details, "sha256");
        // Version 1 seals carry no version; any other field missing or of another type, or a
        // range no seal covers (empty, or ending where the next could not begin), was written
        // by hand.
        const auto version = details.contains("version") ? detail_int(details, "version")
                                                         : std::optional<std::int64_t>(1);
        if (!from || !to || *to < *from || *to == std::numeric_limits<std::int64_t>::max() ||
            !sealed_count || !sealed_sha || !version || *version < 1 || *version > k_seal_version) {
            return fail(seq, "seal entry " + std::to_string(seq) + " is unreadable");
        }
        const std::string range = "delivery events " + std::to_string(*from) + "-" +
                                  std::to_string(*to) + " (sealed by audit entry " +
                                  std::to_string(seq) + ")";
        if (*from != expected_from) {
            return fail(seq, range + " do not follow the previous seal");
        }
        Orphan orphan;
        const auto [sha, count] =
            digest(db, query, *from, *to, static_cast<int>(*version), replay, &orphan);
        if (count != *sealed_count) {
            return fail(seq, range + ": " + std::to_string(count) + " events where " +
                                 std::to_string(*sealed_count) +
                                 " were sealed (deleted or inserted?)");
        }
        if (sha != *sealed_sha) {
            return fail(seq, range + " do not match their seal (an event was edited)");
        }
        if (orphan.event_id != 0) {
            return fail(seq, "delivery event " + std::to_string(orphan.event_id) +
                                 " belongs to delivery " + std::to_string(orphan.delivery_id) +
                                 ", which has no row (a delivery was deleted outside Kibaru)");
        }
        verdict.checked += count;
        expected_from = *to + 1;
    }
    const auto beyond = db.scalar_int("SELECT count(*) FROM delivery_events WHERE id >= " +
                                      std::to_string(expected_from));
    if (beyond > 0) {
        return fail(0, std::to_string(beyond) + " delivery events from id " +
                           std::to_string(expected_from) +
                           " are under no seal (inserted outside kibaru?)");
    }
    return verdict;
}

} // namespace

AuditVerdict verify_event_seals(Database& db) {
    return verify_seals(db, nullptr);
}

AuditVerdict verify_delivery_events(Database& db) {
    // One read snapshot for the seals, the events and the deliveries: a running daemon
    // committing new events and their seal between two reads would otherwise look like an
    // unsealed insertion, or a delivery ahead of its events.
    Savepoint snapshot(db, "delivery_check");
    // Kibaru gives delivery ids in order and never deletes one, so the largest id is the
    // number of deliveries the weeks' openings created. One far beyond was put there outside
    // Kibaru, and the replay (two bytes per id) is not sized for it: an id of 10^10 would ask
    // 20 GB. The bound comes from the audit log, which costs no pass over the deliveries.
    auto weeks = read_week_openings(db);
    const auto opened = deliveries_opened(weeks);
    const auto last_id = db.scalar_int("SELECT coalesce(max(id), 0) FROM deliveries");
    if (last_id > 2 * opened + 1000) {
        snapshot.release();
        AuditVerdict verdict;
        verdict.problem = "delivery ids reach " + std::to_string(last_id) + " where the weeks' " +
                          "openings created " + std::to_string(opened) +
                          " deliveries (rows inserted or deleted outside Kibaru)";
        return verdict;
    }
    core::DeliveryReplay replay(last_id);
    auto verdict = verify_seals(db, &replay);
    if (verdict.ok()) {
        const auto events = verdict.checked;
        verdict = check_deliveries(db, replay, weeks);
        verdict.checked = events;
    }
    snapshot.release();
    return verdict;
}

} // namespace kibaru::store
