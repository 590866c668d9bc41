// What a send and its answer look like for each gateway profile (SPEC.md "Gateways"): building
// the HTTP request for one SMS and reading the gateway's reply into a SendOutcome. Pure: the
// HTTP exchange itself is net/'s job.
//
//  kannel          GET sendsms?username&password&from&to&text&dlr-mask&dlr-url; UCS-2 text as
//                  coding=2 with UTF-16BE bytes and no charset. "0: Accepted for delivery" and
//                  "3: Queued for later delivery" (202) are accepted; Kannel gives no message id,
//                  so our {ref} travels in the dlr-url.
//  africastalking  POST form username,to,message,from with an apiKey header; JSON reply whose
//                  SMSMessageData.Recipients[0] has statusCode (100-102 accepted) and messageId.
//  twilio          POST form To,From,Body,StatusCallback with basic auth (Account SID and auth
//                  token); JSON reply with sid, or code and message on error.
//  orange          the Orange SMS API: OAuth2 client credentials, a JSON body, 201 (see
//                  core/profiles/orange.hpp).
//  generic         method, URL, headers and body from config templates ({to} {text} {from}
//                  {ref} {secret}, escaped for the content type); message id by JSON pointer or
//                  regular expression.
#pragma once

#include "core/config.hpp"
#include "core/delivery.hpp"
#include "core/result.hpp"
#include "core/sms.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

class GatewayProfile;

struct GatewaySettings {
    std::string name = "default"; // the gateway's name ([[gateways]] name, or "default")
    // The last segment of its callback paths (/dlr/<segment>): the profile for the single
    // [gateway] form (as in the first round), the gateway's name for [[gateways]].
    std::string callback_segment = "kannel";
    std::string profile = "kannel";
    // The profile called `profile`, found when the settings are made from the configuration;
    // null in settings made by hand, which find it by name.
    const GatewayProfile* driver = nullptr;
    std::string url;
    std::string username;
    std::string secret;         // the gateway password / API key / auth token / client secret
    std::string client_id;      // orange: the OAuth2 client id
    std::string sender_number;  // orange: the number messages are sent from ("+223...")
    std::string access_token;   // orange: the current bearer token (the engine keeps it)
    std::string sender;         // [sms] sender
    std::string public_url;     // [server] public_url, for delivery-report callbacks
    std::string callback_token; // carried in the callback URLs we hand the gateway
    GenericGatewayConfig generic;

    // The single [gateway] (or the first of [[gateways]]).
    static GatewaySettings from_config(const Config& config, std::string secret,
                                       std::string callback_token);
    // One gateway of sending_gateways(config).
    static GatewaySettings for_gateway(const Config& config, const GatewayConfig& gateway,
                                       std::string secret, std::string callback_token);
};

struct OutgoingSms {
    std::string to;   // E.164
    std::string text; // UTF-8, as prepared (transliterated if so configured)
    SmsEncoding encoding = SmsEncoding::gsm7;
    std::string ref; // the delivery's own reference
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers; // "Name: value"
    std::string body;
};

// An absolute URL cut into its origin ("http://host:8080") and its request target
// ("/cgi-bin/sendsms?to=..."): what an HTTP client can put on the request line as it is.
// Nothing when the URL is not absolute or has no path, or when its target holds what a client
// would refuse or normalise in a whole URL (a fragment, spaces, control bytes, backslashes,
// "." or ".." segments).
struct OriginAndTarget {
    std::string_view origin;
    std::string_view target;
};
std::optional<OriginAndTarget> split_request_target(std::string_view url);

// The profile that speaks to this gateway. Throws std::invalid_argument for an unknown name
// (the configuration refuses one before settings are made).
const GatewayProfile& profile_of(const GatewaySettings& settings);

// The request that sends `sms`. Fails only for the generic profile's templates (a bad body).
Result<HttpRequest> build_gateway_request(const GatewaySettings& settings, const OutgoingSms& sms);

// Reads the gateway's answer. `status` 0 means no HTTP answer (`transport_error` says why).
SendOutcome read_gateway_reply(const GatewaySettings& settings, int status, std::string_view body,
                               std::optional<std::chrono::seconds> retry_after,
                               std::string_view transport_error = {});

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string url_encode(std::string_view bytes);
// Appends url_encode(bytes) to `out`, without a temporary.
void append_url_encoded(std::string& out, std::string_view bytes);
// UTF-8 to UTF-16 big-endian bytes (for Kannel's coding=2).
std::string utf16be(std::string_view utf8);
// UTF-16 big-endian bytes (an incoming UCS-2 SMS as Kannel passes it on) to UTF-8; a lone
// surrogate or an odd last byte becomes U+FFFD.
std::string utf8_from_utf16be(std::string_view bytes);
std::string base64(std::string_view bytes);

} // namespace kibaru::core
