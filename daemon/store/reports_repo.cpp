#include "store/reports_repo.hpp"

#include "store/campaigns_repo.hpp"
#include "store/sqlite.hpp"

#include <algorithm>
#include <string_view>

namespace kibaru::store {

namespace {

constexpr std::string_view k_delivery_columns =
    "SELECT d.id, d.campaign_id, d.week, c.phone, d.language, d.state, d.attempts, "
    "coalesce(d.gateway_id, ''), d.error, d.segments, d.updated_at, coalesce(d.smsc_id, ''), "
    "coalesce(d.gateway, '') ";

// Reads the row `s` stands on (columns as k_delivery_columns) into `row`, whose strings keep
// their capacity from row to row.
void read_delivery(const Statement& s, DeliveryRow& row) {
    row.id = s.column_int(0);
    row.campaign = s.column_int(1);
    row.week = static_cast<int>(s.column_int(2));
    row.phone = s.column_view(3);
    row.language = s.column_view(4);
    row.state = s.column_view(5);
    row.attempts = static_cast<int>(s.column_int(6));
    row.gateway_id = s.column_view(7);
    row.error = s.column_view(8);
    row.segments = static_cast<int>(s.column_int(9));
    row.updated_at = s.column_view(10);
    row.smsc_id = s.column_view(11);
    row.gateway = s.column_view(12);
}

} // namespace

void ReportsRepo::for_each_delivery(const DeliveryFilter& f,
                                    const std::function<void(const DeliveryRow&)>& visit) {
    if (f.campaign && !f.phone && f.limit >= 0) {
        campaign_page(f, visit);
        return;
    }
    std::string sql(k_delivery_columns);
    // One producer's deliveries (the contact page, `report contact`, ?phone=): from the contact
    // through each opened week to the (campaign, week, contact) index, one seek per week; every
    // delivery's week has its campaign_weeks row (a foreign key). Left to choose, SQLite read
    // the whole of that index to find one contact's rows (some 2 s over 21 M deliveries). Its
    // cost grows with the weeks opened, of every campaign, not with the deliveries.
    sql += f.phone ? "FROM contacts c CROSS JOIN campaign_weeks w CROSS JOIN deliveries d ON "
                     "d.campaign_id = w.campaign_id AND d.week = w.week AND d.contact_id = c.id "
                     "WHERE d.id > :after"
                   : "FROM deliveries d JOIN contacts c ON c.id = d.contact_id WHERE d.id > :after";
    if (f.campaign) {
        sql += " AND d.campaign_id = :campaign";
    }
    if (f.week) {
        sql += " AND d.week = :week";
    }
    if (f.phone) {
        sql += " AND c.phone = :phone";
    }
    if (f.state) {
        sql += " AND d.state = :state";
    }
    // A page (a cursor) is read in id order; an export in campaign, week and contact order,
    // the order of the (campaign, week, contact) index: no sort, so a million rows stream in
    // constant memory (ordering by id within a week sorted them all in memory first). One
    // producer's rows (a phone) are sorted, but they are a few per week.
    sql += f.limit >= 0 ? " ORDER BY d.id LIMIT :limit"
                        : " ORDER BY d.campaign_id, d.week, d.contact_id";
    auto s = m_db.prepare(sql);
    int i = 0;
    s.bind(++i, f.after);
    if (f.campaign) {
        s.bind(++i, *f.campaign);
    }
    if (f.week) {
        s.bind(++i, *f.week);
    }
    if (f.phone) {
        s.bind(++i, *f.phone);
    }
    if (f.state) {
        s.bind(++i, *f.state);
    }
    if (f.limit >= 0) {
        s.bind(++i, std::int64_t{f.limit});
    }
    DeliveryRow row;
    while (s.step()) {
        read_delivery(s, row);
        visit(row);
    }
}

void ReportsRepo::campaign_page(const DeliveryFilter& f,
                                const std::function<void(const DeliveryRow&)>& visit) {
    // The opened weeks' id ranges past the cursor, in id order (each opening's range lies after
    // every earlier one). Each is read by rowid from the cursor on, so a page costs the rows it
    // passes over (all of them with a rare state filter), never a sort of the whole campaign.
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    {
        auto weeks = m_db.prepare(
            std::string("SELECT first_delivery_id, last_delivery_id FROM campaign_weeks WHERE "
                        "campaign_id = ? AND last_delivery_id > ? AND last_delivery_id >= "
                        "first_delivery_id") +
            (f.week ? " AND week = ?" : "") + " ORDER BY first_delivery_id");
        weeks.bind_all(*f.campaign, f.after);
        if (f.week) {
            weeks.bind(3, *f.week);
        }
        while (weeks.step()) {
            ranges.emplace_back(std::max(weeks.column_int(0), f.after + 1), weeks.column_int(1));
        }
    }
    // NOT INDEXED: the range is the whole search; the (campaign, week, contact) index would
    // find the same rows in another order, to be sorted.
    auto s = m_db.prepare(std::string(k_delivery_columns) +
                          "FROM deliveries d NOT INDEXED JOIN contacts c ON c.id = d.contact_id "
                          "WHERE d.id BETWEEN ? AND ? AND d.campaign_id = ?" +
                          (f.state ? " AND d.state = ?" : "") + " ORDER BY d.id LIMIT ?");
    std::int64_t left = f.limit;
    DeliveryRow row;
    for (const auto& [first, last] : ranges) {
        if (left <= 0) {
            break;
        }
        s.bind_all(first, last, *f.campaign);
        int i = 3;
        if (f.state) {
            s.bind(++i, *f.state);
        }
        s.bind(++i, left);
        while (s.step()) {
            read_delivery(s, row);
            visit(row);
            --left;
        }
        s.reset();
    }
}

std::vector<EventRow> ReportsRepo::events(std::int64_t delivery_id) {
    // The opening is stored once per week (campaign_weeks.opened_at, and the week.opened audit
    // entry), not once per delivery; it is shown as each delivery's first event.
    auto s = m_db.prepare(
        "SELECT w.opened_at, 'pending', 0, NULL, '', NULL, 'the week opened', '' FROM deliveries "
        "d JOIN campaign_weeks w ON w.campaign_id = d.campaign_id AND w.week = d.week WHERE d.id "
        "= ?1 UNION ALL SELECT * FROM (SELECT at, state, attempt, http_status, "
        "coalesce(gateway_id, ''), latency_ms, error, coalesce(gateway, '') FROM delivery_events "
        "WHERE delivery_id = ?1 ORDER BY id)");
    s.bind(1, delivery_id);
    std::vector<EventRow> events;
    while (s.step()) {
        EventRow e;
        e.at = s.column_text(0);
        e.state = s.column_text(1);
        e.attempt = static_cast<int>(s.column_int(2));
        if (!s.column_is_null(3)) {
            e.http_status = static_cast<int>(s.column_int(3));
        }
        e.gateway_id = s.column_text(4);
        if (!s.column_is_null(5)) {
            e.latency_ms = s.column_int(5);
        }
        e.error = s.column_text(6);
        e.gateway = s.column_text(7);
        events.push_back(std::move(e));
    }
    return events;
}

std::vector<StatusChange> ReportsRepo::status_history(const std::string& phone) {
    auto s = m_db.prepare("SELECT e.at, e.status, e.source, e.actor FROM contact_status_events e "
                          "JOIN contacts c ON c.id = e.contact_id WHERE c.phone = ? ORDER BY e.id");
    s.bind(1, phone);
    std::vector<StatusChange> history;
    while (s.step()) {
        history.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3)});
    }
    return history;
}

std::vector<Violation> ReportsRepo::check_completeness(const core::Campaign& campaign) {
    std::vector<Violation> violations;
    // The audience as of a week's opening: matching the filters, existing by then, and active
    // then — the status of the last change recorded before the opening or, with none, the
    // opposite of the first change after it, or else the current status. "Before" is by row id,
    // which does not depend on anybody's clock.
    const auto q = audience_query(campaign, false);
    const std::string as_of =
        "SELECT id, phone FROM contacts " + q.where +
        " AND id <= :contacts AND coalesce((SELECT e.status FROM contact_status_events e WHERE "
        "e.contact_id = contacts.id AND e.id <= :events ORDER BY e.id DESC LIMIT 1), (SELECT "
        "CASE e.status WHEN 'active' THEN 'opted_out' ELSE 'active' END FROM "
        "contact_status_events e WHERE e.contact_id = contacts.id AND e.id > :events ORDER BY "
        "e.id LIMIT 1), status) = 'active'";
    auto weeks = m_db.prepare("SELECT week, targeted, contacts_upto, status_events_upto FROM "
                              "campaign_weeks WHERE campaign_id = ? ORDER BY week");
    weeks.bind(1, campaign.id);
    while (weeks.step()) {
        const int week = static_cast<int>(weeks.column_int(0));
        const auto targeted = weeks.column_int(1);
        const auto contacts_upto = weeks.column_int(2);
        const auto events_upto = weeks.column_int(3);
        auto count =
            m_db.prepare("SELECT count(*) FROM deliveries WHERE campaign_id = ? AND week = ?");
        count.bind_all(campaign.id, week);
        count.step();
        if (count.column_int(0) != targeted) {
            violations.push_back({week, "count", "",
                                  std::to_string(count.column_int(0)) + " deliveries where " +
                                      std::to_string(targeted) +
                                      " were created when the week opened"});
        }
        // The tallies `report campaign` reads must agree with the rows they count. `audit
        // verify` checks the same rule over the whole database in one pass
        // (store/deliveries_audit.cpp), segments too; this is its per-week form for --check.
        auto tallies = m_db.prepare(
            "SELECT coalesce(t.state, r.state), coalesce(t.deliveries, 0), coalesce(r.n, 0) FROM "
            "(SELECT state, deliveries FROM delivery_tallies WHERE campaign_id = ?1 AND week = "
            "?2) t FULL JOIN (SELECT state, count(*) AS n FROM deliveries WHERE campaign_id = ?1 "
            "AND week = ?2 GROUP BY state) r ON r.state = t.state");
        tallies.bind_all(campaign.id, week);
        while (tallies.step()) {
            if (tallies.column_int(1) != tallies.column_int(2)) {
                violations.push_back({week, "tally", "",
                                      tallies.column_text(0) + ": the tally says " +
                                          std::to_string(tallies.column_int(1)) +
                                          ", the deliveries are " +
                                          std::to_string(tallies.column_int(2))});
            }
        }
        auto duplicates = m_db.prepare(
            "SELECT c.phone, count(*) FROM deliveries d JOIN contacts c ON c.id = d.contact_id "
            "WHERE d.campaign_id = ? AND d.week = ? GROUP BY d.contact_id HAVING count(*) > 1");
        duplicates.bind_all(campaign.id, week);
        while (duplicates.step()) {
            violations.push_back({week, "duplicate", duplicates.column_text(0),
                                  std::to_string(duplicates.column_int(1)) + " deliveries"});
        }
        auto bind_audience = [&](Statement& s) {
            bind_params(s, q.params);
            const int at = static_cast<int>(q.params.size());
            s.bind(at + 1, contacts_upto);
            s.bind(at + 2, events_upto);
            s.bind(at + 3, campaign.id);
            s.bind(at + 4, week);
        };
        auto missing = m_db.prepare(
            "WITH audience AS (" + as_of +
            ") SELECT a.phone FROM audience a WHERE NOT EXISTS (SELECT 1 FROM deliveries d "
            "WHERE d.contact_id = a.id AND d.campaign_id = :campaign AND d.week = :week) "
            "ORDER BY a.id");
        bind_audience(missing);
        while (missing.step()) {
            violations.push_back({week, "missing", missing.column_text(0),
                                  "in the audience when the week opened, but has no delivery"});
        }
        auto outside = m_db.prepare(
            "WITH audience AS (" + as_of +
            ") SELECT c.phone FROM deliveries d JOIN contacts c ON c.id = d.contact_id WHERE "
            "d.campaign_id = :campaign AND d.week = :week AND d.contact_id NOT IN (SELECT id FROM "
            "audience) ORDER BY d.id");
        bind_audience(outside);
        while (outside.step()) {
            violations.push_back({week, "outside", outside.column_text(0),
                                  "has a delivery but was not in the audience when the week "
                                  "opened (or its region, kind, language or commodities changed "
                                  "since)"});
        }
    }
    return violations;
}

} // namespace kibaru::store
