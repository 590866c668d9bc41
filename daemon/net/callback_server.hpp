// The HTTP server the gateway calls back (delivery reports, incoming SMS) and monitoring reads
// (/healthz, /metrics): Boost.Beast on the daemon's io_context, after Beast's advanced server
// example — a read timeout before every read, a body limit, a bounded number of connections,
// keep-alive. Requests are handed to one handler function on the loop thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kibaru::net {

struct IncomingRequest {
    std::string method;
    std::string path;                           // without the query
    std::string query;                          // after '?', still encoded
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;
    std::string url; // path and query as received, for signatures
};

struct Reply {
    int status = 200;
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
};

struct ServerLimits {
    std::size_t body_bytes = 64 * 1024;
    std::chrono::milliseconds read_timeout{10000};
    std::size_t max_connections = 256;
};

class CallbackServer {
public:
    using Handler = std::function<Reply(const IncomingRequest&)>;

    // Binds `host:port` (port 0: an ephemeral one) and starts accepting. Throws
    // std::runtime_error when the address cannot be bound.
    CallbackServer(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
                   Handler handler, ServerLimits limits = {});
    ~CallbackServer();

    std::uint16_t port() const;
    // Stops accepting and closes idle connections; requests being handled finish.
    void stop();

    // Requests rejected before reaching the handler (too large, malformed, too many connections).
    std::uint64_t rejected() const;

    struct Impl; // shared with the connections (callback_server.cpp)

private:
    std::shared_ptr<Impl> m_impl;
};

} // namespace kibaru::net
