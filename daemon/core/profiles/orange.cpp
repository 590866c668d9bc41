#include "core/profiles/orange.hpp"

#include "core/gateway_profile.hpp"
#include "core/json_input.hpp"
#include "core/profiles/support.hpp"

#include <nlohmann/json.hpp>

namespace kibaru::core {

namespace {

std::string api_base(const GatewaySettings& s) {
    std::string base = s.url;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base;
}

} // namespace

HttpRequest orange_token_request(const GatewaySettings& s) {
    HttpRequest r;
    r.method = "POST";
    r.url = api_base(s) + "/oauth/v3/token";
    r.headers = {"Authorization: Basic " + base64(s.client_id + ":" + s.secret),
                 "Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
    r.body = "grant_type=client_credentials";
    return r;
}

Result<AccessToken> read_orange_token_reply(int status, std::string_view body) {
    const auto json = core::parse_outside_json(body);
    if (status != 200) {
        const auto why = profiles::json_text(json, "error_description").empty()
                             ? profiles::json_text(json, "error")
                             : profiles::json_text(json, "error_description");
        return Error{"Orange refused the client credentials (HTTP " + std::to_string(status) +
                     (why.empty() ? "" : ": " + why) + ")"};
    }
    AccessToken t;
    t.token = profiles::json_text(json, "access_token");
    if (t.token.empty()) {
        return Error{"Orange's token answer holds no access_token"};
    }
    try {
        const auto expires = profiles::json_text(json, "expires_in");
        if (!expires.empty()) {
            t.expires_in = std::chrono::seconds{std::stoll(expires)};
        }
    } catch (const std::exception&) {
        // An unreadable lifetime: the documented hour.
    }
    return t;
}

HttpRequest orange_send_request(const GatewaySettings& s, const OutgoingSms& sms) {
    const std::string sender_digits =
        s.sender_number.starts_with('+') ? s.sender_number.substr(1) : s.sender_number;
    HttpRequest r;
    r.method = "POST";
    r.url = api_base(s) + "/smsmessaging/v1/outbound/tel%3A%2B" + sender_digits + "/requests";
    r.headers = {"Authorization: Bearer " + s.access_token, "Content-Type: application/json",
                 "Accept: application/json"};
    std::string notify = s.public_url;
    while (!notify.empty() && notify.back() == '/') {
        notify.pop_back();
    }
    notify += "/dlr/" + s.callback_segment + "?token=" + url_encode(s.callback_token);
    nlohmann::json message = {
        {"address", "tel:" + sms.to},
        {"senderAddress", "tel:+" + sender_digits},
        {"outboundSMSTextMessage", {{"message", sms.text}}},
        {"receiptRequest", {{"notifyURL", notify}, {"callbackData", sms.ref}}}};
    if (!s.sender.empty()) {
        message["senderName"] = s.sender;
    }
    r.body = nlohmann::json{{"outboundSMSMessageRequest", message}}.dump();
    return r;
}

SendOutcome read_orange_reply(int status, std::string_view body) {
    SendOutcome o;
    o.http_status = status;
    o.verdict = verdict_for_status(status);
    const auto json = core::parse_outside_json(body);
    if (o.verdict == SendVerdict::accepted) {
        const auto request = json.is_object() && json.contains("outboundSMSMessageRequest")
                                 ? json["outboundSMSMessageRequest"]
                                 : nlohmann::json();
        const auto url = profiles::json_text(request, "resourceURL");
        o.gateway_id = url.substr(url.rfind('/') + 1);
        return o;
    }
    // {"requestError": {"serviceException"|"policyException": {"messageId", "text"}}}
    std::string why;
    if (json.is_object() && json.contains("requestError") && json["requestError"].is_object()) {
        for (const auto& [_, exception] : json["requestError"].items()) {
            why = profiles::json_text(exception, "messageId") + " " +
                  profiles::json_text(exception, "text");
        }
    }
    o.error = "HTTP " + std::to_string(status) + (why.empty() ? "" : ": " + why);
    return o;
}

Result<DeliveryReport> parse_orange_report(const Params& p) {
    DeliveryReport r;
    const auto ref = p.find("callbackData");
    const auto status = p.find("deliveryStatus");
    if (ref == p.end() || ref->second.empty() || status == p.end()) {
        return Error{"an Orange delivery report needs callbackData and deliveryStatus"};
    }
    r.ref = ref->second;
    std::string reason;
    if (status->second == "DeliveredToTerminal") {
        r.state = DeliveryState::delivered;
    } else if (status->second == "DeliveryImpossible") {
        r.state = DeliveryState::failed;
        reason = "Orange could not deliver it";
    } else if (status->second == "DeliveredToNetwork" || status->second == "MessageWaiting" ||
               status->second == "DeliveryUncertain") {
        r.state = DeliveryState::sent;
        reason = "Orange: " + status->second;
    } else {
        return Error{"unknown Orange deliveryStatus " + status->second};
    }
    r.detail = describe_report(r.state, reason, "");
    return r;
}

Result<InboundSms> parse_orange_inbound(const Params& p) {
    auto sms = profiles::inbound_from(p, "senderAddress", "message", "messageId");
    if (sms && sms->from.rfind("tel:", 0) == 0) {
        sms->from.erase(0, 4); // "tel:+22376123456": a URI, as OneAPI writes addresses
    }
    return sms;
}

namespace {

class Orange final : public GatewayProfile {
public:
    std::string_view name() const override { return "orange"; }
    Result<HttpRequest> build_request(const GatewaySettings& s,
                                      const OutgoingSms& sms) const override {
        return orange_send_request(s, sms);
    }
    SendOutcome read_reply(const GatewaySettings&, int status,
                           std::string_view body) const override {
        return read_orange_reply(status, body);
    }
    Result<DeliveryReport> parse_report(const Params& params) const override {
        return parse_orange_report(params);
    }
    Result<InboundSms> parse_inbound(const Params& params) const override {
        return parse_orange_inbound(params);
    }
    bool needs_token() const override { return true; }
    std::vector<std::string> check(const GatewayConfig& g) const override {
        if (g.sender_number.empty()) {
            return {"sender_number: the orange profile sends from a number (e.g. +22370000000)"};
        }
        return {};
    }
};

} // namespace

const GatewayProfile& orange_profile() {
    static const Orange profile;
    return profile;
}

} // namespace kibaru::core
