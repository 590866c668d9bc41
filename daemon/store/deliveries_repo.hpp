// Deliveries: one row per (campaign, week, contact), its state, and its event history. The
// scheduler opens and closes weeks here in set-based statements; the dispatcher claims due
// deliveries and records outcomes in batches. Every transition writes a delivery_events row in
// the same transaction. All calls run inside the caller's Transaction unless they say otherwise.
#pragma once

#include "core/callbacks.hpp"
#include "core/campaign.hpp"
#include "core/delivery.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {

class Database;

struct WeekOpening {
    std::int64_t targeted = 0; // deliveries created
    std::int64_t first_id = 0; // their ids: first_id..last_id, all of them
    std::int64_t last_id = 0;
    std::map<std::string, std::int64_t> by_language;
    std::string audience_sha256; // who they are for (store/audience_digest.hpp)
};

struct WeekClosing {
    std::int64_t expired = 0; // by this call
    bool closed = false;      // nothing unsent is left: the week is closed
};

struct OpenWeek {
    std::int64_t campaign_id = 0;
    int week = 0;
    std::string closes_at;
};

// A delivery ready to go, with what it takes to render and send it.
struct DueDelivery {
    std::int64_t id = 0;
    std::int64_t campaign_id = 0;
    int week = 0;
    int attempts = 0;
    core::DeliveryState state = core::DeliveryState::pending; // pending or retrying
    int segments = 0; // of its last attempt (0 before the first)
    std::string language;
    core::Contact contact;
    std::string contact_status;
    std::string message;     // the week's message text (may hold placeholders)
    std::string refused_by;  // gateways that certainly refused it, comma-separated
    std::string in_doubt_at; // the gateway it may have reached already ("" when none)
};

// A delivery as it is before a transition, when the caller knows it (the dispatcher does, for
// its claims and their outcomes): saves reading it again to move the tallies.
struct RowBefore {
    std::int64_t campaign_id = 0;
    std::int64_t week = 0;
    core::DeliveryState state = core::DeliveryState::pending;
    std::int64_t segments = 0;
};

// Every member has a default, so callers name only what they set ({.id = 7, .state = sent}).
struct Transition {
    std::int64_t id = 0;
    core::DeliveryState state = core::DeliveryState::pending;
    int attempt = 0;
    std::optional<int> http_status{};
    std::string gateway_id{};
    std::optional<std::int64_t> latency_ms{};
    std::string error{};
    std::int64_t next_attempt_ms = 0; // for retrying
    int segments = 0;                 // for sending
    // The states this transition may leave (empty for any). A delivery report can overtake the
    // dispatcher's own record of a send (Kannel reports delivery before our `sent` is
    // committed); the guard keeps `delivered` from being overwritten by `sent`.
    std::vector<core::DeliveryState> from{};
    // The row as it is now, when the caller knows it (see RowBefore); read otherwise.
    std::optional<RowBefore> before = std::nullopt;
    std::string gateway{};     // the gateway that took or tried it ("" = unchanged)
    std::string refused_by{};  // the gateways that refused it so far ("" = unchanged)
    std::string in_doubt_at{}; // the gateway it may have reached ("" = unchanged)
};

struct ReportResult {
    bool found = false;
    std::int64_t delivery_id = 0;
    core::DeliveryState from_state = core::DeliveryState::pending;
    core::DeliveryState to_state = core::DeliveryState::pending; // = from_state: no change
};

struct WeekCounts {
    int week = 0;
    std::int64_t targeted = 0;
    std::map<core::DeliveryState, std::int64_t> by_state;
    std::int64_t segments = 0; // segments of the SMS handed to the gateway
};

class DeliveriesRepo {
public:
    explicit DeliveriesRepo(Database& db) : m_db(db) {}

    // The weeks of a campaign already opened, ascending.
    std::vector<int> opened_weeks(std::int64_t campaign_id);
    // Fixes the week's audience: one pending delivery per contact (never two), plus events.
    WeekOpening open_week(const core::Campaign& campaign, int week, const std::string& opens_at,
                          const std::string& closes_at, const std::string& now,
                          std::int64_t now_ms);
    // Opened weeks not yet closed whose closing time is at or before `now`.
    std::vector<OpenWeek> weeks_to_close(const std::string& now);
    // pending/retrying -> expired, at most `limit` of them, and the week marked closed once none
    // is left: a week with a million unsent deliveries closes in steps that each keep the
    // daemon busy for a fraction of a second, not in one transaction of many seconds.
    WeekClosing close_week(std::int64_t campaign_id, int week, const std::string& now,
                           std::int64_t limit = std::numeric_limits<std::int64_t>::max());
    // pending/retrying -> skipped for a cancelled campaign. Returns how many.
    std::int64_t skip_unsent(std::int64_t campaign_id, const std::string& now,
                             const std::string& reason);
    // At start-up: sending -> unknown (the process stopped mid-request). Returns how many.
    // Puts off due deliveries a gateway cannot take now until `next_attempt_ms`: no state
    // change, no event; only where the queue looks. Queued (pending, retrying) rows only.
    void defer(const std::vector<std::int64_t>& ids, std::int64_t next_attempt_ms);
    std::int64_t mark_interrupted(const std::string& now);
    // Unknown deliveries of open weeks whose last change is at or before `unchanged_since`
    // (all of them when empty) go back to the queue, their event saying `why`. Returns how many.
    std::int64_t requeue_unknown(const std::string& now, const std::string& why,
                                 const std::string& unchanged_since = "");
    // Staff's resend: the week's deliveries in `state` (unknown or failed) go back to the
    // queue for one more attempt. The caller checks that the week is open. Returns how many.
    std::int64_t requeue(std::int64_t campaign_id, int week, core::DeliveryState state,
                         const std::string& now, const std::string& why);
    // Whether an unknown delivery of an open week has not changed since `cutoff`: a read on the
    // partial index of unknown deliveries, so that each tick can ask before it writes.
    bool unknown_unchanged_since(const std::string& cutoff, const std::string& now);
    // An opened week's closing time and whether it closed; nullopt when it has not opened.
    struct WeekStatus {
        std::string closes_at;
        bool closed = false;
    };
    std::optional<WeekStatus> week_status(std::int64_t campaign_id, int week);
    // How many of the week's deliveries are in `state`.
    std::int64_t count_in_state(std::int64_t campaign_id, int week, core::DeliveryState state);

    // Due deliveries (pending/retrying, due by `now_ms`, week open and not past its closing
    // time `now`, message written) of the given active campaigns, oldest first.
    std::vector<DueDelivery> due(const std::vector<std::int64_t>& campaign_ids, std::int64_t now_ms,
                                 const std::string& now, int limit);
    // Applies transitions and their events (one prepared statement each, reused).
    void apply(const std::vector<Transition>& transitions, const std::string& now);

    // Applies delivery reports, in order, each to the delivery whose id is its `ref` or whose
    // gateway id is its `gateway_id`: always an event (its text "delivery report: " and the
    // report's detail), a state change only where the state machine allows it (so duplicate,
    // late and out-of-order reports are harmless), and the SMSC's message id kept on the
    // delivery. Not found: nothing is written for that report. Tallies move once per batch.
    // Returns one result per report, in the same order.
    std::vector<ReportResult> apply_reports(const std::vector<core::DeliveryReport>& reports,
                                            const std::string& now);
    // One report, as apply_reports (for tests and single callbacks).
    ReportResult apply_report(const std::string& ref, const std::string& gateway_id,
                              core::DeliveryState state, const std::string& detail,
                              const std::string& now);

    // Per opened week of a campaign: targeted, deliveries by state, segments sent. These three
    // read delivery_tallies, not the deliveries: their cost does not grow with the audience.
    std::map<int, WeekCounts> week_counts(std::int64_t campaign_id);

    // Deliveries by state and campaign, for /metrics.
    std::map<std::pair<std::int64_t, core::DeliveryState>, std::int64_t>
    count_by_campaign_and_state();

    // Deliveries by state, all campaigns (for `status`).
    std::map<core::DeliveryState, std::int64_t> count_by_state();

private:
    Database& m_db;
};

} // namespace kibaru::store
