#include "core/routing.hpp"

#include <algorithm>

namespace kibaru::core {

namespace {

bool listed(std::string_view names, std::string_view name) {
    while (!names.empty()) {
        const auto comma = names.find(',');
        if (names.substr(0, comma) == name) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        names.remove_prefix(comma + 1);
    }
    return false;
}

} // namespace

bool gateway_takes(const GatewayConfig& gateway, std::string_view e164,
                   std::string_view operator_id) {
    if (gateway.operators.empty() && gateway.prefixes.empty()) {
        return true;
    }
    const bool by_operator =
        !operator_id.empty() && std::find(gateway.operators.begin(), gateway.operators.end(),
                                          operator_id) != gateway.operators.end();
    const bool by_prefix =
        std::any_of(gateway.prefixes.begin(), gateway.prefixes.end(),
                    [&](const std::string& prefix) { return e164.starts_with(prefix); });
    return by_operator || by_prefix;
}

std::vector<std::size_t> route_number(const std::vector<GatewayConfig>& gateways,
                                      std::string_view e164, std::string_view operator_id,
                                      std::string_view refused) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < gateways.size(); ++i) {
        if (gateway_takes(gateways[i], e164, operator_id) && !listed(refused, gateways[i].name)) {
            order.push_back(i);
        }
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return gateways[a].priority < gateways[b].priority;
    });
    return order;
}

bool certainly_not_accepted(const SendOutcome& outcome, bool never_sent) {
    if (never_sent) {
        return true;
    }
    return outcome.verdict == SendVerdict::permanent && outcome.http_status >= 400 &&
           outcome.http_status < 500;
}

std::string add_refusal(std::string_view refused, std::string_view gateway) {
    if (listed(refused, gateway)) {
        return std::string(refused);
    }
    std::string out(refused);
    if (!out.empty()) {
        out += ',';
    }
    out += gateway;
    return out;
}

} // namespace kibaru::core
