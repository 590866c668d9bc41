#include "app/gateway_access.hpp"

#include "app/config_loader.hpp"
#include "core/gateway_profile.hpp"
#include "net/http_client.hpp"

namespace kibaru::app {

std::vector<core::GatewaySettings> gateway_settings(const core::Config& config) {
    std::vector<core::GatewaySettings> all;
    for (const auto& g : core::sending_gateways(config)) {
        const auto* profile = core::find_gateway_profile(g.profile);
        const bool oauth = profile != nullptr && profile->needs_token();
        auto settings = core::GatewaySettings::for_gateway(
            config, g, secret_from_env(oauth ? g.client_secret_env : g.password_env),
            secret_from_env(config.server.token_env));
        if (oauth) {
            settings.client_id = secret_from_env(g.client_id_env);
        }
        all.push_back(std::move(settings));
    }
    return all;
}

ops::GatewayAccess gateway_access(const core::Config& config) {
    return {gateway_settings(config),
            [](const core::HttpRequest& request, std::chrono::milliseconds timeout) {
                auto r = net::exchange_blocking(request, timeout);
                return ops::GatewayAnswer{
                    r.status, std::move(r.body), r.retry_after, std::move(r.error),
                    std::chrono::duration_cast<std::chrono::milliseconds>(r.latency)};
            }};
}

} // namespace kibaru::app
