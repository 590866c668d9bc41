// One SMS sent now, outside any campaign, to check a gateway or to read a week's message on a
// staff phone: `kibaru gateway test` and the message editor's test send. The SMS goes through
// the gateway routing picks for the number (or the one named), is not a delivery (no retry, no
// report expected), and is audited as `gateway.test` with what the gateway answered.
//
// The exchange with the gateway is a port: the caller (the CLI, the console's worker) hands
// over a blocking HTTP exchange, so the operation itself does no I/O but the database.
#pragma once

#include "core/gateway.hpp"
#include "core/sms.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::ops {

// A gateway's answer to one request; status 0 when none came (`error` says why).
struct GatewayAnswer {
    int status = 0;
    std::string body;
    std::optional<std::chrono::seconds> retry_after;
    std::string error;
    std::chrono::milliseconds latency{0};
};

// What an operation needs to send through the configured gateways: each one's settings (with
// its secret, in the order of core::sending_gateways) and a blocking HTTP exchange.
struct GatewayAccess {
    std::vector<core::GatewaySettings> gateways;
    std::function<GatewayAnswer(const core::HttpRequest&, std::chrono::milliseconds timeout)>
        exchange;
};

struct TestSms {
    std::string to;      // as typed: "76 00 00 01", "+22376000001"
    std::string text;    // UTF-8, sent as the [sms] encoding prepares it
    std::string gateway; // a gateway's name; "" for the first that takes the number
    // The names of the fields in the caller's words, for errors ("--to" on the CLI, "phone" in
    // a form).
    std::string to_field = "to";
    std::string text_field = "text";
    std::string gateway_field = "gateway";
};

struct TestSmsResult {
    std::string phone;   // E.164
    std::string gateway; // the gateway's name
    std::string profile;
    bool accepted = false;
    int http_status = 0;
    std::chrono::milliseconds latency{0};
    std::string gateway_id; // the gateway's message id, when it gave one
    std::string error;      // why it was not accepted
    core::SmsShape shape;
};

// Sends `sms` now and audits it. Fails: invalid (phone, empty or unsendable text, unknown
// gateway, no gateway takes the number). A gateway that refuses or does not answer is not a
// failure of the operation: the result says so (`accepted` false, `error`).
Result<TestSmsResult> send_test_sms(const Env& env, const GatewayAccess& access,
                                    const TestSms& sms);

} // namespace kibaru::ops
