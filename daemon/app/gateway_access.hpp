// The configured gateways with their secrets (read from the environment once, here), and the
// blocking exchange through which a command or a console worker sends one SMS now.
#pragma once

#include "core/config.hpp"
#include "core/gateway.hpp"
#include "ops/test_send.hpp"

#include <vector>

namespace kibaru::app {

// One per gateway that sends ([[gateways]], or the single [gateway]), with its secret.
std::vector<core::GatewaySettings> gateway_settings(const core::Config& config);

// gateway_settings(config) with net::exchange_blocking.
ops::GatewayAccess gateway_access(const core::Config& config);

} // namespace kibaru::app
