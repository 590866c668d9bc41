// An HTTP/1.1 server on the daemon's io_context (Boost.Beast, after Beast's advanced server
// examples): keep-alive and pipelined requests on one connection, a body limit, an idle timeout
// between requests and a timeout for reading each request, and a bounded number of connections
// that never refuses one. Past `max_connections` the server stops accepting: new connections
// wait in the kernel's listen backlog, and while it is full every answer closes its connection
// so the waiting ones take turns. A gateway flushing thousands of delivery reports at once is
// slowed down, never reset (a reset report is a report lost: Kannel does not retry by default).
//
// Handlers answer through a Responder, at once or later, from the loop or from a worker thread
// (an export streamed from its own database connection). The server itself runs on the
// io_context's one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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
    std::string url;  // path and query as received, for signatures
    std::string peer; // the client's IP address
};

struct Reply {
    int status = 200;
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers{}; // e.g. Retry-After
};

// A response body sent as it is produced (chunked), written from any thread. write() waits
// while a few hundred KiB are queued and not yet sent, so a producer of a million rows never
// holds more than that in memory.
class BodyStream {
public:
    virtual ~BodyStream() = default;
    // Queues `bytes`. False once the client has gone: stop producing.
    virtual bool write(std::string bytes) = 0;
    // Ends the body. Nothing may be written after it.
    virtual void finish() = 0;
};

// The one answer to one request. Copies share it: the first answer wins, later ones are
// ignored. A request whose every Responder is dropped unanswered gets 500, so no client waits
// for its timeout. Usable from any thread: the writing happens on the loop.
class Responder {
public:
    struct State;
    explicit Responder(std::shared_ptr<State> state) : m_state(std::move(state)) {}

    void operator()(Reply reply) const;
    // Answers with `head` (status, content type, headers; its body is ignored) and a body to
    // be streamed; null when the request was answered already.
    std::shared_ptr<BodyStream> stream(Reply head) const;
    bool answered() const;

private:
    std::shared_ptr<State> m_state;
};

struct ServerLimits {
    std::size_t body_bytes = 64 * 1024;
    // When set, the body limit of a request to this path (without the query) instead of
    // body_bytes: only uploads get a large one, so that nobody can make the server hold
    // megabytes per connection before signing in.
    std::function<std::size_t(const std::string& path)> body_bytes_for;
    // When set, asked on the header of a request allowed more than body_bytes (its body not yet
    // read, `head.body` empty): an answer to give instead of reading that body (a client not
    // signed in), or nothing to read it. After a refusal the connection closes, its body unread.
    std::function<std::optional<Reply>(const IncomingRequest& head)> before_large_body;
    std::chrono::milliseconds request_timeout{10000}; // to read one request, once it has begun
    std::chrono::milliseconds idle_timeout{30000};    // a kept-alive connection between requests
    std::size_t max_connections = 1024;               // served at once; more wait in the backlog
    int backlog = 1024; // the kernel caps it at net.core.somaxconn (4096 on Debian 12)
};

// PEM files for HTTPS: the certificate (with its chain) and the private key.
struct TlsFiles {
    std::string certificate;
    std::string key;
};

class HttpServer {
public:
    using Handler = std::function<void(IncomingRequest&, Responder)>;

    // Binds `host:port` (port 0: an ephemeral one) and starts accepting, over TLS when `tls`
    // is given. Throws std::runtime_error when the address cannot be bound or the certificate
    // or key cannot be read.
    HttpServer(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
               Handler handler, ServerLimits limits = {},
               std::optional<TlsFiles> tls = std::nullopt);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::uint16_t port() const;

    // Stops accepting and closes the connections waiting for a request; a request being read or
    // handled is still answered, then its connection closes. A body still being streamed is
    // cut short: its producer's next write returns false (it may be waiting for room, and the
    // loop that would make room is about to stop). Idempotent.
    void stop();

    // Requests refused before reaching the handler (too large, malformed).
    std::uint64_t rejected() const;
    // Connections open now.
    std::size_t connections() const;

    struct Impl; // shared with the connections (http_connection.hpp)

private:
    std::shared_ptr<Impl> m_impl;
};

} // namespace kibaru::net
