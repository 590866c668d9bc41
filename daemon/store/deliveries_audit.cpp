#include "store/deliveries_audit.hpp"

#include "core/json_input.hpp"
#include "store/audience_digest.hpp"
#include "store/audit_details.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

namespace kibaru::store {

namespace {

// More producers than one week could target (Mali has some 20 million people).
constexpr std::int64_t k_most_targeted = 1'000'000'000;

std::string week_name(const WeekKey& key) {
    return "campaign " + std::to_string(key.first) + " week " + std::to_string(key.second);
}

} // namespace

OpeningEntries read_week_openings(Database& db) {
    OpeningEntries weeks;
    auto entries = db.prepare("SELECT subject, details FROM audit_log WHERE action = "
                              "'week.opened' ORDER BY seq");
    while (entries.step()) {
        const auto subject = entries.column_text(0); // "campaign 7"
        const auto details = core::parse_outside_json(entries.column_view(1));
        std::int64_t campaign = 0;
        const auto space = subject.rfind(' ');
        const auto week = detail_int(details, "week");
        if (space == std::string::npos ||
            std::from_chars(subject.data() + space + 1, subject.data() + subject.size(), campaign)
                    .ec != std::errc() ||
            !week) {
            continue;
        }
        OpeningEntry opening;
        // A count no opening could have written reads as none: the weeks' deliveries then
        // disagree with it, and the check names the week. (Summed over the weeks, and doubled
        // in a bound, so it must not overflow.)
        const auto targeted = detail_int(details, "targeted").value_or(0);
        opening.targeted = targeted >= 0 && targeted <= k_most_targeted ? targeted : 0;
        // The ids it created (entries since 2026 name both): a range with either end missing
        // or of another type is no range, as in the entries from before.
        if (const auto ids = details.find("deliveries"); ids != details.end()) {
            const auto first = detail_int(*ids, "first_id");
            const auto last = detail_int(*ids, "last_id");
            if (first && last) {
                opening.ids = {*first, *last};
            }
        }
        opening.audience_sha256 = detail_text(details, "audience_sha256").value_or("");
        weeks[{campaign, *week}] = opening;
    }
    return weeks;
}

std::int64_t deliveries_opened(const OpeningEntries& weeks) {
    std::int64_t total = 0;
    for (const auto& [key, opening] : weeks) {
        total += opening.targeted;
    }
    return total;
}

namespace {

using TallyKey = std::tuple<std::int64_t, std::int64_t, core::DeliveryState>;
using Tally = std::pair<std::int64_t, std::int64_t>; // deliveries, segments

std::string tally_problem(const TallyKey& key, const Tally& tally, const Tally& rows_say) {
    return "the tally of " + week_name({std::get<0>(key), std::get<1>(key)}) + " " +
           std::string(core::to_string(std::get<2>(key))) + " says " + std::to_string(tally.first) +
           " deliveries and " + std::to_string(tally.second) +
           " segments where the deliveries make " + std::to_string(rows_say.first) + " and " +
           std::to_string(rows_say.second) +
           " (edited outside Kibaru; the reports read the tallies)";
}

} // namespace

AuditVerdict check_deliveries(Database& db, core::DeliveryReplay& replay,
                              const OpeningEntries& weeks) {
    AuditVerdict verdict;
    auto fail = [&verdict](std::string problem) {
        verdict.problem = std::move(problem);
        return verdict;
    };
    // (campaign, week, state) -> deliveries, segments: the tallies as the rows make them. The
    // same rule as ReportsRepo::check_completeness's per-week check, counted here in the one
    // pass over every row that the replay needs anyway, rather than read again week by week.
    std::map<TallyKey, Tally> counted;
    // Each week's opening beside the deliveries found for it, so that a row costs one lookup.
    struct WeekFound {
        const OpeningEntry* opening;
        std::int64_t rows = 0;
        std::unique_ptr<AudienceDigest> audience; // when the opening sealed one
    };
    std::map<WeekKey, WeekFound> by_week;
    for (const auto& [week, opening] : weeks) {
        by_week.emplace(week, WeekFound{&opening, 0,
                                        opening.audience_sha256.empty()
                                            ? nullptr
                                            : std::make_unique<AudienceDigest>()});
    }
    // Each week's rows come in id order, as its opening digested them.
    auto rows = db.prepare("SELECT d.id, d.campaign_id, d.week, d.state, d.segments, "
                           "d.contact_id, coalesce(c.phone, '') FROM deliveries d LEFT JOIN "
                           "contacts c ON c.id = d.contact_id ORDER BY d.id");
    while (rows.step()) {
        const auto id = rows.column_int(0);
        const WeekKey week{rows.column_int(1), rows.column_int(2)};
        const auto state = rows.column_state(3);
        const auto segments = rows.column_int(4);
        const auto seen = by_week.find(week);
        if (seen == by_week.end()) {
            return fail("delivery " + std::to_string(id) + " belongs to " + week_name(week) +
                        ", which the audit log never opened (inserted outside Kibaru)");
        }
        const auto& ids = seen->second.opening->ids;
        if (ids && (id < ids->first || id > ids->second)) {
            return fail("delivery " + std::to_string(id) + " of " + week_name(week) +
                        " is not among the deliveries its opening created (inserted or moved "
                        "outside Kibaru)");
        }
        ++seen->second.rows;
        if (seen->second.audience) {
            seen->second.audience->add(id, rows.column_view(5), rows.column_view(6));
        }
        if (auto problem = replay.check_row(id, state, segments)) {
            return fail(*problem);
        }
        auto& tally = counted[{week.first, week.second, state}];
        ++tally.first;
        tally.second += segments;
    }
    if (const auto id = replay.first_without_row()) {
        return fail("delivery " + std::to_string(*id) +
                    " has sealed events but no row (a delivery was deleted outside Kibaru)");
    }
    for (const auto& [week, week_found] : by_week) {
        if (week_found.rows != week_found.opening->targeted) {
            return fail(week_name(week) + " has " + std::to_string(week_found.rows) +
                        " deliveries where its opening created " +
                        std::to_string(week_found.opening->targeted) +
                        " (deliveries deleted or inserted outside Kibaru)");
        }
        if (week_found.audience &&
            week_found.audience->hex() != week_found.opening->audience_sha256) {
            return fail(week_name(week) +
                        ": its deliveries are not for the contacts and phones its opening "
                        "sealed (a delivery's contact or a contact's phone changed outside "
                        "Kibaru)");
        }
    }
    // A copy from before the tallies (schema 4), checked before a restore, has none to check.
    const bool tallied =
        db.scalar_int("SELECT count(*) FROM sqlite_schema WHERE name = 'delivery_tallies'") > 0;
    if (!tallied) {
        counted.clear();
    }
    auto tallies = db.prepare(tallied ? "SELECT campaign_id, week, state, deliveries, segments "
                                        "FROM delivery_tallies WHERE deliveries != 0 OR "
                                        "segments != 0"
                                      : "SELECT 0, 0, 'pending', 0, 0 WHERE 0");
    while (tallies.step()) {
        const auto state = core::parse_delivery_state(tallies.column_view(2));
        if (!state) {
            return fail("the tallies hold a state \"" + tallies.column_text(2) +
                        "\" that no delivery can have (edited outside Kibaru)");
        }
        const auto key = std::make_tuple(tallies.column_int(0), tallies.column_int(1), *state);
        const Tally tally{tallies.column_int(3), tallies.column_int(4)};
        const auto found = counted.find(key);
        const auto rows_say = found == counted.end() ? Tally{} : found->second;
        if (tally != rows_say) {
            return fail(tally_problem(key, tally, rows_say));
        }
        if (found != counted.end()) {
            counted.erase(found); // matched: what is left has no tally
        }
    }
    if (!counted.empty()) {
        const auto& [key, rows_say] = *counted.begin();
        return fail(tally_problem(key, {0, 0}, rows_say));
    }
    verdict.deliveries_checked = replay.rows_checked();
    verdict.deliveries_not_replayable = replay.rows_not_replayable();
    return verdict;
}

} // namespace kibaru::store
