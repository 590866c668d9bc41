// The Orange SMS API (profile "orange", developer.orange.com "SMS Africa and Middle East"), pure:
// the OAuth2 client-credentials token request and its reply, the send request and its reply,
// and the delivery report Orange posts back. The engine keeps the token (cached until it
// expires, fetched again once when a send is answered 401).
//
//   token   POST {url}/oauth/v3/token, Authorization: Basic base64(client_id:client_secret),
//           grant_type=client_credentials -> 200 {"access_token", "expires_in"} (seconds, as a
//           string or a number)
//   send    POST {url}/smsmessaging/v1/outbound/tel%3A%2B{sender_number}/requests with
//           Authorization: Bearer {token} and {"outboundSMSMessageRequest": {"address":
//           "tel:+223...", "senderAddress": "tel:+...", "senderName", "outboundSMSTextMessage":
//           {"message"}, "receiptRequest": {"notifyURL", "callbackData": {ref}}}} -> 201, the
//           message's resourceURL (its last segment is Orange's message id)
//   report  POST /dlr/<gateway> {"deliveryInfoNotification": {"callbackData": {ref},
//           "deliveryInfo": {"address", "deliveryStatus"}}}: DeliveredToTerminal is delivered,
//           DeliveryImpossible failed, the others (DeliveredToNetwork, MessageWaiting,
//           DeliveryUncertain) still on their way
#pragma once

#include "core/callbacks.hpp"
#include "core/gateway.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace kibaru::core {

HttpRequest orange_token_request(const GatewaySettings& settings);

struct AccessToken {
    std::string token;
    std::chrono::seconds expires_in{3600};
};
// The token from the token endpoint's answer, or why there is none.
Result<AccessToken> read_orange_token_reply(int status, std::string_view body);

HttpRequest orange_send_request(const GatewaySettings& settings, const OutgoingSms& sms);
SendOutcome read_orange_reply(int status, std::string_view body);

// From the report's fields (flattened from its JSON: callbackData, deliveryStatus, address).
Result<DeliveryReport> parse_orange_report(const Params& params);

// An incoming SMS from its inboundSMSMessageNotification (GSMA OneAPI, flattened like a report):
// senderAddress ("tel:+223…", the scheme dropped), message, messageId.
Result<InboundSms> parse_orange_inbound(const Params& params);

} // namespace kibaru::core
