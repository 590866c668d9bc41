// An asynchronous HTTP client for the gateway: libcurl's multi interface driven by the
// daemon's io_context (no extra threads), with connections kept alive and reused between
// requests. All calls and callbacks run on the io_context's thread.
#pragma once

#include "core/gateway.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kibaru::net {

struct HttpResponse {
    int status = 0;   // 0 when no HTTP answer came
    std::string body; // at most 64 KiB is kept
    std::optional<std::chrono::seconds> retry_after;
    std::string error; // curl's description when status is 0
    // The request certainly never reached the gateway: the connection was refused, the name did
    // not resolve, TLS failed. (A timeout or a reset leaves it in doubt: false.)
    bool never_sent = false;
    std::chrono::milliseconds latency{0};
};

class HttpClient {
public:
    // `max_connections`: how many connections to keep open to the gateway.
    HttpClient(boost::asio::io_context& io, int max_connections);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Starts `request`; `done` runs on the io_context once it completes, fails or times out.
    // Never throws for network failures: they come back as status 0 with `error`.
    void send(const core::HttpRequest& request, std::chrono::milliseconds timeout,
              std::function<void(HttpResponse)> done);

    // Requests started and not yet completed.
    std::size_t in_flight() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// One request sent and waited for on an io_context of its own: for a command or a console
// worker that sends a single SMS now, never for the engine's loop.
HttpResponse exchange_blocking(const core::HttpRequest& request, std::chrono::milliseconds timeout);

} // namespace kibaru::net
