// Kannel's smsbox: GET sendsms?username&password&from&to&text&dlr-mask&dlr-url; UCS-2 text as
// coding=2 with UTF-16BE bytes and no charset. "0: Accepted for delivery" and "3: Queued for
// later delivery" (202) are accepted; Kannel gives no message id, so our {ref} travels in the
// dlr-url, and its reports come back as GET /dlr/<segment>?ref&type(%d)&reply(%A)&smsc_id(%F).
// Incoming SMS: our sms-service get-url carries from (%p), text (%b: %a cuts UTF-16 text at
// space bytes), id (%I), coding (%c) and charset (%C). A UCS-2 message comes as UTF-16BE bytes
// unless smsbox recodes it, and then as ISO-8859-1 when it fits: UTF-16 is decoded, and bytes that
// are not UTF-8 are read as Windows-1252 rather than the message refused (Kannel does not send a
// refused message again: a STOP would be lost).
#include "core/gateway_profile.hpp"
#include "core/profiles/support.hpp"
#include "core/utf8.hpp"

namespace kibaru::core {

namespace {

using namespace profiles;

class Kannel final : public GatewayProfile {
public:
    std::string_view name() const override { return "kannel"; }

    Result<HttpRequest> build_request(const GatewaySettings& s,
                                      const OutgoingSms& sms) const override {
        HttpRequest r;
        const bool ucs2 = sms.encoding == SmsEncoding::ucs2;
        const std::string text = ucs2 ? utf16be(sms.text) : sms.text;
        // Built in place, one string for the whole URL: this runs for every SMS.
        auto dlr_url = callback_url(s, sms.ref);
        // The dlr-url escapes are Kannel's: %d report type, %T time, %A the SMSC's reply, %F
        // the SMSC's message id (sms.foreign_id).
        dlr_url += "&type=%d&ts=%T&reply=%A&smsc_id=%F";
        std::string& url = r.url;
        url.reserve(s.url.size() +
                    3 * (s.username.size() + s.secret.size() + s.sender.size() + sms.to.size() +
                         text.size() + dlr_url.size()) +
                    96);
        url += s.url;
        url += s.url.find('?') == std::string::npos ? '?' : '&';
        append_query(url, {{"username", s.username},
                           {"password", s.secret},
                           {"from", s.sender},
                           {"to", sms.to},
                           {"text", text}});
        url += ucs2 ? "&coding=2" : "&charset=UTF-8";
        url += "&dlr-mask=31&dlr-url=";
        append_url_encoded(url, dlr_url);
        r.method = "GET";
        return r;
    }

    SendOutcome read_reply(const GatewaySettings&, int status,
                           std::string_view body) const override {
        if (verdict_for_status(status) != SendVerdict::accepted) {
            return by_status(status, body);
        }
        // "0: Accepted for delivery", "3: Queued for later delivery": both are Kannel's to send.
        if (body.rfind("0:", 0) == 0 || body.rfind("3:", 0) == 0) {
            return outcome(SendVerdict::accepted, status, "", "");
        }
        return outcome(SendVerdict::transient, status, "",
                       "unexpected Kannel reply: " + first_line(body));
    }

    Result<InboundSms> parse_inbound(const Params& p) const override {
        Params decoded = p;
        auto& text = decoded["text"];
        const std::string charset = ascii_lower(param(p, "charset"));
        // Kannel 1.4 numbers codings 0 (7 bits), 1 (8 bits), 2 (UCS-2); a recoded message
        // names its new charset. Text that is already UTF-8 is kept whatever its label: Latin-1
        // with an accent is never valid UTF-8, and UTF-8 read as Latin-1 would be mangled.
        if (charset == "utf-16be" || charset == "utf16-be" || charset == "ucs-2" ||
            (charset.empty() && param(p, "coding") == "2")) {
            text = utf8_from_utf16be(text);
        } else if (!is_valid_utf8(text)) {
            text = windows1252_to_utf8(text);
        }
        return inbound_from(decoded, "from", "text", "id");
    }

    Result<DeliveryReport> parse_report(const Params& p) const override {
        DeliveryReport r;
        std::string reason;
        r.ref = param(p, "ref");
        const std::string type = param(p, "type");
        if (r.ref.empty() || type.empty()) {
            return Error{"a Kannel delivery report needs ref and type"};
        }
        const std::string reply = param(p, "reply"); // %A: the SMSC's own words
        if (type == "1") {
            r.state = DeliveryState::delivered;
        } else if (type == "2") {
            r.state = DeliveryState::failed;
            reason = reply.empty() ? "the phone network could not deliver it" : reply;
        } else if (type == "16") {
            r.state = DeliveryState::failed;
            reason = "rejected by the SMSC";
            if (!reply.empty()) {
                reason += ": " + reply;
            }
        } else if (type == "4") {
            r.state = DeliveryState::sent;
            reason = "queued by the SMSC";
        } else if (type == "8") {
            r.state = DeliveryState::sent;
            reason = "accepted by the SMSC";
        } else {
            return Error{"unknown Kannel delivery report type " + type};
        }
        // %F, Kannel's sms.foreign_id: the SMSC's message id. Named `fail` by kibaru before
        // 0.2, so dlr-urls handed to Kannel before an upgrade still carry it under that name.
        r.smsc_id = param(p, "smsc_id");
        if (r.smsc_id.empty()) {
            r.smsc_id = param(p, "fail");
        }
        if (r.smsc_id == "%F") {
            r.smsc_id.clear(); // a Kannel that does not expand it
        }
        r.detail = describe_report(r.state, reason, r.smsc_id);
        return r;
    }
};

} // namespace

const GatewayProfile& kannel_profile() {
    static const Kannel profile;
    return profile;
}

} // namespace kibaru::core
