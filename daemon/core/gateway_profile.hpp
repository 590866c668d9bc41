// A gateway profile: everything Kibaru knows about speaking to one kind of gateway, behind one
// small interface — the request that sends an SMS, reading the gateway's reply, and reading the
// delivery reports and incoming SMS it posts back. One file per profile in core/profiles/
// (kannel, africastalking, twilio, orange, generic), all listed once in gateway_profile.cpp;
// the configuration names one, found when the configuration is loaded. Adding a gateway is one
// new file and one line there. Pure: the HTTP exchange itself is net/'s job.
#pragma once

#include "core/callbacks.hpp"
#include "core/config.hpp"
#include "core/gateway.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

class GatewayProfile {
public:
    virtual ~GatewayProfile() = default;

    virtual std::string_view name() const = 0;
    // The request that sends `sms`. Fails only for what the configuration cannot build (the
    // generic profile's templates).
    virtual Result<HttpRequest> build_request(const GatewaySettings& settings,
                                              const OutgoingSms& sms) const = 0;
    // The gateway's HTTP answer (`status` is never 0 here: no answer is read_gateway_reply's).
    virtual SendOutcome read_reply(const GatewaySettings& settings, int status,
                                   std::string_view body) const = 0;
    // A delivery report from its query or form parameters (a JSON body comes flattened).
    virtual Result<DeliveryReport> parse_report(const Params& params) const = 0;
    // An incoming SMS; by default `from` and `text`, as Kannel's get-url and most gateways.
    virtual Result<InboundSms> parse_inbound(const Params& params) const;
    // True when sends need an OAuth2 bearer token first (the engine fetches and keeps it).
    virtual bool needs_token() const { return false; }
    // What the profile itself requires of its configuration, as "key: why" (none by default).
    virtual std::vector<std::string> check(const GatewayConfig&) const { return {}; }
};

// The profile called `name`; nullptr when there is none.
const GatewayProfile* find_gateway_profile(std::string_view name);
// Every profile's name, in the order of the documentation.
std::vector<std::string_view> gateway_profile_names();

// Each profile, defined in its own file under core/profiles/.
const GatewayProfile& kannel_profile();
const GatewayProfile& africastalking_profile();
const GatewayProfile& twilio_profile();
const GatewayProfile& orange_profile();
const GatewayProfile& generic_profile();

} // namespace kibaru::core
