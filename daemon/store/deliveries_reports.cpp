// Deliveries, the reporting side: delivery reports from the gateways applied to their
// deliveries (apply_reports, apply_report), and the read-only counts of weeks and states
// (week_status, count_in_state, week_counts, count_by_campaign_and_state, count_by_state).
// The rest of DeliveriesRepo is in deliveries_repo.cpp.
#include "store/deliveries_repo.hpp"

#include "store/deliveries_internal.hpp"
#include "store/sqlite.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kibaru::store {

namespace {

using detail::State;
using detail::TallyMoves;

} // namespace

std::vector<ReportResult>
DeliveriesRepo::apply_reports(const std::vector<core::DeliveryReport>& reports,
                              const std::string& now) {
    // Cached: about two reports arrive per SMS sent.
    auto& by_id = m_db.cached("SELECT id, state, attempts, campaign_id, week, segments FROM "
                              "deliveries WHERE id = ?");
    auto& by_gateway_id = m_db.cached("SELECT id, state, attempts, campaign_id, week, segments "
                                      "FROM deliveries WHERE gateway_id = ?1 AND (?2 = '' OR "
                                      "gateway = ?2)");
    auto& update = m_db.cached(
        "UPDATE deliveries SET state = ?, gateway_id = coalesce(gateway_id, nullif(?, '')), "
        "smsc_id = coalesce(nullif(?, ''), smsc_id), updated_at = ? WHERE id = ?");
    // A report's event names the gateway that carried the delivery.
    auto& event = m_db.cached(
        "INSERT INTO delivery_events (delivery_id, at, state, attempt, gateway_id, error, "
        "gateway, applied) VALUES (?1, ?, ?, ?, nullif(?, ''), ?, (SELECT gateway FROM "
        "deliveries WHERE id = ?1), ?)");
    std::vector<ReportResult> results;
    results.reserve(reports.size());
    TallyMoves moves;
    for (const auto& report : reports) {
        ReportResult& result = results.emplace_back();
        std::int64_t ref = 0;
        if (!report.ref.empty() &&
            report.ref.find_first_not_of("0123456789") == std::string::npos &&
            report.ref.size() < 19) {
            ref = std::stoll(report.ref);
        }
        if (report.gateway_id.empty() && ref == 0) {
            continue;
        }
        auto& find = ref > 0 ? by_id : by_gateway_id;
        if (ref > 0) {
            find.bind(1, ref);
        } else {
            find.bind(1, report.gateway_id).bind(2, report.gateway);
        }
        if (!find.step()) {
            find.reset();
            continue;
        }
        result.found = true;
        result.delivery_id = find.column_int(0);
        result.from_state = find.column_state(1);
        const auto attempts = find.column_int(2);
        const auto campaign_id = find.column_int(3);
        const auto week = find.column_int(4);
        const auto segments = find.column_int(5);
        find.reset();
        const bool allowed = core::delivery_transition_allowed(result.from_state, report.state);
        result.to_state = allowed ? report.state : result.from_state;
        update.bind_all_borrowed(result.to_state, report.gateway_id, report.smsc_id, now,
                                 result.delivery_id);
        update.run();
        if (result.to_state != result.from_state) {
            moves.move(campaign_id, week, result.from_state, segments, result.to_state, segments);
        }
        event.bind_all_borrowed(result.delivery_id, now, report.state, attempts, report.gateway_id);
        event.bind(6, "delivery report: " + report.detail);
        event.bind(7, std::int64_t{allowed ? 1 : 0}); // a late or repeated report changes nothing
        event.run();
    }
    moves.write(m_db);
    return results;
}

ReportResult DeliveriesRepo::apply_report(const std::string& ref, const std::string& gateway_id,
                                          State state, const std::string& detail,
                                          const std::string& now) {
    core::DeliveryReport report;
    report.ref = ref;
    report.gateway_id = gateway_id;
    report.state = state;
    report.detail = detail;
    return apply_reports({report}, now).front();
}

std::optional<DeliveriesRepo::WeekStatus> DeliveriesRepo::week_status(std::int64_t campaign_id,
                                                                      int week) {
    auto s = m_db.prepare(
        "SELECT closes_at, closed FROM campaign_weeks WHERE campaign_id = ? AND week = ?");
    s.bind_all(campaign_id, week);
    if (!s.step()) {
        return std::nullopt;
    }
    return WeekStatus{s.column_text(0), s.column_int(1) != 0};
}

std::int64_t DeliveriesRepo::count_in_state(std::int64_t campaign_id, int week, State state) {
    auto& s = m_db.cached("SELECT coalesce(sum(deliveries), 0) FROM delivery_tallies WHERE "
                          "campaign_id = ? AND week = ? AND state = ?");
    s.bind_all(campaign_id, week, state);
    const auto count = s.step() ? s.column_int(0) : 0;
    s.reset();
    return count;
}

std::map<int, WeekCounts> DeliveriesRepo::week_counts(std::int64_t campaign_id) {
    std::map<int, WeekCounts> weeks;
    auto opened = m_db.prepare("SELECT week, targeted FROM campaign_weeks WHERE campaign_id = ?");
    opened.bind(1, campaign_id);
    while (opened.step()) {
        auto& w = weeks[static_cast<int>(opened.column_int(0))];
        w.week = static_cast<int>(opened.column_int(0));
        w.targeted = opened.column_int(1);
    }
    auto counts = m_db.prepare("SELECT week, state, deliveries, segments FROM delivery_tallies "
                               "WHERE campaign_id = ? AND deliveries != 0");
    counts.bind(1, campaign_id);
    while (counts.step()) {
        auto& w = weeks[static_cast<int>(counts.column_int(0))];
        const auto state = counts.column_state(1);
        w.by_state[state] = counts.column_int(2);
        // Segments count where a gateway took (or may have taken) the SMS.
        if (state == State::sent || state == State::delivered || state == State::failed ||
            state == State::unknown) {
            w.segments += counts.column_int(3);
        }
    }
    return weeks;
}

std::map<std::pair<std::int64_t, State>, std::int64_t>
DeliveriesRepo::count_by_campaign_and_state() {
    std::map<std::pair<std::int64_t, State>, std::int64_t> counts;
    auto s = m_db.prepare("SELECT campaign_id, state, sum(deliveries) FROM delivery_tallies "
                          "GROUP BY campaign_id, state HAVING sum(deliveries) != 0");
    while (s.step()) {
        counts[{s.column_int(0), s.column_state(1)}] = s.column_int(2);
    }
    return counts;
}

std::map<State, std::int64_t> DeliveriesRepo::count_by_state() {
    std::map<State, std::int64_t> counts;
    for (const auto state : core::k_delivery_states) {
        counts[state] = 0;
    }
    auto s = m_db.prepare("SELECT state, sum(deliveries) FROM delivery_tallies GROUP BY state");
    while (s.step()) {
        counts[s.column_state(0)] = s.column_int(1);
    }
    return counts;
}

} // namespace kibaru::store
