// What the HTTP server (http_server.cpp) and its connections (http_connection.cpp) share: the
// server's state, what it knows of each connection and of each streamed body, the way from a
// Responder to its connection, and the call that serves an accepted connection. Internal to
// net/: included by those two files only.
#pragma once

#include "net/asio.hpp"
#include "net/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>

namespace boost::asio::ssl {
class context;
}

namespace kibaru::net {

// What the server knows of each connection, whichever stream (plain or TLS) it runs on.
class SessionBase {
public:
    virtual ~SessionBase() = default;
    // On stop: a connection between requests is closed now; one in a request finishes it.
    virtual void close_if_idle() = 0;
};
// A streamed body the server can cut short when it stops (its producer may be waiting for room).
class CancellableStream {
public:
    virtual ~CancellableStream() = default;
    virtual void cancel() = 0;
};

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    boost::asio::io_context& io;
    boost::asio::ip::tcp::acceptor acceptor;
    boost::asio::steady_timer accept_retry;
    Handler handler;
    ServerLimits limits;
    std::size_t connections = 0;
    std::uint64_t rejected = 0;
    std::atomic<bool> stopped{false};               // read by worker threads starting a stream
    bool accepting = false;                         // an async_accept is pending
    std::unordered_set<SessionBase*> idle;          // waiting for a request: closed at once on stop
    std::unique_ptr<boost::asio::ssl::context> tls; // set: every connection speaks TLS
    std::chrono::steady_clock::time_point last_accept_warning{};
    std::mutex streams_mutex; // bodies streamed now, from any thread: cut short on stop
    std::unordered_set<CancellableStream*> streams;

    Impl(boost::asio::io_context& io_, Handler handler_, ServerLimits limits_)
        : io(io_), acceptor(io_), accept_retry(io_), handler(std::move(handler_)), limits(limits_) {
    }

    // Accepts the next connection unless stopped or full; a full server resumes when a
    // connection ends (the kernel keeps the waiting ones in the listen backlog meanwhile).
    void accept();
    bool full() const { return connections >= limits.max_connections; }
};

// What a Responder holds: the way to its session, which lives on the loop. Whatever thread
// answers, the session is only ever touched (and released) on the loop.
struct Responder::State {
    boost::asio::io_context* io = nullptr;
    std::function<void(Reply)> send;                          // loop only
    std::function<std::shared_ptr<BodyStream>(Reply)> stream; // any thread
    std::atomic<bool> answered{false};

    ~State();
};

// Serves a connection `server` has just accepted until it closes, over TLS when the server has a
// TLS context. It counts in `server->connections` from now on; when it ends, it lets the server
// accept again.
void serve_connection(boost::asio::ip::tcp::socket socket,
                      const std::shared_ptr<HttpServer::Impl>& server);

} // namespace kibaru::net
