#include "ops/test_send.hpp"

#include "core/gateway_profile.hpp"
#include "core/numbering_plan.hpp"
#include "core/phone.hpp"
#include "core/profiles/orange.hpp"
#include "core/routing.hpp"
#include "ops/audit_trail.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kibaru::ops {

namespace {

using namespace std::chrono;

// Index into access.gateways of the gateway that carries the test: the one named, or the first
// routing offers for the number.
Result<std::size_t> choose_gateway(const Env& env, const TestSms& sms, const std::string& phone) {
    const auto gateways = core::sending_gateways(env.config);
    if (!sms.gateway.empty()) {
        const auto named = std::find_if(gateways.begin(), gateways.end(),
                                        [&](const auto& g) { return g.name == sms.gateway; });
        if (named == gateways.end()) {
            return invalid("no gateway is named \"" + sms.gateway + "\"", sms.gateway_field);
        }
        return static_cast<std::size_t>(named - gateways.begin());
    }
    const auto order = core::route_number(
        gateways, phone, core::numbering_plan(env.config.contacts).operator_of(phone));
    if (order.empty()) {
        return invalid("no configured gateway takes " + phone, sms.to_field);
    }
    return order.front();
}

} // namespace

Result<TestSmsResult> send_test_sms(const Env& env, const GatewayAccess& access,
                                    const TestSms& sms) {
    core::Refusal why;
    auto phone = core::phone_normalizer(env.config.contacts).mobile_e164(sms.to, &why);
    if (!phone) {
        // The sentences of phone refusals quote the number as typed first, as an import's do.
        why.args.insert(why.args.begin(), sms.to);
        return with_why(invalid("\"" + sms.to + "\" " + phone.error().message, sms.to_field),
                        std::move(why));
    }
    if (sms.text.empty()) {
        return invalid("the text is empty", sms.text_field);
    }
    auto prepared =
        core::prepare_sms(sms.text, *core::parse_encoding_mode(env.config.sms.encoding));
    if (!prepared) {
        return invalid(prepared.error().message, sms.text_field);
    }
    const auto chosen = choose_gateway(env, sms, *phone);
    if (!chosen) {
        return chosen.error();
    }
    if (*chosen >= access.gateways.size()) { // the settings came from another configuration
        return invalid("gateway " + std::to_string(*chosen) + " is not configured",
                       sms.gateway_field);
    }
    auto settings = access.gateways[*chosen];
    const milliseconds timeout{core::sending_gateways(env.config)[*chosen].timeout_ms};
    TestSmsResult result;
    result.phone = *phone;
    result.gateway = settings.name;
    result.profile = settings.profile;
    result.shape = prepared->shape;
    const std::string ref = "test-" + std::to_string(env.now.time_since_epoch() / seconds{1});
    GatewayAnswer answer;
    bool sent = true;
    if (core::profile_of(settings).needs_token()) { // a bearer token first (Orange)
        answer = access.exchange(core::orange_token_request(settings), timeout);
        auto token = core::read_orange_token_reply(answer.status, answer.body);
        if (token) {
            settings.access_token = token->token;
        } else {
            sent = false;
            result.error =
                "no access token: " + (answer.status == 0 ? answer.error : token.error().message);
        }
    }
    if (sent) {
        auto request = core::build_gateway_request(
            settings, {*phone, prepared->text, prepared->shape.encoding, ref});
        if (!request) {
            return invalid(request.error().message, sms.text_field);
        }
        answer = access.exchange(*request, timeout);
        const auto outcome = core::read_gateway_reply(settings, answer.status, answer.body,
                                                      answer.retry_after, answer.error);
        result.accepted = outcome.verdict == core::SendVerdict::accepted;
        result.gateway_id = outcome.gateway_id;
        result.error = outcome.error;
    }
    result.http_status = answer.status;
    result.latency = answer.latency;
    store::Transaction tx(env.db);
    record(env, "gateway.test", result.phone,
           {{"accepted", result.accepted},
            {"gateway", result.gateway},
            {"http_status", result.http_status},
            {"ref", ref},
            {"gateway_id", result.gateway_id},
            {"error", result.error},
            {"segments", result.shape.segments}});
    tx.commit();
    return result;
}

} // namespace kibaru::ops
