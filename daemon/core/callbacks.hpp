// What gateways send back to us, per profile: delivery reports (DLR) and incoming SMS (MO),
// read from their query or form parameters; STOP/START keyword matching; the Twilio signature;
// constant-time token comparison. Pure computation, no I/O.
#pragma once

#include "core/delivery.hpp"
#include "core/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

using Params = std::map<std::string, std::string>; // decoded query or form parameters

// "a=1&b=%C3%A9" -> {a: 1, b: é}; '+' is a space. Later duplicates win.
Params parse_params(std::string_view encoded);

// Percent-decodes `text` ("%C3%A9" -> "é"); '+' is a space in query strings and forms, itself
// in a path segment. Malformed escapes are kept as they are.
std::string url_decode(std::string_view text, bool plus_as_space = true);

struct DeliveryReport {
    std::string ref;        // our delivery id, when the gateway echoes it
    std::string gateway_id; // the gateway's message id, when it has one
    std::string smsc_id;    // the message id of the SMSC behind the gateway (Kannel's %F)
    DeliveryState state = DeliveryState::sent; // delivered, failed or sent (on its way)
    std::string detail; // in plain words, for the event history (see describe_report)
    // The [[gateways]] entry whose callback path it came to ("" for the single gateway's
    // /dlr/<profile>): a gateway's message id only finds that gateway's deliveries.
    std::string gateway;
};

// The report as the profile called `profile` reads it (each profile's file in core/profiles/
// says what its gateway sends). Fails naming what is missing or unknown (answered 400).
Result<DeliveryReport> parse_delivery_report(std::string_view profile, const Params& params);

// A report as an auditor reads it: "delivered", "failed: <reason>", or for a report of a
// message still on its way the reason alone ("accepted by the SMSC"); then " (SMSC id <id>)"
// when the SMSC's message id is known.
std::string describe_report(DeliveryState state, std::string_view reason, std::string_view smsc_id);

struct InboundSms {
    std::string from; // as the gateway wrote it (normalized by the caller)
    std::string text;
    std::string gateway_message_id; // "" when the gateway gives none
};

// The incoming SMS as the profile called `profile` reads it: `from`, `text` and `id` for most
// (Kannel's get-url carries %p, %a and %I under those names), From, Body and MessageSid for
// Twilio.
Result<InboundSms> parse_inbound(std::string_view profile, const Params& params);

enum class Keyword { none, stop, start };

// The keyword an incoming text is: its first word, compared case- and accent-insensitively and
// without surrounding punctuation ("Stop.", "arrêt", "ARRET!" all match "ARRÊT").
Keyword match_keyword(std::string_view text, const std::vector<std::string>& stop_keywords,
                      const std::vector<std::string>& start_keywords);

// Upper-case ASCII with French and Bambara accents folded ("arrêt" -> "ARRET").
std::string fold_keyword(std::string_view text);

// Base64 HMAC-SHA1 of `url` followed by every parameter name and value in name order, keyed
// with the auth token: what Twilio sends as X-Twilio-Signature.
std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const Params& params);

// Compares secrets in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace kibaru::core
