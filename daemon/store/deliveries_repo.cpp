// Deliveries, the write side: opening and closing weeks, skipping, requeueing, claiming due
// deliveries and applying the dispatcher's transitions; also the definition of the tallies
// helper (TallyMoves, declared in deliveries_internal.hpp). Delivery reports and the read-only
// counts are in deliveries_reports.cpp.
#include "store/deliveries_repo.hpp"

#include "store/audience_digest.hpp"
#include "store/campaigns_repo.hpp"
#include "store/deliveries_internal.hpp"
#include "store/event_seal.hpp"
#include "store/sqlite.hpp"

#include <map>
#include <tuple>

namespace kibaru::store {

namespace detail {

void TallyMoves::add(std::int64_t campaign_id, std::int64_t week, core::DeliveryState state,
                     std::int64_t deliveries, std::int64_t segments) {
    auto& delta = m_delta[{campaign_id, week, state}];
    delta.first += deliveries;
    delta.second += segments;
}

void TallyMoves::move(std::int64_t campaign_id, std::int64_t week, core::DeliveryState from,
                      std::int64_t from_segments, core::DeliveryState to, std::int64_t to_segments,
                      std::int64_t deliveries) {
    add(campaign_id, week, from, -deliveries, -from_segments);
    add(campaign_id, week, to, deliveries, to_segments);
}

void TallyMoves::write(Database& db) {
    auto& upsert =
        db.cached("INSERT INTO delivery_tallies (campaign_id, week, state, deliveries, segments) "
                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET deliveries = deliveries + "
                  "excluded.deliveries, segments = segments + excluded.segments");
    for (const auto& [key, delta] : m_delta) {
        if (delta.first != 0 || delta.second != 0) {
            upsert.bind_all(std::get<0>(key), std::get<1>(key), std::get<2>(key), delta.first,
                            delta.second);
            upsert.run();
        }
    }
    m_delta.clear();
}

} // namespace detail

namespace {

using detail::State;
using detail::TallyMoves;

// Appends an event for every delivery matching `where` (before its state changes), then moves
// them to `state`. Returns how many moved. `params` bind the WHERE clause after `at`.
std::int64_t move_all(Database& db, const std::string& where, core::DeliveryState state,
                      const std::string& now, const std::string& error,
                      const std::vector<std::int64_t>& params, const std::string& extra_set = "") {
    auto bind_where = [&](Statement& s, int first) {
        for (std::size_t i = 0; i < params.size(); ++i) {
            s.bind(first + static_cast<int>(i), params[i]);
        }
    };
    TallyMoves moves;
    auto moving = db.prepare("SELECT campaign_id, week, state, count(*), total(segments) FROM "
                             "deliveries WHERE " +
                             where + " GROUP BY campaign_id, week, state");
    bind_where(moving, 1);
    while (moving.step()) {
        const auto segments = static_cast<std::int64_t>(moving.column_double(4));
        moves.move(moving.column_int(0), moving.column_int(1), moving.column_state(2), segments,
                   state, segments, moving.column_int(3));
    }
    auto events = db.prepare("INSERT INTO delivery_events (delivery_id, at, state, attempt, "
                             "error, gateway, applied) SELECT id, ?, ?, attempts, ?, gateway, 1 "
                             "FROM deliveries WHERE " +
                             where);
    events.bind(1, now).bind(2, state).bind(3, error);
    bind_where(events, 4);
    events.run();
    auto update = db.prepare("UPDATE deliveries SET state = ?, updated_at = ?, error = ?" +
                             extra_set + " WHERE " + where);
    update.bind(1, state).bind(2, now).bind(3, error);
    bind_where(update, 4);
    update.run();
    const auto moved = db.changes();
    moves.write(db);
    return moved;
}

} // namespace

std::vector<int> DeliveriesRepo::opened_weeks(std::int64_t campaign_id) {
    auto& s = m_db.cached("SELECT week FROM campaign_weeks WHERE campaign_id = ? ORDER BY week");
    s.bind(1, campaign_id);
    std::vector<int> weeks;
    while (s.step()) {
        weeks.push_back(static_cast<int>(s.column_int(0)));
    }
    s.reset();
    return weeks;
}

WeekOpening DeliveriesRepo::open_week(const core::Campaign& campaign, int week,
                                      const std::string& opens_at, const std::string& closes_at,
                                      const std::string& now, std::int64_t now_ms) {
    auto header = m_db.prepare(
        "INSERT INTO campaign_weeks (campaign_id, week, opens_at, closes_at, opened_at, "
        "targeted, contacts_upto, status_events_upto) VALUES (?, ?, ?, ?, ?, 0, (SELECT "
        "coalesce(max(id), 0) FROM contacts), (SELECT coalesce(max(id), 0) FROM "
        "contact_status_events))");
    header.bind_all(campaign.id, week, opens_at, closes_at, now);
    header.run();

    // One set-based statement fixes the audience; UNIQUE (campaign, week, contact) and
    // DO NOTHING make a second opening harmless. Row ids are given in order from the largest,
    // so the week's deliveries are the range after it, recorded in the week.opened audit entry.
    // No event is written per delivery: the opening is one fact about the week, and at a
    // million deliveries an event each would cost a third of the opening.
    const auto before = m_db.scalar_int("SELECT coalesce(max(id), 0) FROM deliveries");
    const auto q = audience_query(campaign);
    auto insert = m_db.prepare(
        "INSERT INTO deliveries (campaign_id, week, contact_id, language, state, "
        "next_attempt_ms, updated_at) SELECT ?, ?, id, language, 'pending', ?, ? FROM contacts " +
        q.where + " ORDER BY id ON CONFLICT DO NOTHING");
    insert.bind_all(campaign.id, week, now_ms, now);
    bind_params(insert, q.params, 5);
    insert.run();
    WeekOpening opening;
    opening.targeted = m_db.changes();
    opening.first_id = before + 1;
    opening.last_id = before + opening.targeted;
    opening.audience_sha256 = audience_digest(m_db, opening.first_id, opening.last_id);
    TallyMoves tally;
    tally.add(campaign.id, week, State::pending, opening.targeted, 0);
    tally.write(m_db);

    auto count = m_db.prepare("UPDATE campaign_weeks SET targeted = ?, first_delivery_id = ?, "
                              "last_delivery_id = ? WHERE campaign_id = ? AND week = ?");
    count.bind_all(opening.targeted, opening.first_id, opening.last_id, campaign.id, week);
    count.run();
    // Every new delivery is pending, so the queue's index holds them all and covers the count.
    auto languages = m_db.prepare("SELECT language, count(*) FROM deliveries INDEXED BY "
                                  "deliveries_due WHERE campaign_id = ? AND week = ? AND state "
                                  "IN ('pending', 'retrying') GROUP BY language");
    languages.bind_all(campaign.id, week);
    while (languages.step()) {
        opening.by_language[languages.column_text(0)] = languages.column_int(1);
    }
    return opening;
}

std::vector<OpenWeek> DeliveriesRepo::weeks_to_close(const std::string& now) {
    auto s = m_db.prepare("SELECT campaign_id, week, closes_at FROM campaign_weeks WHERE closed = "
                          "0 AND closes_at <= ? ORDER BY closes_at");
    s.bind(1, now);
    std::vector<OpenWeek> weeks;
    while (s.step()) {
        weeks.push_back({s.column_int(0), static_cast<int>(s.column_int(1)), s.column_text(2)});
    }
    return weeks;
}

WeekClosing DeliveriesRepo::close_week(std::int64_t campaign_id, int week, const std::string& now,
                                       std::int64_t limit) {
    // The step's deliveries are picked once into a temporary table (in memory), so that the
    // tally, the events and the update all see the same set.
    m_db.exec("CREATE TEMP TABLE IF NOT EXISTS closing_step (id INTEGER PRIMARY KEY)");
    m_db.exec("DELETE FROM closing_step");
    auto pick = m_db.prepare("INSERT INTO closing_step SELECT id FROM deliveries INDEXED BY "
                             "deliveries_due WHERE campaign_id = ? AND week = ? AND state IN "
                             "('pending', 'retrying') LIMIT ?");
    pick.bind_all(campaign_id, week, limit);
    pick.run();
    const auto picked = m_db.changes();
    WeekClosing closing;
    if (picked > 0) {
        closing.expired = move_all(m_db, "id IN (SELECT id FROM closing_step)", State::expired, now,
                                   "the week closed before it was sent", {});
    }
    if (picked < limit) {
        auto closed =
            m_db.prepare("UPDATE campaign_weeks SET closed = 1 WHERE campaign_id = ? AND week = ?");
        closed.bind_all(campaign_id, week);
        closed.run();
        closing.closed = true;
    }
    return closing;
}

std::int64_t DeliveriesRepo::skip_unsent(std::int64_t campaign_id, const std::string& now,
                                         const std::string& reason) {
    return move_all(m_db, "campaign_id = ? AND state IN ('pending', 'retrying')", State::skipped,
                    now, reason, {campaign_id});
}

std::int64_t DeliveriesRepo::mark_interrupted(const std::string& now) {
    // The IN term lets SQLite use the partial index of sending and unknown deliveries: a start
    // after a power cut reads the few in flight, not the 21 million rows of a national season.
    // Each may have reached its gateway: from now on it is in doubt there.
    return move_all(m_db, "state IN ('sending', 'unknown') AND state = 'sending'", State::unknown,
                    now, "the process stopped while the request was in flight", {},
                    ", in_doubt_at = coalesce(gateway, in_doubt_at)");
}

void DeliveriesRepo::defer(const std::vector<std::int64_t>& ids, std::int64_t next_attempt_ms) {
    auto& s = m_db.cached("UPDATE deliveries SET next_attempt_ms = ? WHERE id = ? AND state IN "
                          "('pending', 'retrying')");
    for (const auto id : ids) {
        s.bind_all(next_attempt_ms, id);
        s.run();
    }
}

std::int64_t DeliveriesRepo::requeue_unknown(const std::string& now, const std::string& why,
                                             const std::string& unchanged_since) {
    // The partial index on state finds the few unknown deliveries among millions.
    std::string where = "id IN (SELECT d.id FROM deliveries d INDEXED BY deliveries_by_state JOIN "
                        "campaign_weeks w ON w.campaign_id = d.campaign_id AND w.week = d.week "
                        "WHERE d.state IN ('sending', 'unknown') AND d.state = 'unknown' AND "
                        "w.closed = 0 AND w.closes_at > '" +
                        now + "'";
    if (!unchanged_since.empty()) {
        where += " AND d.updated_at <= '" + unchanged_since + "'";
    }
    where += ")";
    return move_all(m_db, where, State::retrying, now, why, {}, ", next_attempt_ms = 0");
}

std::int64_t DeliveriesRepo::requeue(std::int64_t campaign_id, int week, State state,
                                     const std::string& now, const std::string& why) {
    const std::string where = std::string("campaign_id = ? AND week = ? AND state = ") +
                              (state == State::failed ? "'failed'" : "'unknown'");
    // A failed delivery sent again may go through any gateway that takes it again (staff fixed
    // the cause); one in doubt stays with the gateway it may have reached.
    return move_all(m_db, where, State::retrying, now, why, {campaign_id, week},
                    state == State::failed ? ", next_attempt_ms = 0, refused_by = NULL"
                                           : ", next_attempt_ms = 0");
}

bool DeliveriesRepo::unknown_unchanged_since(const std::string& cutoff, const std::string& now) {
    auto& s = m_db.cached(
        "SELECT EXISTS (SELECT 1 FROM deliveries d INDEXED BY deliveries_by_state JOIN "
        "campaign_weeks w ON w.campaign_id = d.campaign_id AND w.week = d.week WHERE d.state IN "
        "('sending', 'unknown') AND d.state = 'unknown' AND d.updated_at <= ? AND w.closed = 0 AND "
        "w.closes_at > ?)");
    s.bind_all(cutoff, now);
    const bool found = s.step() && s.column_int(0) == 1;
    s.reset();
    return found;
}

std::vector<DueDelivery> DeliveriesRepo::due(const std::vector<std::int64_t>& campaign_ids,
                                             std::int64_t now_ms, const std::string& now,
                                             int limit) {
    std::vector<DueDelivery> rows;
    if (campaign_ids.empty() || limit <= 0) {
        return rows;
    }
    std::string ids = "[";
    for (const auto id : campaign_ids) {
        ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
    }
    ids += "]";
    // The streams that can send now: open weeks of these campaigns, in languages with a message.
    // A week past its closing time is never sent from, even before its closing has finished.
    auto& streams = m_db.cached(
        "SELECT w.campaign_id, w.week, m.language, m.text FROM campaign_weeks w JOIN messages m "
        "ON m.campaign_id = w.campaign_id AND m.week = w.week WHERE w.closed = 0 AND "
        "w.closes_at > ? AND w.campaign_id IN (SELECT value FROM json_each(?)) ORDER BY "
        "w.opens_at, w.campaign_id, m.language"); // one statement whatever the campaigns
    streams.bind(1, now).bind(2, ids);
    auto& claim = m_db.cached(
        "SELECT d.id, d.attempts, c.phone, c.name, c.organisation, c.region, c.status, "
        "d.state, d.segments, coalesce(d.refused_by, ''), coalesce(d.in_doubt_at, '') "
        "FROM deliveries d INDEXED BY deliveries_due JOIN contacts c ON c.id = d.contact_id "
        "WHERE d.campaign_id = ? AND d.week = ? AND d.language = ? AND d.state IN ('pending', "
        "'retrying') AND d.next_attempt_ms <= ? ORDER BY d.next_attempt_ms LIMIT ?");
    while (streams.step() && static_cast<int>(rows.size()) < limit) {
        const auto campaign_id = streams.column_int(0);
        const int week = static_cast<int>(streams.column_int(1));
        const std::string language = streams.column_text(2);
        const std::string text = streams.column_text(3);
        claim.bind_all(campaign_id, week, language, now_ms, limit - static_cast<int>(rows.size()));
        while (claim.step()) {
            DueDelivery d;
            d.id = claim.column_int(0);
            d.campaign_id = campaign_id;
            d.week = week;
            d.attempts = static_cast<int>(claim.column_int(1));
            d.language = language;
            d.contact.phone = claim.column_text(2);
            d.contact.name = claim.column_text(3);
            d.contact.organisation = claim.column_text(4);
            d.contact.region = claim.column_text(5);
            d.contact.language = language;
            d.contact_status = claim.column_text(6);
            d.state = claim.column_state(7);
            d.segments = static_cast<int>(claim.column_int(8));
            d.refused_by = claim.column_text(9);
            d.in_doubt_at = claim.column_text(10);
            d.message = text;
            rows.push_back(std::move(d));
        }
        claim.reset();
    }
    streams.reset(); // do not hold a read snapshot open between batches
    return rows;
}

void DeliveriesRepo::apply(const std::vector<Transition>& transitions, const std::string& now) {
    if (transitions.empty()) {
        return;
    }
    auto& update = m_db.cached(
        "UPDATE deliveries SET state = ?, attempts = ?, next_attempt_ms = ?, gateway_id = "
        "coalesce(nullif(?, ''), gateway_id), error = ?, segments = CASE WHEN ? > 0 THEN ? ELSE "
        "segments END, updated_at = ?, gateway = coalesce(nullif(?, ''), gateway), refused_by = "
        "coalesce(nullif(?, ''), refused_by), in_doubt_at = coalesce(nullif(?, ''), in_doubt_at) "
        "WHERE id = ? AND (? = '' OR instr(',' || ? || ',', ',' || state || ',') > 0)");
    auto& event = m_db.cached(
        "INSERT INTO delivery_events (delivery_id, at, state, attempt, http_status, gateway_id, "
        "latency_ms, error, gateway, applied, segments) VALUES (?, ?, ?, ?, ?, nullif(?, ''), ?, "
        "?, nullif(?, ''), ?, nullif(?, 0))");
    auto& before = m_db.cached("SELECT campaign_id, week, state, segments FROM deliveries WHERE "
                               "id = ?");
    TallyMoves moves;
    for (const auto& t : transitions) {
        // What the row was: as the caller says, or read (and the read finished) before the
        // update changes it.
        std::optional<RowBefore> read;
        if (!t.before) {
            before.bind(1, t.id);
            if (before.step()) {
                read = RowBefore{before.column_int(0), before.column_int(1), before.column_state(2),
                                 before.column_int(3)};
            }
            before.reset();
        }
        const RowBefore* was = t.before ? &*t.before : read ? &*read : nullptr;
        std::string from; // the states it may leave, as the guard's comma-separated list
        for (const auto state : t.from) {
            from += from.empty() ? "" : ",";
            from += core::to_string(state);
        }
        // Borrowed, not copied: `transitions`, `now` and `from` outlive each run().
        update.bind_all_borrowed(t.state, t.attempt, t.next_attempt_ms, t.gateway_id, t.error,
                                 t.segments, t.segments, now, t.gateway, t.refused_by,
                                 t.in_doubt_at, t.id, from, from);
        update.run();
        const bool applied = m_db.changes() == 1;
        if (was && applied) {
            moves.move(was->campaign_id, was->week, was->state, was->segments, t.state,
                       t.segments > 0 ? t.segments : was->segments);
        }
        if (!applied && !t.gateway_id.empty()) {
            // A delivery report overtook this outcome (the state stays the report's); the
            // gateway's message id it carries is still the delivery's.
            auto& keep_id = m_db.cached("UPDATE deliveries SET gateway_id = coalesce(gateway_id, "
                                        "?) WHERE id = ?");
            keep_id.bind_all_borrowed(t.gateway_id, t.id);
            keep_id.run();
        }
        event.bind_all_borrowed(t.id, now, t.state, t.attempt);
        t.http_status ? event.bind(5, std::int64_t{*t.http_status}) : event.bind_null(5);
        event.bind_static(6, t.gateway_id);
        t.latency_ms ? event.bind(7, *t.latency_ms) : event.bind_null(7);
        event.bind_static(8, t.error);
        event.bind_static(9, t.gateway);
        // Written even when a report overtook it (what the gateway answered is history), but
        // marked: replaying the applied events gives the delivery's state (audit verify).
        event.bind(10, std::int64_t{applied ? 1 : 0});
        event.bind(11, std::int64_t{t.segments});
        event.run();
        feed_delivery_event(
            m_db,
            {.id = m_db.last_insert_rowid(),
             .delivery_id = t.id,
             .at = now,
             .state = core::to_string(t.state),
             .attempt = t.attempt,
             .http_status = t.http_status,
             .gateway_id = t.gateway_id,
             .latency_ms = t.latency_ms,
             .error = t.error,
             .gateway = t.gateway,
             .applied = applied ? 1 : 0,
             .segments = t.segments != 0 ? std::optional<std::int64_t>(t.segments) : std::nullopt});
    }
    moves.write(m_db);
}

} // namespace kibaru::store
