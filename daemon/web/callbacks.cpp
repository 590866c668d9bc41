#include "web/callbacks.hpp"

#include "core/callbacks.hpp"
#include "core/gateway_profile.hpp"
#include "core/json_input.hpp"
#include "ops/contacts.hpp"
#include "ops/inbound.hpp"
#include "store/deliveries_repo.hpp"
#include "store/sqlite.hpp"
#include "util/metrics.hpp"
#include "web/loop_batch.hpp"
#include "web/report_batch.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <spdlog/spdlog.h>

namespace kibaru::web {

namespace {

// The profile that reads a callback to /dlr/<segment> or /inbound/<segment>: a [[gateways]]
// name gives its gateway's profile; a profile name stands for itself (the single-gateway paths
// of the first round). "" when neither.
std::string profile_of(const core::Config& config, const std::string& segment) {
    for (const auto& g : config.gateways) {
        if (g.name == segment) {
            return g.profile;
        }
    }
    return core::find_gateway_profile(segment) != nullptr ? segment : "";
}

// A JSON callback body (the Orange SMS API's deliveryInfoNotification) as parameters: each
// leaf under its own key, the first of a name winning ({"a": {"b": "x"}} gives b=x).
void flatten_json(const nlohmann::json& node, core::Params& out) {
    if (node.is_object()) {
        for (const auto& [key, value] : node.items()) {
            if (value.is_structured()) {
                flatten_json(value, out);
            } else if (!out.count(key)) {
                out[key] = value.is_string() ? value.get<std::string>() : value.dump();
            }
        }
    } else if (node.is_array()) {
        for (const auto& item : node) {
            flatten_json(item, out);
        }
    }
}

} // namespace

struct CallbackHandler::Impl {
    CallbackContext context;
    ReportBatch reports;
    LoopBatch<ops::IncomingSms, ops::InboundResult> incoming;

    Impl(boost::asio::io_context& io, CallbackContext context_)
        : context(std::move(context_)), reports(io, context.env),
          incoming(
              io, "incoming SMS",
              [env = context.env](const std::vector<ops::IncomingSms>& batch) {
                  return ops::handle_incoming_batch(env(), batch);
              },
              [busy = context.sending_busy] {
                  return busy && busy() ? k_inbound_pace : std::chrono::milliseconds{0};
              }) {}

    net::Reply rejected(int status, const std::string& reason, const std::string& body) {
        ++context.metrics->rejected_callbacks[reason];
        return {status, body};
    }

    // 0 when the request is authentic, else the status to refuse it with (401 none, 403 wrong).
    int authenticate(const net::IncomingRequest& request, const core::Params& query,
                     const core::Params& form, const std::string& public_url) const {
        const auto& c = context;
        std::string presented;
        if (const auto it = query.find("token"); it != query.end()) {
            presented = it->second;
        } else if (const auto header = request.headers.find("authorization");
                   header != request.headers.end() && header->second.rfind("Bearer ", 0) == 0) {
            presented = header->second.substr(7);
        }
        if (!presented.empty()) {
            return !c.token.empty() && core::constant_time_equal(presented, c.token) ? 0 : 403;
        }
        if (const auto signature = request.headers.find("x-twilio-signature");
            signature != request.headers.end()) {
            std::string base = public_url;
            while (!base.empty() && base.back() == '/') {
                base.pop_back();
            }
            const auto expected =
                core::twilio_signature(c.gateway_secret, base + request.url, form);
            return !c.gateway_secret.empty() &&
                           core::constant_time_equal(signature->second, expected)
                       ? 0
                       : 403;
        }
        return 401;
    }

    void delivery_report(const std::string& profile, const std::string& gateway,
                         const core::Params& params, net::Responder respond) {
        auto report = core::parse_delivery_report(profile, params);
        if (!report) {
            spdlog::warn("malformed {} delivery report: {}", profile, report.error().message);
            return respond(rejected(400, "malformed", report.error().message + "\n"));
        }
        report->gateway = gateway;
        auto* metrics = context.metrics;
        reports.add(*report, [metrics, state = report->state, ref = report->ref,
                              id = report->gateway_id, respond](const store::ReportResult* result) {
            if (!result) {
                ++metrics->callbacks["dlr_deferred"];
                return respond({503,
                                "the report could not be recorded now; send it again\n",
                                "text/plain; charset=utf-8",
                                {{"Retry-After", "5"}}});
            }
            if (!result->found) {
                ++metrics->callbacks["dlr_unknown"];
                spdlog::warn("delivery report for no known delivery (ref {}, id {})", ref, id);
                return respond({200, "unknown delivery; nothing changed\n"});
            }
            ++metrics->callbacks["dlr_" + std::string(core::to_string(state))];
            spdlog::debug("delivery {}: report {} ({} -> {})", result->delivery_id,
                          core::to_string(state), core::to_string(result->from_state),
                          core::to_string(result->to_state));
            respond({200, "ok\n"});
        });
    }

    // Stored in the inbox once, understood and answered (ops/inbound.hpp), with the other
    // messages of this turn of the loop in one transaction; the reply is queued in it and the
    // engine sends it. Acknowledged once committed; the gateway is asked to send it again when
    // it could not be stored now.
    void inbound(const std::string& profile, const std::string& gateway, const core::Params& params,
                 net::Responder respond) {
        auto sms = core::parse_inbound(profile, params);
        if (!sms) {
            return respond(rejected(400, "malformed", sms.error().message + "\n"));
        }
        incoming.add({sms->from, sms->text, gateway, sms->gateway_message_id},
                     [this, from = sms->from, respond](const ops::InboundResult* handled) {
                         answer_inbound(from, handled, respond);
                     });
    }

    void answer_inbound(const std::string& from, const ops::InboundResult* handled,
                        const net::Responder& respond) {
        if (!handled) {
            ++context.metrics->callbacks["inbound_deferred"];
            return respond({503,
                            "the message could not be stored now; send it again\n",
                            "text/plain; charset=utf-8",
                            {{"Retry-After", "5"}}});
        }
        if (handled->duplicate) {
            ++context.metrics->callbacks["inbound_duplicate"];
            spdlog::info("incoming SMS from {} received before; not handled again", from);
            return respond({200, "duplicate\n"});
        }
        const auto matched = std::string(core::intent_name(handled->intent));
        ++context.metrics->callbacks["inbound_" + matched];
        spdlog::info("incoming SMS {} from {}: {} ({}){}", handled->inbox_id, handled->phone,
                     matched, handled->detail, handled->reply ? ", answered" : "");
        if (handled->reply && context.replies_queued) {
            context.replies_queued();
        }
        respond({200, "ok\n"});
    }

    // The answer to `request`, or status 0 when `respond` will be called later.
    net::Reply handle(const net::IncomingRequest& request, net::Responder& respond) {
        if (request.path == "/healthz") {
            context.env().db.scalar_int("SELECT 1");
            if (context.metrics && !context.metrics->storage_failure.empty()) {
                // Alive, but not sending: a monitor should page someone (free some disk).
                return {503, "storage: " + context.metrics->storage_failure + "\n"};
            }
            return {200, "ok\n"};
        }
        if (request.path == "/metrics") {
            const auto env = context.env();
            return {200,
                    context.metrics->render(
                        store::DeliveriesRepo(env.db).count_by_campaign_and_state()),
                    "text/plain; version=0.0.4; charset=utf-8"};
        }
        const auto slash = request.path.find('/', 1);
        const std::string kind = request.path.substr(0, slash);
        const std::string segment =
            slash == std::string::npos ? "" : request.path.substr(slash + 1);
        const auto& config = context.env().config;
        const std::string profile = profile_of(config, segment);
        const bool named = std::any_of(config.gateways.begin(), config.gateways.end(),
                                       [&](const auto& g) { return g.name == segment; });
        if ((kind != "/dlr" && kind != "/inbound") || profile.empty()) {
            return rejected(404, "not_found", "not found\n");
        }
        if (request.method != "GET" && request.method != "POST") {
            return rejected(405, "method", "method not allowed\n");
        }
        const auto query = core::parse_params(request.query);
        core::Params form;
        if (const auto type = request.headers.find("content-type");
            type != request.headers.end() &&
            type->second.rfind("application/x-www-form-urlencoded", 0) == 0) {
            form = core::parse_params(request.body);
        } else if (type != request.headers.end() &&
                   type->second.rfind("application/json", 0) == 0) {
            flatten_json(core::parse_outside_json(request.body), form);
        }
        if (const int refusal =
                authenticate(request, query, form, context.env().config.server.public_url);
            refusal != 0) {
            spdlog::warn("callback {} refused: {}", request.path,
                         refusal == 401 ? "no token or signature" : "wrong token or signature");
            return rejected(refusal, refusal == 401 ? "unauthenticated" : "forbidden",
                            refusal == 401 ? "unauthorized\n" : "forbidden\n");
        }
        core::Params params = query;
        params.erase("token");
        for (const auto& [name, value] : form) {
            params[name] = value;
        }
        if (kind == "/dlr") {
            delivery_report(profile, named ? segment : "", params, respond);
            return {0, ""};
        }
        inbound(profile, named ? segment : "default", params, respond);
        return {0, ""};
    }
};

CallbackHandler::CallbackHandler(boost::asio::io_context& io, CallbackContext context)
    : m_impl(std::make_unique<Impl>(io, std::move(context))) {}

CallbackHandler::~CallbackHandler() = default;

void CallbackHandler::operator()(net::IncomingRequest& request, net::Responder respond) {
    auto reply = m_impl->handle(request, respond);
    if (!respond.answered() && reply.status != 0) {
        respond(std::move(reply));
    }
}

} // namespace kibaru::web
