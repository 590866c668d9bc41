#include "app/listeners.hpp"

#include "app/context.hpp"
#include "app/gateway_access.hpp"
#include "net/asio.hpp"

#include <spdlog/spdlog.h>

namespace kibaru::app {

std::pair<std::string, std::uint16_t> split_listen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[') {
        host = host.substr(1, host.size() - 2);
    }
    if (host == "localhost") {
        host = "127.0.0.1";
    }
    return {host, static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)))};
}

ConsoleListener start_console(boost::asio::io_context& io, Context& context,
                              const std::string& listen, bool read_only,
                              std::function<core::Instant()> clock) {
    const auto& config = context.config();
    web::ConsoleOptions options;
    options.config = &config;
    options.database_path = config.database.path;
    options.read_only = read_only;
    options.clock = std::move(clock);
    options.gateways = gateway_access(config);
    std::optional<net::TlsFiles> tls;
    if (!config.console.tls_cert.empty()) {
        tls = net::TlsFiles{config.console.tls_cert, config.console.tls_key};
        options.secure = true;
    }
    ConsoleListener listener;
    listener.handler = std::make_unique<web::ConsoleHandler>(options);
    net::ServerLimits limits;
    // Forms and JSON are small; only the import routes (contacts and prices, the pages' forms
    // and the API's) take a file of up to upload_max_mb, so a client that has not signed in cannot
    // make the console hold megabytes per connection.
    limits.body_bytes = std::size_t{1} << 20;
    limits.body_bytes_for = [upload = static_cast<std::size_t>(config.console.upload_max_mb) << 20,
                             small = limits.body_bytes](const std::string& path) {
        for (const char* route :
             {"/contacts/import", "/api/v1/contacts/import", "/prices", "/api/v1/prices/import"}) {
            if (path == route) {
                return upload;
            }
        }
        return small;
    };
    limits.max_connections = 256;
    limits.request_timeout = std::chrono::milliseconds(60000); // an upload on a slow link
    const auto [host, port] = split_listen(listen);
    auto* handler = listener.handler.get();
    listener.server = std::make_unique<net::HttpServer>(
        io, host, port,
        [handler](net::IncomingRequest& request, net::Responder respond) {
            (*handler)(request, std::move(respond));
        },
        limits, tls);
    spdlog::info("console and API listening on {}://{}:{}{}", tls ? "https" : "http", host,
                 listener.server->port(), read_only ? " (read-only)" : "");
    return listener;
}

} // namespace kibaru::app
