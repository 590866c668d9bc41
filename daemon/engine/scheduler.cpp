#include "engine/scheduler.hpp"

#include "core/json_input.hpp"
#include "core/sms.hpp"

#include "store/audit_details.hpp"
#include "store/audit_log.hpp"
#include "store/campaigns_repo.hpp"
#include "store/deliveries_repo.hpp"
#include "store/event_seal.hpp"
#include "store/replies_repo.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

namespace kibaru::engine {

using namespace std::chrono;
using nlohmann::json;

namespace {

// Deliveries a daemon tick expires at most when a week closes: about half a second of work.
constexpr std::int64_t k_closing_step = 50000;

// How many of a week's deliveries expired in all, from the tallies.
std::int64_t expired_in(store::DeliveriesRepo& deliveries, std::int64_t campaign_id, int week) {
    const auto counts = deliveries.week_counts(campaign_id);
    const auto found = counts.find(week);
    if (found == counts.end()) {
        return 0;
    }
    const auto expired = found->second.by_state.find(core::DeliveryState::expired);
    return expired == found->second.by_state.end() ? 0 : expired->second;
}

} // namespace

Scheduler::Scheduler(store::Database& db, const core::Config& config, std::string actor,
                     bool run_once, EngineStats& stats)
    : m_db(db), m_config(config), m_actor(std::move(actor)), m_run_once(run_once), m_stats(stats) {}

void Scheduler::audit(Millis now, const std::string& action, const std::string& subject,
                      const json& details) {
    store::AuditLog(m_db).append(utc(now), m_actor, action, subject, details.dump());
}

// Texts the audit chain's head to each witness as a reply of kind `checkpoint` (sent, retried and
// reported like any reply, through the gateway that takes the number), each SMS naming the seq
// of the checkpoint before it, so that a witness can tell when one did not arrive; then audits
// the sending. Inside the caller's transaction.
void Scheduler::send_checkpoint(Millis now, const std::string& why) {
    const auto& witnesses = m_config.audit.witnesses;
    if (witnesses.empty()) {
        return;
    }
    store::AuditLog log(m_db);
    const auto checkpoint = log.checkpoint();
    std::int64_t previous = 0;
    if (const auto last = log.latest({"audit.checkpoint_sent"})) {
        previous = store::detail_int(core::parse_outside_json(last->details), "seq").value_or(0);
    }
    const auto text = core::checkpoint_text(checkpoint) + " prev " + std::to_string(previous);
    const auto sms = core::prepare_sms(text, *core::parse_encoding_mode(m_config.sms.encoding));
    const int segments = sms ? sms->shape.segments : 1;
    store::RepliesRepo replies(m_db);
    for (const auto& phone : witnesses) {
        replies.enqueue({std::nullopt, phone, text, "checkpoint", segments, "kibaru"}, utc(now));
    }
    audit(now, "audit.checkpoint_sent", "audit",
          {{"seq", checkpoint.seq},
           {"head", checkpoint.head},
           {"previous", previous},
           {"witnesses", witnesses.size()},
           {"why", why}});
    spdlog::info("audit checkpoint {} texted to {} witnesses ({})", checkpoint.seq,
                 witnesses.size(), why);
}

void Scheduler::recover(Millis now_at) {
    const std::string now = utc(now_at);
    store::DeliveryTransaction tx(m_db, now, m_actor);
    store::DeliveriesRepo deliveries(m_db);
    const auto& policy = m_config.gateway.resend_unknown;
    m_stats.unknown_at_start = deliveries.mark_interrupted(now);
    if (const auto replies = store::RepliesRepo(m_db).mark_interrupted(now); replies > 0) {
        spdlog::warn("{} replies were in flight when kibaru last stopped: now unknown", replies);
    }
    if (m_stats.unknown_at_start > 0) {
        audit(now_at, "deliveries.interrupted", "daemon",
              {{"unknown", m_stats.unknown_at_start}, {"resend_unknown", policy}});
        spdlog::warn("{} deliveries were in flight when kibaru last stopped: now unknown{}",
                     m_stats.unknown_at_start,
                     policy == "always" ? ", sending them again"
                     : policy == "after_grace"
                         ? ", sent again after " +
                               std::to_string(m_config.gateway.unknown_grace_seconds) +
                               " s unless a delivery report comes first"
                         : "");
    }
    if (policy == "always") {
        m_stats.resent_unknown +=
            deliveries.requeue_unknown(now, "sent again: [gateway] resend_unknown = always");
    }
    tx.commit();
}

// resend_unknown = "after_grace": an unknown delivery of an open week that no delivery
// report has resolved within the grace is sent again, in its own small transaction.
void Scheduler::resend_after_grace(Millis now) {
    if (m_config.gateway.resend_unknown != "after_grace") {
        return;
    }
    const std::string now_text = utc(now);
    const std::string cutoff = utc(now - seconds{m_config.gateway.unknown_grace_seconds});
    store::DeliveriesRepo deliveries(m_db);
    if (!deliveries.unknown_unchanged_since(cutoff, now_text)) {
        return;
    }
    store::DeliveryTransaction tx(m_db, now_text, m_actor);
    const auto resent = deliveries.requeue_unknown(
        now_text,
        "sent again: no delivery report within unknown_grace_seconds (" +
            std::to_string(m_config.gateway.unknown_grace_seconds) + " s)",
        cutoff);
    if (resent > 0) {
        m_stats.resent_unknown += resent;
        audit(now, "deliveries.resent", "daemon",
              {{"deliveries", resent},
               {"reason", "in doubt, no delivery report within the grace"},
               {"unknown_grace_seconds", m_config.gateway.unknown_grace_seconds}});
        spdlog::warn("{} deliveries in doubt had no delivery report within {} s: sent again",
                     resent, m_config.gateway.unknown_grace_seconds);
    }
    tx.commit();
}

void Scheduler::tick(Millis now) {
    resend_after_grace(now);
    const std::string now_text = utc(now);
    const auto now_seconds = floor<seconds>(now);
    const auto started = steady_clock::now();
    std::vector<std::int64_t> cancelled;
    store::CampaignsRepo campaigns_repo(m_db);
    store::DeliveriesRepo deliveries(m_db);
    bool due_to_open = false;
    m_campaigns.clear();
    for (auto& campaign : campaigns_repo.list()) {
        auto plan = core::plan_campaign(campaign);
        if (!plan) {
            spdlog::error("campaign {} cannot be scheduled: {}", campaign.id, plan.error().message);
            continue;
        }
        if (campaign.status == "cancelled") {
            cancelled.push_back(campaign.id);
            continue;
        }
        const int current = std::min(plan->week_at(now_seconds), campaign.weeks);
        due_to_open = due_to_open || deliveries.opened_weeks(campaign.id).size() <
                                         static_cast<std::size_t>(std::max(current, 0));
        m_campaigns.push_back({campaign, *plan});
    }
    if (due_to_open) {
        // Openings first, in their own transaction. An opening copies its audience from
        // contacts in one INSERT ... SELECT, so its rows are valid by construction and
        // checking their foreign keys one by one would only cost time (a tenth of a
        // million-delivery opening). Everything else runs with the checks on. Which weeks
        // are open is read again inside the transaction: a run-once may have opened some.
        store::ForeignKeysOff unchecked(m_db);
        store::DeliveryTransaction tx(m_db, now_text, m_actor);
        for (const auto& active : m_campaigns) {
            const int current = std::min(active.plan.week_at(now_seconds), active.campaign.weeks);
            const auto opened = deliveries.opened_weeks(active.campaign.id);
            for (int week = 1; week <= current; ++week) {
                if (!std::binary_search(opened.begin(), opened.end(), week)) {
                    open_week(active.campaign, active.plan, week, campaigns_repo, deliveries, now);
                }
            }
        }
        tx.commit();
    }
    const auto opened = steady_clock::now();
    const auto to_close = deliveries.weeks_to_close(now_text);
    // A daily checkpoint is due when none went out in the last 24 hours.
    const bool daily_checkpoint = [&] {
        if (m_config.audit.checkpoint_every != "day" || m_config.audit.witnesses.empty()) {
            return false;
        }
        // Read from the log once; then remembered, not queried every tick.
        if (!m_last_checkpoint) {
            const auto last = store::AuditLog(m_db).latest({"audit.checkpoint_sent"});
            m_last_checkpoint = last ? last->at : "";
        }
        return *m_last_checkpoint <= utc(now - hours{24});
    }();
    if (cancelled.empty() && to_close.empty() && !daily_checkpoint) {
        return; // nothing to write: no transaction this tick
    }
    store::DeliveryTransaction tx(m_db, now_text, m_actor);
    for (const auto id : cancelled) {
        const auto skipped = deliveries.skip_unsent(id, now_text, "the campaign was cancelled");
        if (skipped > 0) {
            m_stats.skipped += skipped;
            audit(now, "deliveries.skipped", "campaign " + std::to_string(id),
                  {{"reason", "campaign cancelled"}, {"deliveries", skipped}});
        }
    }
    for (const auto& week : to_close) {
        // In steps of k_closing_step per tick, so that a week with a huge unsent rest does
        // not hold the loop (callbacks, other weeks' sends) for seconds; run-once finishes.
        const auto closing = deliveries.close_week(
            week.campaign_id, week.week, now_text,
            m_run_once ? std::numeric_limits<std::int64_t>::max() : k_closing_step);
        m_stats.expired += closing.expired;
        if (!closing.closed) {
            spdlog::info("campaign {} week {} closing: {} more deliveries expired unsent",
                         week.campaign_id, week.week, closing.expired);
            continue;
        }
        ++m_stats.weeks_closed;
        const auto expired = expired_in(deliveries, week.campaign_id, week.week);
        audit(now, "week.closed", "campaign " + std::to_string(week.campaign_id),
              {{"week", week.week}, {"expired", expired}});
        if (expired > 0) {
            spdlog::warn("campaign {} week {} closed: {} deliveries expired unsent",
                         week.campaign_id, week.week, expired);
        }
        if (m_config.audit.checkpoint_every == "week") {
            send_checkpoint(now, "campaign " + std::to_string(week.campaign_id) + " week " +
                                     std::to_string(week.week) + " closed");
        }
    }
    if (daily_checkpoint) {
        send_checkpoint(now, "daily");
    }
    const auto committing = steady_clock::now();
    tx.commit();
    if (daily_checkpoint) {
        m_last_checkpoint = now_text; // committed: the next one is due 24 hours from now
    }
    spdlog::debug("tick: {} ms: openings {} ms, closings {} ms, seal and commit {} ms",
                  duration_cast<milliseconds>(steady_clock::now() - started).count(),
                  duration_cast<milliseconds>(opened - started).count(),
                  duration_cast<milliseconds>(committing - opened).count(),
                  duration_cast<milliseconds>(steady_clock::now() - committing).count());
}

void Scheduler::open_week(const core::Campaign& campaign, const core::WeekPlan& plan, int week,
                          store::CampaignsRepo& campaigns_repo, store::DeliveriesRepo& deliveries,
                          Millis now) {
    const auto opening = deliveries.open_week(campaign, week, core::format_utc(plan.opens_at(week)),
                                              core::format_utc(plan.closes_at(week)), utc(now),
                                              now.time_since_epoch().count());
    ++m_stats.weeks_opened;
    const std::string subject = "campaign " + std::to_string(campaign.id);
    audit(now, "week.opened", subject,
          {{"week", week},
           {"targeted", opening.targeted},
           {"deliveries", {{"first_id", opening.first_id}, {"last_id", opening.last_id}}},
           {"by_language", opening.by_language},
           {"audience_sha256", opening.audience_sha256}});
    spdlog::info("campaign {} week {} opened: {} deliveries", campaign.id, week, opening.targeted);
    for (const auto& [language, count] : opening.by_language) {
        if (!campaigns_repo.message(campaign.id, week, language)) {
            audit(now, "week.missing_message", subject,
                  {{"week", week}, {"language", language}, {"deliveries", count}});
            spdlog::warn("campaign {} week {}: no {} message yet; {} deliveries wait for it",
                         campaign.id, week, language, count);
        }
    }
}

} // namespace kibaru::engine
