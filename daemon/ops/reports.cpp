#include "ops/reports.hpp"

#include "core/audit_checkpoint.hpp"
#include "core/delivery.hpp"
#include "ops/admin.hpp"
#include "ops/campaign_lookup.hpp"
#include "ops/contacts.hpp"
#include "ops/unknown.hpp"
#include "store/campaigns_repo.hpp"
#include "store/contacts_repo.hpp"
#include "store/deliveries_repo.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace kibaru::ops {

Result<CampaignReport> campaign_report(const Env& env, std::int64_t campaign_id) {
    store::CampaignsRepo campaigns(env.db);
    auto campaign = load_campaign(campaigns, campaign_id);
    if (!campaign) {
        return campaign.error();
    }
    const auto plan = campaign_plan(*campaign);
    const auto weeks = store::DeliveriesRepo(env.db).week_counts(campaign->id);
    const double price = env.config.sms.cost_per_segment;

    CampaignReport report;
    report.columns = {"week", "opens_at", "closes_at", "targeted"};
    for (const auto state : core::k_delivery_states) {
        report.columns.emplace_back(core::to_string(state));
    }
    report.columns.insert(report.columns.end(), {"delivery_rate", "segments", "cost"});

    // A week's counts, or all weeks' added up, after the row's first columns: deliveries by
    // state, delivery rate, segments and their cost.
    auto append_counts = [price](std::vector<util::Json>& row, const store::WeekCounts& counts) {
        auto count = [&](core::DeliveryState state) -> std::int64_t {
            const auto found = counts.by_state.find(state);
            return found == counts.by_state.end() ? 0 : found->second;
        };
        for (const auto state : core::k_delivery_states) {
            row.emplace_back(count(state));
        }
        if (counts.targeted == 0) {
            row.emplace_back(nullptr);
        } else {
            row.emplace_back(
                std::round(1000.0 * static_cast<double>(count(core::DeliveryState::delivered)) /
                           static_cast<double>(counts.targeted)) /
                10.0);
        }
        row.emplace_back(counts.segments);
        row.emplace_back(static_cast<double>(counts.segments) * price);
    };
    store::WeekCounts total;
    for (int week = 1; week <= campaign->weeks; ++week) {
        const auto it = weeks.find(week);
        const store::WeekCounts counts = it == weeks.end() ? store::WeekCounts{} : it->second;
        std::vector<util::Json> row = {week, core::format_utc(plan.opens_at(week)),
                                       core::format_utc(plan.closes_at(week)), counts.targeted};
        append_counts(row, counts);
        report.weeks.push_back(std::move(row));
        total.targeted += counts.targeted;
        total.segments += counts.segments;
        for (const auto& [state, n] : counts.by_state) {
            total.by_state[state] += n;
        }
    }
    report.total = {"total", "", "", total.targeted};
    append_counts(report.total, total);
    return report;
}

Result<std::vector<store::Violation>> check_campaign(const Env& env, std::int64_t campaign_id) {
    store::CampaignsRepo campaigns(env.db);
    auto campaign = load_campaign(campaigns, campaign_id);
    if (!campaign) {
        return campaign.error();
    }
    return store::ReportsRepo(env.db).check_completeness(*campaign);
}

std::vector<std::string> violation_columns() {
    return {"week", "kind", "phone", "detail"};
}

std::vector<util::Json> violation_cells(const store::Violation& v) {
    return {v.week, v.kind, v.phone, v.detail};
}

std::vector<std::string> delivery_columns() {
    return {"campaign", "week",       "phone",    "state",    "attempts", "ref",      "gateway_id",
            "error",    "updated_at", "language", "segments", "smsc_id",  "operator", "gateway"};
}

std::vector<util::Json> delivery_cells(const store::DeliveryRow& d,
                                       const core::NumberingPlan& plan) {
    return {d.campaign,
            d.week,
            d.phone,
            d.state,
            d.attempts,
            std::to_string(d.id),
            d.gateway_id,
            d.error,
            d.updated_at,
            d.language,
            d.segments,
            d.smsc_id,
            std::string(plan.operator_of(d.phone)),
            d.gateway};
}

void for_each_delivery(const Env& env, const store::DeliveryFilter& filter,
                       const std::function<void(const store::DeliveryRow&)>& visit) {
    store::ReportsRepo(env.db).for_each_delivery(filter, visit);
}

Result<util::Json> contact_report(const Env& env, const std::string& raw_phone) {
    auto phone = normalize_phone(env, raw_phone, "phone", "phone ");
    if (!phone) {
        return phone.error();
    }
    const auto contact = store::ContactsRepo(env.db).find(*phone);
    if (!contact) {
        return unknown_contact(*phone);
    }
    store::ReportsRepo reports(env.db);
    using util::Json;
    Json out = {{"phone", contact->contact.phone},
                {"name", contact->contact.name},
                {"organisation", contact->contact.organisation},
                {"kind", contact->contact.kind},
                {"region", contact->contact.region},
                {"commodities", contact->contact.commodities},
                {"language", contact->contact.language},
                {"status", contact->status},
                {"created_at", contact->created_at},
                {"updated_at", contact->updated_at}};
    Json history = Json::array();
    for (const auto& h : reports.status_history(*phone)) {
        history.push_back(
            {{"at", h.at}, {"status", h.status}, {"source", h.source}, {"actor", h.actor}});
    }
    out["status_history"] = history;
    Json deliveries = Json::array();
    reports.for_each_delivery({{}, {}, *phone, {}}, [&](const store::DeliveryRow& d) {
        Json events = Json::array();
        for (const auto& e : reports.events(d.id)) {
            Json event = {{"at", e.at}, {"state", e.state}, {"attempt", e.attempt}};
            event["http_status"] = e.http_status ? Json(*e.http_status) : Json(nullptr);
            event["gateway_id"] = e.gateway_id;
            event["latency_ms"] = e.latency_ms ? Json(*e.latency_ms) : Json(nullptr);
            event["error"] = e.error;
            event["gateway"] = e.gateway;
            events.push_back(event);
        }
        deliveries.push_back({{"campaign", d.campaign},
                              {"week", d.week},
                              {"state", d.state},
                              {"attempts", d.attempts},
                              {"ref", std::to_string(d.id)},
                              {"gateway_id", d.gateway_id},
                              {"smsc_id", d.smsc_id},
                              {"segments", d.segments},
                              {"updated_at", d.updated_at},
                              {"events", events}});
    });
    out["deliveries"] = deliveries;
    return out;
}

void add_audit_checkpoint(const Env& env, CampaignReport& report) {
    const auto checkpoint = core::checkpoint_text(audit_checkpoint(env));
    report.columns.emplace_back("audit_checkpoint");
    for (auto& week : report.weeks) {
        week.emplace_back(checkpoint);
    }
}

} // namespace kibaru::ops
