// An asynchronous HTTP client for the gateway: libcurl's multi interface driven by an
// io_context (no thread of its own), with connections kept alive and reused between requests.
// All calls and callbacks run on that io_context's thread: for the engine's lanes, the gateways'
// HTTP thread (net/http_thread.hpp).
#pragma once

#include "core/gateway.hpp"
#include "net/http_port.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kibaru::net {

class HttpClient final : public HttpPort {
public:
    // `max_connections`: how many connections to keep open to the gateway, and how many
    // requests run at once; more wait, in order, and start (with their timeout) as one ends.
    HttpClient(boost::asio::io_context& io, int max_connections);
    ~HttpClient() override;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Starts `request`; `done` runs on the io_context once it completes, fails or times out.
    // Never throws for network failures: they come back as status 0 with `error`.
    void send(core::HttpRequest request, std::chrono::milliseconds timeout,
              std::function<void(HttpResponse)> done) override;

    // Requests started and not yet completed.
    std::size_t in_flight() const override;

    void cancel_waiting(const std::string& why) override;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// One request sent and waited for on an io_context of its own: for a command or a console
// worker that sends a single SMS now, never for the engine's loop.
HttpResponse exchange_blocking(const core::HttpRequest& request, std::chrono::milliseconds timeout);

} // namespace kibaru::net
