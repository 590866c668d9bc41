// Handles what reaches the callback server: delivery reports (/dlr/<profile>), incoming SMS
// (/inbound/<profile>: STOP and START), /healthz and /metrics. Callbacks must carry the token
// (query parameter `token` or `Authorization: Bearer`) or a valid Twilio signature; anything
// else gets 401/403 and changes nothing. Runs on the daemon's loop thread.
#pragma once

#include "core/config.hpp"
#include "net/callback_server.hpp"

#include <functional>
#include <string>

namespace kibaru::store {
class Database;
}

namespace kibaru::engine {

struct Metrics;

struct CallbackContext {
    store::Database* db = nullptr;
    const core::Config* config = nullptr;
    std::string token;          // from [server] token_env; empty refuses every callback
    std::string gateway_secret; // Twilio's auth token, for X-Twilio-Signature
    Metrics* metrics = nullptr;
    std::function<std::string()> now; // ISO 8601 UTC
    std::string actor = "inbound";
    // Sends a confirmation SMS (the [inbound] stop_reply / start_reply), if configured.
    std::function<void(const std::string& phone, const std::string& text)> reply;
};

net::Reply handle_callback(const CallbackContext& context, const net::IncomingRequest& request);

} // namespace kibaru::engine
