// One HTTP connection, plain or TLS (Session): reads each request, the header first and then a
// body within its path's limit, under the idle and request timeouts; hands it to the server's
// handler; writes the answer, whole or as a chunked body streamed from any thread (ChunkedBody);
// then keeps the connection for the next request or closes it. The server that accepts
// connections and counts them is in http_server.cpp.
#include "net/http_connection.hpp"
#include "net/http_exchange.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

namespace kibaru::net {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <typename Stream>
class ChunkedBody;

// One connection: `Stream` is beast::tcp_stream, or TlsStream for HTTPS.
template <typename Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
public:
    using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

    Session(Stream stream, std::shared_ptr<HttpServer::Impl> server)
        : m_stream(std::move(stream)), m_server(std::move(server)) {
        ++m_server->connections;
        beast::error_code ec;
        const auto remote = socket().remote_endpoint(ec);
        if (!ec) {
            m_peer = remote.address().to_string();
        }
    }

    ~Session() override {
        m_server->idle.erase(this);
        --m_server->connections;
        m_server->accept();
    }

    void start() {
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            expire(m_server->limits.request_timeout);
            m_stream.async_handshake(boost::asio::ssl::stream_base::server,
                                     [self = shared_from_this()](beast::error_code ec) {
                                         if (ec) {
                                             return self->close(); // not TLS, or a bad client
                                         }
                                         self->wait_for_request();
                                     });
        } else {
            wait_for_request();
        }
    }

    void close_if_idle() override {
        if (m_server->idle.count(this) != 0) {
            close();
        }
    }

private:
    // Between requests: bytes already buffered (a pipelined request) are read at once;
    // otherwise the connection idles, for at most the idle timeout, until the next one begins.
    void wait_for_request() {
        if (m_server->stopped) {
            return close();
        }
        if (m_buffer.size() > 0) {
            return read_request();
        }
        m_server->idle.insert(this);
        expire(m_server->limits.idle_timeout);
        m_stream.async_read_some(m_buffer.prepare(4096), [self = shared_from_this()](
                                                             beast::error_code ec, std::size_t n) {
            self->m_server->idle.erase(self.get());
            if (ec) {
                return self->close(); // closed by the client, idle too long, or stopping
            }
            self->m_buffer.commit(n);
            self->read_request();
        });
    }

    // The header first: the body limit depends on the path (an upload may be large, a sign-in
    // may not), and a declared length over it is refused before a byte of the body is read.
    void read_request() {
        m_parser.emplace();
        m_parser->body_limit(std::numeric_limits<std::uint64_t>::max());
        expire(m_server->limits.request_timeout);
        http::async_read_header(m_stream, m_buffer, *m_parser,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) {
                                        return self->on_read(ec);
                                    }
                                    self->read_body();
                                });
    }

    void read_body() {
        const auto limit = body_limit_for(m_server->limits, std::string(m_parser->get().target()));
        const auto declared = m_parser->content_length();
        if (declared && *declared > limit) {
            return on_read(http::error::body_limit);
        }
        // Only when more than body_bytes may follow (a GET of the same page has no body).
        const bool large_body_follows =
            !m_parser->is_done() && (!declared || *declared > m_server->limits.body_bytes);
        if (large_body_follows && m_server->limits.before_large_body) {
            // A file is read only for someone the handler admits on the header alone: a
            // client not signed in must not make the server hold megabytes per connection.
            const unsigned version = m_parser->get().version();
            std::optional<Reply> refusal;
            try {
                refusal =
                    m_server->limits.before_large_body(incoming_request(m_parser->get(), m_peer));
            } catch (const std::exception& e) {
                spdlog::error("HTTP request from {}: its header could not be checked: {}", m_peer,
                              e.what());
                refusal = Reply{500, "internal error\n"};
            }
            if (refusal) {
                ++m_server->rejected;
                m_head_only = false; // a body follows: not a HEAD
                m_body_unread = true;
                return write(std::move(*refusal), version, false);
            }
        }
        m_parser->body_limit(limit);
        http::async_read(
            m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec) {
            auto refusal = refusal_for(ec);
            if (!refusal) {
                return close();
            }
            ++m_server->rejected;
            spdlog::warn("HTTP request from {} refused: {}", m_peer, ec.message());
            return write(std::move(*refusal), 11, false);
        }
        auto& request = m_parser->get();
        IncomingRequest in = incoming_request(request, m_peer);
        const unsigned version = request.version();
        const bool keep_alive = request.keep_alive();
        m_head_only = request.method() == http::verb::head;
        auto state = std::make_shared<Responder::State>();
        state->io = &m_server->io;
        // The answer keeps the connection alive until it is written.
        state->send = [self = shared_from_this(), version, keep_alive](Reply reply) {
            self->write(std::move(reply), version, keep_alive);
        };
        state->stream = [self = shared_from_this(), version, keep_alive](Reply head) {
            return self->start_stream(std::move(head), version, keep_alive);
        };
        try {
            m_server->handler(in, Responder(state));
        } catch (const std::exception& e) {
            // A broken request must never take the daemon down.
            spdlog::error("HTTP {} {} failed: {}", in.method, in.path, e.what());
            Responder{state}({500, "internal error\n"});
        }
    }

    // Writes the answer, then reads the next request on this connection, unless the client
    // asked to close, the server is stopping, or it is full: then the connection closes so that
    // one waiting in the backlog gets its turn.
    // The answer to HEAD is the answer to GET without its body (the length it would have).
    void write(Reply reply, unsigned version, bool keep_alive) {
        if (!header_values_safe(reply)) {
            spdlog::error("HTTP answer with a line break or an overlong value in a header refused");
            reply = Reply{500, "internal error\n"};
        }
        const bool keep = keep_alive && !m_server->stopped && !m_server->full();
        if (m_head_only) {
            auto response = std::make_shared<http::response<http::empty_body>>(
                head_only_response(reply, version, keep));
            return send(std::move(response));
        }
        send(std::make_shared<http::response<http::string_body>>(
            whole_response(std::move(reply), version, keep)));
    }

    template <typename Response>
    void send(std::shared_ptr<Response> response) {
        expire(m_server->limits.request_timeout); // a client that never reads
        http::async_write(m_stream, *response,
                          [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
                              if (!ec && self->m_body_unread) {
                                  return self->linger();
                              }
                              if (ec || !response->keep_alive()) {
                                  return self->close();
                              }
                              self->wait_for_request();
                          });
    }

    // A body streamed from another thread: the head now (chunked), then chunks as they come.
    std::shared_ptr<BodyStream> start_stream(Reply head, unsigned version, bool keep_alive);

    // The answer went out before the request's body was read (before_large_body). Closing now,
    // the body still arriving, would make the kernel reset the connection, and a browser still
    // uploading could lose the answer: stop sending, then read and drop what comes until the
    // client closes, for at most k_linger (a web server's lingering close).
    void linger() {
        static constexpr std::chrono::milliseconds k_linger{2000};
        beast::error_code ignored;
        socket().shutdown(tcp::socket::shutdown_send, ignored);
        expire(std::min(k_linger, m_server->limits.request_timeout));
        drain();
    }
    void drain() {
        beast::get_lowest_layer(m_stream).async_read_some(
            m_buffer.prepare(16 * 1024),
            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec || self->m_server->stopped) {
                    return self->close(); // the client closed, k_linger passed, or stopping
                }
                self->drain(); // dropped: nothing is committed to the buffer
            });
    }

    void close() {
        beast::error_code ignored;
        socket().shutdown(tcp::socket::shutdown_both, ignored);
        socket().close(ignored);
    }

    void expire(std::chrono::milliseconds after) {
        beast::get_lowest_layer(m_stream).expires_after(after);
    }
    tcp::socket& socket() { return beast::get_lowest_layer(m_stream).socket(); }

    friend class ChunkedBody<Stream>;

    Stream m_stream;
    std::shared_ptr<HttpServer::Impl> m_server;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::string m_peer;
    bool m_head_only = false;   // the request being answered is a HEAD
    bool m_body_unread = false; // answered before its body was read: linger, then close
};

// The stream behind Responder::stream: producers on any thread queue chunks under a mutex; the
// loop sends them one at a time and wakes producers waiting for room.
template <typename Stream>
class ChunkedBody final : public BodyStream,
                          public CancellableStream,
                          public std::enable_shared_from_this<ChunkedBody<Stream>> {
public:
    using std::enable_shared_from_this<ChunkedBody<Stream>>::shared_from_this;
    static constexpr std::size_t k_max_queued = 256 * 1024;

    // Any thread. Started after the server stopped, the body is cut short from the start.
    explicit ChunkedBody(std::shared_ptr<Session<Stream>> session) : m_session(std::move(session)) {
        auto& server = *m_session->m_server;
        std::lock_guard lock(server.streams_mutex);
        m_broken = server.stopped;
        server.streams.insert(this);
    }

    ~ChunkedBody() override {
        auto& server = *m_session->m_server;
        {
            std::lock_guard lock(server.streams_mutex);
            server.streams.erase(this);
        }
        // The session is released on the loop, whichever thread drops the last reference.
        auto& io = server.io; // before the session is moved out
        boost::asio::dispatch(io, [session = std::move(m_session)] {});
    }

    void cancel() override {
        std::lock_guard lock(m_mutex);
        m_broken = true;
        m_room.notify_all();
    }

    bool write(std::string bytes) override {
        std::unique_lock lock(m_mutex);
        m_room.wait(lock, [&] { return m_broken || m_queued < k_max_queued; });
        if (m_broken) {
            return false;
        }
        if (bytes.empty()) {
            return true;
        }
        m_queued += bytes.size();
        m_queue.push_back(std::move(bytes));
        kick(lock);
        return true;
    }

    void finish() override {
        std::unique_lock lock(m_mutex);
        m_finished = true;
        kick(lock);
    }

    // Loop: after the head is written, with whether the connection then stays open.
    void started(bool ok, bool keep_alive) {
        m_keep_alive = keep_alive;
        std::unique_lock lock(m_mutex);
        m_head_written = ok;
        if (!ok) {
            m_broken = true;
            m_room.notify_all();
            return;
        }
        m_sending = false;
        kick(lock);
    }

private:
    // Under the lock: has the loop send what is queued, unless it is sending already.
    void kick(std::unique_lock<std::mutex>&) {
        if (m_sending || !m_head_written) {
            return;
        }
        m_sending = true;
        boost::asio::post(m_session->m_server->io, [self = shared_from_this()] { self->pump(); });
    }

    // Loop: sends the next chunk, or the last one once finished.
    void pump() {
        std::unique_lock lock(m_mutex);
        if (m_broken) {
            return;
        }
        if (m_queue.empty()) {
            if (!m_finished) {
                m_sending = false;
                return;
            }
            lock.unlock();
            m_session->expire(m_session->m_server->limits.request_timeout);
            boost::asio::async_write(m_session->m_stream, http::make_chunk_last(),
                                     [self = shared_from_this()](beast::error_code ec,
                                                                 std::size_t) { self->ended(ec); });
            return;
        }
        auto chunk = std::make_shared<std::string>(std::move(m_queue.front()));
        m_queue.pop_front();
        lock.unlock();
        // Bounded per chunk: a client that stops reading does not hold the export forever.
        m_session->expire(m_session->m_server->limits.request_timeout);
        boost::asio::async_write(
            m_session->m_stream, http::make_chunk(boost::asio::buffer(*chunk)),
            [self = shared_from_this(), chunk](beast::error_code ec, std::size_t) {
                std::unique_lock relock(self->m_mutex);
                self->m_queued -= chunk->size();
                if (ec) {
                    self->m_broken = true;
                    self->m_room.notify_all();
                    relock.unlock();
                    return self->m_session->close();
                }
                self->m_room.notify_all();
                relock.unlock();
                self->pump();
            });
    }

    void ended(beast::error_code ec) {
        if (ec || !m_keep_alive || m_session->m_server->stopped) {
            return m_session->close();
        }
        m_session->wait_for_request();
    }

    std::shared_ptr<Session<Stream>> m_session;
    bool m_keep_alive = false; // loop only
    std::mutex m_mutex;
    std::condition_variable m_room;
    std::deque<std::string> m_queue;
    std::size_t m_queued = 0;
    bool m_finished = false;
    bool m_broken = false;
    bool m_sending = true; // until the head is written
    bool m_head_written = false;
};

template <typename Stream>
std::shared_ptr<BodyStream> Session<Stream>::start_stream(Reply head, unsigned version,
                                                          bool keep_alive) {
    auto body = std::make_shared<ChunkedBody<Stream>>(shared_from_this());
    boost::asio::dispatch(m_server->io, [self = shared_from_this(), body, head = std::move(head),
                                         version, keep_alive]() mutable {
        if (!header_values_safe(head)) {
            spdlog::error("HTTP answer with a line break or an overlong value in a header refused");
            body->cancel();
            return self->write(Reply{500, "internal error\n"}, version, false);
        }
        const bool keep = keep_alive && !self->m_server->stopped && !self->m_server->full();
        auto response = std::make_shared<http::response<http::empty_body>>(
            chunked_response_head(head, version, keep));
        auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*response);
        self->expire(self->m_server->limits.request_timeout);
        const bool head_only = self->m_head_only;
        http::async_write_header(
            self->m_stream, *serializer,
            [self, body, response, serializer, keep, head_only](beast::error_code ec, std::size_t) {
                if (!ec && head_only) { // HEAD: the header is the whole answer
                    body->cancel();
                    return keep ? self->wait_for_request() : self->close();
                }
                body->started(!ec, keep);
            });
    });
    return body;
}

} // namespace

void serve_connection(tcp::socket socket, const std::shared_ptr<HttpServer::Impl>& server) {
    if (server->tls) {
        std::make_shared<Session<TlsStream>>(
            TlsStream(beast::tcp_stream(std::move(socket)), *server->tls), server)
            ->start();
    } else {
        std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), server)
            ->start();
    }
}

} // namespace kibaru::net
