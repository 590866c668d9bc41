// Africa's Talking: POST form username,to,message,from with an apiKey header; a JSON reply
// whose SMSMessageData.Recipients[0] has statusCode (100-102 accepted) and messageId. Reports:
// POST form id, status (Success, Failed, Rejected, Sent, Submitted, Buffered), failureReason.
#include "core/gateway_profile.hpp"
#include "core/json_input.hpp"
#include "core/profiles/support.hpp"

#include <nlohmann/json.hpp>

namespace kibaru::core {

namespace {

using namespace profiles;

class AfricasTalking final : public GatewayProfile {
public:
    std::string_view name() const override { return "africastalking"; }

    Result<HttpRequest> build_request(const GatewaySettings& s,
                                      const OutgoingSms& sms) const override {
        HttpRequest r;
        r.method = "POST";
        r.url = s.url;
        r.headers = {"apiKey: " + s.secret, "Accept: application/json",
                     "Content-Type: application/x-www-form-urlencoded"};
        r.body = query({{"username", s.username}, {"to", sms.to}, {"message", sms.text}});
        if (!s.sender.empty()) {
            r.body += "&from=" + url_encode(s.sender);
        }
        return r;
    }

    SendOutcome read_reply(const GatewaySettings&, int status,
                           std::string_view body) const override {
        if (verdict_for_status(status) != SendVerdict::accepted) {
            return by_status(status, body);
        }
        const auto json = core::parse_outside_json(body);
        const auto* recipients = json.is_object() && json.contains("SMSMessageData") &&
                                         json["SMSMessageData"].is_object() &&
                                         json["SMSMessageData"].contains("Recipients") &&
                                         json["SMSMessageData"]["Recipients"].is_array() &&
                                         !json["SMSMessageData"]["Recipients"].empty()
                                     ? &json["SMSMessageData"]["Recipients"][0]
                                     : nullptr;
        if (!recipients || !recipients->is_object()) {
            const std::string message = json.is_object() && json.contains("SMSMessageData")
                                            ? json_text(json["SMSMessageData"], "Message")
                                            : first_line(body);
            return outcome(SendVerdict::permanent, status, "", "no recipient in reply: " + message);
        }
        const int code = json_int(*recipients, "statusCode", 0);
        const std::string id = json_text(*recipients, "messageId");
        const std::string text = json_text(*recipients, "status");
        if (code >= 100 && code <= 102) { // Processed, Sent, Queued
            return outcome(SendVerdict::accepted, status, id, "");
        }
        // 405 InsufficientBalance and 5xx gateway troubles pass; the rest will not.
        const bool transient = code == 405 || code >= 500;
        return outcome(transient ? SendVerdict::transient : SendVerdict::permanent, status, id,
                       "Africa's Talking " + std::to_string(code) + " " + text);
    }

    Result<DeliveryReport> parse_report(const Params& p) const override {
        DeliveryReport r;
        std::string reason;
        r.gateway_id = param(p, "id");
        const std::string status = param(p, "status");
        if (r.gateway_id.empty() || status.empty()) {
            return Error{"an Africa's Talking delivery report needs id and status"};
        }
        if (status == "Success") {
            r.state = DeliveryState::delivered;
        } else if (status == "Failed" || status == "Rejected") {
            r.state = DeliveryState::failed;
            reason = param(p, "failureReason");
            reason = status == "Rejected" ? "rejected" + (reason.empty() ? "" : ": " + reason)
                                          : (reason.empty() ? "Failed" : reason);
        } else if (status == "Sent" || status == "Submitted" || status == "Buffered") {
            r.state = DeliveryState::sent;
            reason = "on its way (" + status + ")";
        } else {
            return Error{"unknown Africa's Talking status " + status};
        }
        r.detail = describe_report(r.state, reason, "");
        return r;
    }
};

} // namespace

const GatewayProfile& africastalking_profile() {
    static const AfricasTalking profile;
    return profile;
}

} // namespace kibaru::core
