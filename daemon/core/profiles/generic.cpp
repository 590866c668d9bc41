// A gateway Kibaru has no profile for, described in the configuration: method, URL, headers and
// body from templates ({to} {text} {from} {ref} {secret}, escaped for the content type); the
// message id found by JSON pointer or regular expression. Reports: ref or id, state
// (delivered, failed, sent) and detail; incoming SMS: from, text.
#include "core/gateway_profile.hpp"
#include "core/json_input.hpp"
#include "core/profiles/support.hpp"
#include "core/regex_pattern.hpp"

#include <nlohmann/json.hpp>

#include <regex>

namespace kibaru::core {

namespace {

using namespace profiles;

std::string json_escape_inner(std::string_view text) {
    const std::string quoted = nlohmann::json(std::string(text)).dump();
    return quoted.substr(1, quoted.size() - 2);
}

// Fills {to} {text} {from} {ref} {secret} in a template, escaping each value.
std::string fill(std::string_view pattern, const GatewaySettings& s, const OutgoingSms& sms,
                 bool json_body, bool url_body) {
    auto escape = [&](std::string_view v) {
        return json_body ? json_escape_inner(v) : url_body ? url_encode(v) : std::string(v);
    };
    std::string out;
    for (std::size_t i = 0; i < pattern.size();) {
        bool replaced = false;
        for (const auto& [key, value] :
             {std::pair<std::string_view, std::string_view>{"{to}", sms.to},
              {"{text}", sms.text},
              {"{from}", s.sender},
              {"{ref}", sms.ref},
              {"{secret}", s.secret}}) {
            if (pattern.substr(i, key.size()) == key) {
                out += escape(value);
                i += key.size();
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            out.push_back(pattern[i++]);
        }
    }
    return out;
}

// The configured message-id pattern, compiled once rather than for every reply (a daemon has
// one pattern; a change of pattern compiles again).
const std::regex& compiled(const std::string& pattern) {
    thread_local std::string source;
    thread_local std::regex regex;
    if (pattern != source) {
        regex = std::regex(pattern);
        source = pattern;
    }
    return regex;
}

class Generic final : public GatewayProfile {
public:
    std::string_view name() const override { return "generic"; }

    Result<HttpRequest> build_request(const GatewaySettings& s,
                                      const OutgoingSms& sms) const override {
        HttpRequest r;
        const bool json = s.generic.content_type == "application/json";
        r.method = s.generic.method;
        r.url = fill(s.url, s, sms, false, true);
        for (const auto& header : s.generic.headers) {
            r.headers.push_back(fill(header, s, sms, false, false));
        }
        r.headers.push_back("Content-Type: " + s.generic.content_type);
        if (r.method == "POST") {
            r.body = fill(s.generic.body, s, sms, json, !json);
            if (json && core::parse_outside_json(r.body).is_discarded()) {
                return Error{"[gateway.generic] body does not give valid JSON: " + r.body};
            }
        }
        return r;
    }

    SendOutcome read_reply(const GatewaySettings& s, int status,
                           std::string_view body) const override {
        const auto verdict = verdict_for_status(status);
        if (verdict != SendVerdict::accepted) {
            return by_status(status, body);
        }
        std::string id;
        if (!s.generic.message_id_regex.empty()) {
            const auto searched = body.substr(0, k_regex_subject_max_length);
            std::match_results<std::string_view::const_iterator> m;
            if (std::regex_search(searched.begin(), searched.end(), m,
                                  compiled(s.generic.message_id_regex))) {
                id = m.size() > 1 ? m[1].str() : m[0].str();
            }
        } else if (!s.generic.message_id.empty()) {
            const auto json = core::parse_outside_json(body);
            try {
                const auto& node = json.at(nlohmann::json::json_pointer(s.generic.message_id));
                id = node.is_string() ? node.get<std::string>() : node.dump();
            } catch (const std::exception&) {
                // No id where configured: still accepted; delivery reports match by {ref}.
            }
        }
        return outcome(verdict, status, id, "");
    }

    Result<DeliveryReport> parse_report(const Params& p) const override {
        DeliveryReport r;
        r.ref = param(p, "ref");
        r.gateway_id = param(p, "id");
        const auto state = parse_delivery_state(param(p, "state"));
        if ((r.ref.empty() && r.gateway_id.empty()) || !state ||
            (*state != DeliveryState::delivered && *state != DeliveryState::failed &&
             *state != DeliveryState::sent)) {
            return Error{"a generic delivery report needs ref or id, and state delivered, "
                         "failed or sent"};
        }
        r.state = *state;
        r.detail = describe_report(r.state, param(p, "detail"), "");
        return r;
    }
};

} // namespace

const GatewayProfile& generic_profile() {
    static const Generic profile;
    return profile;
}

} // namespace kibaru::core
