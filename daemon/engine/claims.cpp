#include "engine/claims.hpp"

#include "core/campaign.hpp"
#include "core/schedule.hpp"
#include "store/replies_repo.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <optional>

namespace kibaru::engine {

namespace {

using State = core::DeliveryState;

// Deliveries the dispatcher may claim are in one of these states.
const std::vector<State> k_queued = {State::pending, State::retrying};

const ActiveCampaign* find_campaign(const std::vector<ActiveCampaign>& campaigns, std::int64_t id) {
    for (const auto& active : campaigns) {
        if (active.campaign.id == id) {
            return &active;
        }
    }
    return nullptr;
}

} // namespace

DeliveryClaims claim_deliveries(const ClaimContext& context,
                                const std::vector<store::DueDelivery>& due,
                                const std::vector<ActiveCampaign>& campaigns, EngineStats& stats) {
    DeliveryClaims result;
    std::vector<store::Transition> claims;
    std::map<std::int64_t, std::vector<std::int64_t>> deferred; // until -> delivery ids
    // A week's message that names no contact field is the same SMS for everyone: rendered
    // once per run of due rows of one campaign, week and text, not once per producer.
    struct Shared {
        std::int64_t campaign_id = 0;
        int week = 0;
        const std::string* message = nullptr;
        std::optional<core::Result<core::PreparedSms>> sms;
    } shared;
    for (const auto& d : due) {
        const int attempt = d.attempts + 1;
        const auto* active = find_campaign(campaigns, d.campaign_id);
        const bool opted_out = d.contact_status != "active";
        const auto choice =
            opted_out ? LaneChoice{}
                      : context.router.choose(d.contact.phone, d.refused_by, d.in_doubt_at);
        if (!opted_out && choice.blocked) {
            if (const auto until =
                    LaneRouter::defer_until(context.lanes[*choice.blocked], context.now,
                                            context.steady_now, context.run_once)) {
                deferred[*until].push_back(d.id);
                ++result.deferred;
            } else {
                ++result.waiting; // stays queued, untouched
            }
            continue;
        }
        // Each claim leaves the row as due() just read it, in this same transaction.
        const store::RowBefore was{d.campaign_id, d.week, d.state, d.segments};
        auto settle = [&](State state, int at_attempt, std::string error) {
            claims.push_back({.id = d.id,
                              .state = state,
                              .attempt = at_attempt,
                              .error = std::move(error),
                              .from = k_queued,
                              .before = was});
        };
        if (opted_out) {
            settle(State::skipped, d.attempts, "the contact opted out");
            ++stats.skipped;
            continue;
        }
        if (!choice.lane) {
            settle(State::failed, attempt, choice.why);
            ++stats.failed;
            continue;
        }
        auto& lane = context.lanes[*choice.lane];
        if (!shared.message || shared.campaign_id != d.campaign_id || shared.week != d.week ||
            *shared.message != d.message) {
            shared = {d.campaign_id, d.week, &d.message, std::nullopt};
            if (!core::message_is_personal(d.message)) {
                shared.sms = core::render_message(d.message, active->campaign, d.week, d.contact,
                                                  context.mode);
            }
        }
        auto sms = shared.sms ? *shared.sms
                              : core::render_message(d.message, active->campaign, d.week, d.contact,
                                                     context.mode);
        if (!sms) {
            settle(State::failed, attempt, sms.error().message);
            ++stats.failed;
            continue;
        }
        auto request = core::build_gateway_request(
            lane.settings, {d.contact.phone, sms->text, sms->shape.encoding, std::to_string(d.id)});
        if (!request) {
            settle(State::failed, attempt, request.error().message);
            ++stats.failed;
            continue;
        }
        --lane.capacity;
        claims.push_back({.id = d.id,
                          .state = State::sending,
                          .attempt = attempt,
                          .segments = sms->shape.segments,
                          .from = k_queued,
                          .before = was,
                          .gateway = lane.settings.name});
        result.ready.push_back({{*choice.lane,
                                 d.id,
                                 attempt,
                                 {d.campaign_id, d.week, State::sending, sms->shape.segments},
                                 d.contact.phone,
                                 d.refused_by,
                                 !d.in_doubt_at.empty(),
                                 lane.token_generation},
                                std::move(*request)});
    }
    store::DeliveriesRepo repo(context.db);
    repo.apply(claims, utc(context.now));
    for (const auto& [until, ids] : deferred) {
        repo.defer(ids, until);
    }
    return result;
}

std::vector<ReadyReply> claim_replies(const ClaimContext& context, int limit) {
    std::vector<ReadyReply> ready;
    std::vector<store::ReplyOutcome> claims;
    std::vector<store::ReplyOutcome> failures; // claimed and failed at once
    auto fail = [&](std::int64_t id, int attempt, const std::string& why) {
        failures.push_back({id, State::failed, attempt, "", "", why, 0});
        spdlog::warn("reply {} not sent: {}", id, why);
    };
    std::map<std::int64_t, std::vector<std::int64_t>> deferred; // until -> reply ids
    store::RepliesRepo repo(context.db);
    for (const auto& r : repo.due(context.now.time_since_epoch().count(), limit)) {
        const int attempt = r.attempts + 1;
        const auto choice = context.router.choose(r.phone, "", "");
        if (!choice.lane) {
            if (!choice.why.empty()) {
                claims.push_back({r.id, State::sending, attempt, "", "", "", 0});
                fail(r.id, attempt, choice.why);
            } else if (choice.blocked) {
                // Its gateway is full, rate-limited or down: put off, so that the replies
                // behind it, for other gateways, are claimed meanwhile.
                if (const auto until =
                        LaneRouter::defer_until(context.lanes[*choice.blocked], context.now,
                                                context.steady_now, context.run_once)) {
                    deferred[*until].push_back(r.id);
                }
            }
            continue;
        }
        auto& lane = context.lanes[*choice.lane];
        auto sms = core::prepare_sms(r.text, context.mode);
        auto request = sms ? core::build_gateway_request(lane.settings,
                                                         {r.phone, sms->text, sms->shape.encoding,
                                                          "r" + std::to_string(r.id)})
                           : core::Result<core::HttpRequest>(sms.error());
        claims.push_back({r.id, State::sending, attempt, lane.settings.name, "", "", 0});
        if (!request) {
            fail(r.id, attempt, request.error().message);
            continue;
        }
        --lane.capacity;
        ready.push_back(
            {{*choice.lane, r.id, attempt, lane.token_generation}, std::move(*request)});
    }
    repo.apply(claims, utc(context.now));
    repo.apply(failures, utc(context.now));
    for (const auto& [until, ids] : deferred) {
        repo.defer(ids, until);
    }
    return ready;
}

} // namespace kibaru::engine
