// Which gateways may carry a number, in the order they are tried (SPEC.md "Several gateways,
// routing and failover"), and whether a failed send may move to the next one. Pure.
//
// A gateway takes a number when its `operators` name the number's operator or one of its
// `prefixes` starts the number (both empty: every number). Among those, lower `priority` comes
// first, then the order of the configuration. Failover is only for a message the gateway
// certainly did not accept: the request never left (connection refused, DNS, TLS) or the
// gateway answered with a refusal (4xx other than 408/425/429). A timeout or a reset after the
// request left is in doubt: that delivery stays with its gateway, never sent through a second.
#pragma once

#include "core/config.hpp"
#include "core/delivery.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

bool gateway_takes(const GatewayConfig& gateway, std::string_view e164,
                   std::string_view operator_id);

// Indexes into `gateways` of those that take the number and have not refused it already
// (`refused`: gateway names, comma-separated), best first.
std::vector<std::size_t> route_number(const std::vector<GatewayConfig>& gateways,
                                      std::string_view e164, std::string_view operator_id,
                                      std::string_view refused = {});

// True when the gateway certainly did not accept the message: `never_sent` (the request did not
// leave: refused connection, DNS, TLS) or a refusal answered in HTTP.
bool certainly_not_accepted(const SendOutcome& outcome, bool never_sent);

// "a,b" + "c" = "a,b,c".
std::string add_refusal(std::string_view refused, std::string_view gateway);

} // namespace kibaru::core
