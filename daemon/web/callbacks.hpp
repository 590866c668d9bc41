// What reaches the callback listener: delivery reports (/dlr/<profile>), incoming SMS
// (/inbound/<profile>: STOP and START), /healthz and /metrics. Callbacks must carry the token
// (query parameter `token` or `Authorization: Bearer`) or a valid Twilio signature; anything
// else gets 401/403 and changes nothing. Delivery reports and incoming SMS are handled in
// batches, those of one turn of the loop in one transaction (web/loop_batch.hpp), and answered
// after their commit: 200 once recorded, 503 with Retry-After when the database cannot take
// them now, so that the gateway sends them again. Runs on the daemon's loop thread.
#pragma once

#include "net/http_server.hpp"
#include "ops/env.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kibaru::util {
struct Metrics;
}

namespace kibaru::web {

struct CallbackContext {
    std::function<ops::Env()> env; // the database, the config, actor "inbound", the instant
    std::string token;             // from [server] token_env; empty refuses every callback
    std::string gateway_secret;    // Twilio's auth token, for X-Twilio-Signature
    util::Metrics* metrics = nullptr;
    // Replies were queued for the engine (answers, STOP/START confirmations): send them now.
    std::function<void()> replies_queued;
    // True while the engine has a week's deliveries waiting for gateway slots: incoming SMS
    // are then applied in batches k_inbound_pace apart, so that a flood of queries (each one a
    // transaction's share and a reply to send) slows the week down a little, not five-fold.
    std::function<bool()> sending_busy;
};

inline constexpr std::chrono::milliseconds k_inbound_pace{100};

class CallbackHandler {
public:
    CallbackHandler(boost::asio::io_context& io, CallbackContext context);
    ~CallbackHandler();
    CallbackHandler(const CallbackHandler&) = delete;
    CallbackHandler& operator=(const CallbackHandler&) = delete;

    // Answers `request` through `respond`: at once, or after its batch commits.
    void operator()(net::IncomingRequest& request, net::Responder respond);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kibaru::web
