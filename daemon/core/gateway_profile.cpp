#include "core/gateway_profile.hpp"

#include "core/profiles/support.hpp"
#include "core/utf8.hpp"

#include <array>
#include <functional>

namespace kibaru::core {

namespace {

// The registry: one line per profile.
std::array<std::reference_wrapper<const GatewayProfile>, 5> all_profiles() {
    return {kannel_profile(), africastalking_profile(), twilio_profile(), orange_profile(),
            generic_profile()};
}

} // namespace

Result<InboundSms> GatewayProfile::parse_inbound(const Params& params) const {
    return profiles::inbound_from(params, "from", "text", "id");
}

const GatewayProfile* find_gateway_profile(std::string_view name) {
    for (const GatewayProfile& p : all_profiles()) {
        if (p.name() == name) {
            return &p;
        }
    }
    return nullptr;
}

std::vector<std::string_view> gateway_profile_names() {
    std::vector<std::string_view> names;
    for (const GatewayProfile& p : all_profiles()) {
        names.push_back(p.name());
    }
    return names;
}

} // namespace kibaru::core
