// Twilio: POST form To,From,Body,StatusCallback with basic auth (Account SID and auth token);
// a JSON reply with sid, or code and message on error. Status callbacks: MessageSid,
// MessageStatus, ErrorCode (and our ref from the StatusCallback URL). Incoming SMS: From, Body.
#include "core/gateway_profile.hpp"
#include "core/json_input.hpp"
#include "core/profiles/support.hpp"

#include <nlohmann/json.hpp>

namespace kibaru::core {

namespace {

using namespace profiles;

class Twilio final : public GatewayProfile {
public:
    std::string_view name() const override { return "twilio"; }

    Result<HttpRequest> build_request(const GatewaySettings& s,
                                      const OutgoingSms& sms) const override {
        HttpRequest r;
        r.method = "POST";
        r.url = s.url;
        r.headers = {"Authorization: Basic " + base64(s.username + ":" + s.secret),
                     "Accept: application/json", "Content-Type: application/x-www-form-urlencoded"};
        r.body = query({{"To", sms.to},
                        {"From", s.sender},
                        {"Body", sms.text},
                        {"StatusCallback", callback_url(s, sms.ref)}});
        return r;
    }

    SendOutcome read_reply(const GatewaySettings&, int status,
                           std::string_view body) const override {
        const auto json = core::parse_outside_json(body);
        const auto verdict = verdict_for_status(status);
        if (verdict == SendVerdict::accepted) {
            const std::string sid = json_text(json, "sid");
            if (sid.empty()) {
                return outcome(SendVerdict::transient, status, "", "Twilio reply without a sid");
            }
            return outcome(verdict, status, sid, "");
        }
        std::string error = "HTTP " + std::to_string(status);
        if (json.is_object()) {
            if (const int code = json_int(json, "code", 0); code != 0) {
                error += " Twilio " + std::to_string(code);
            }
            error += ": " + json_text(json, "message");
        }
        return outcome(verdict, status, "", error);
    }

    Result<DeliveryReport> parse_report(const Params& p) const override {
        DeliveryReport r;
        std::string reason;
        r.gateway_id = param(p, "MessageSid");
        r.ref = param(p, "ref");
        const std::string status = param(p, "MessageStatus");
        if (r.gateway_id.empty() || status.empty()) {
            return Error{"a Twilio status callback needs MessageSid and MessageStatus"};
        }
        if (status == "delivered" || status == "read") {
            r.state = DeliveryState::delivered;
        } else if (status == "undelivered" || status == "failed") {
            r.state = DeliveryState::failed;
            reason = status;
            if (const auto code = param(p, "ErrorCode"); !code.empty()) {
                reason += " (error " + code + ")";
            }
        } else if (status == "queued" || status == "accepted" || status == "sending" ||
                   status == "sent" || status == "scheduled") {
            r.state = DeliveryState::sent;
            reason = "on its way (" + status + ")";
        } else {
            return Error{"unknown Twilio MessageStatus " + status};
        }
        r.detail = describe_report(r.state, reason, "");
        return r;
    }

    Result<InboundSms> parse_inbound(const Params& p) const override {
        return inbound_from(p, "From", "Body", "MessageSid");
    }
};

} // namespace

const GatewayProfile& twilio_profile() {
    static const Twilio profile;
    return profile;
}

} // namespace kibaru::core
