#include "net/http_server.hpp"

#include "net/asio.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/spdlog.h>

#include <cctype>
#include <optional>
#include <unordered_set>

namespace kibaru::net {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {
class Session;
}

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    boost::asio::io_context& io;
    tcp::acceptor acceptor;
    boost::asio::steady_timer accept_retry;
    Handler handler;
    ServerLimits limits;
    std::size_t connections = 0;
    std::uint64_t rejected = 0;
    bool stopped = false;
    bool accepting = false;            // an async_accept is pending
    std::unordered_set<Session*> idle; // waiting for a request: closed at once on stop
    std::chrono::steady_clock::time_point last_accept_warning{};

    Impl(boost::asio::io_context& io_, Handler handler_, ServerLimits limits_)
        : io(io_), acceptor(io_), accept_retry(io_), handler(std::move(handler_)), limits(limits_) {
    }

    // Accepts the next connection unless stopped or full; a full server resumes when a
    // connection ends (the kernel keeps the waiting ones in the listen backlog meanwhile).
    void accept();
    bool full() const { return connections >= limits.max_connections; }
};

struct Responder::State {
    std::function<void(Reply)> send;
    bool answered = false;

    ~State() {
        if (!answered && send) {
            send({500, "internal error: the request was not answered\n"});
        }
    }
};

void Responder::operator()(Reply reply) const {
    if (m_state->answered) {
        return;
    }
    m_state->answered = true;
    m_state->send(std::move(reply));
}

bool Responder::answered() const {
    return m_state->answered;
}

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<HttpServer::Impl> server)
        : m_stream(std::move(socket)), m_server(std::move(server)) {
        ++m_server->connections;
        beast::error_code ec;
        const auto remote = m_stream.socket().remote_endpoint(ec);
        if (!ec) {
            m_peer = remote.address().to_string();
        }
    }

    ~Session() {
        m_server->idle.erase(this);
        --m_server->connections;
        m_server->accept();
    }

    void start() { wait_for_request(); }

    // On stop: a connection between requests is closed now; one in a request finishes it.
    void close_if_idle() {
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
        m_stream.expires_after(m_server->limits.idle_timeout);
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

    void read_request() {
        m_parser.emplace();
        m_parser->body_limit(m_server->limits.body_bytes);
        m_stream.expires_after(m_server->limits.request_timeout);
        http::async_read(
            m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            ec == boost::asio::error::operation_aborted || ec == boost::asio::error::eof ||
            ec == boost::asio::error::connection_reset) {
            return close();
        }
        if (ec) {
            ++m_server->rejected;
            const bool too_large = ec == http::error::body_limit || ec == http::error::header_limit;
            spdlog::warn("HTTP request from {} refused: {}", m_peer, ec.message());
            Reply reply{too_large ? 413 : 400,
                        too_large ? "request too large\n" : "malformed request\n"};
            return write(std::move(reply), 11, false);
        }
        auto& request = m_parser->get();
        IncomingRequest in;
        in.method = std::string(request.method_string());
        in.url = std::string(request.target());
        const auto q = in.url.find('?');
        in.path = in.url.substr(0, q);
        in.query = q == std::string::npos ? "" : in.url.substr(q + 1);
        for (const auto& field : request) {
            std::string name(field.name_string());
            for (char& c : name) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            in.headers[name] = std::string(field.value());
        }
        in.body = std::move(request.body());
        in.peer = m_peer;
        const unsigned version = request.version();
        const bool keep_alive = request.keep_alive();
        auto state = std::make_shared<Responder::State>();
        // The answer keeps the connection alive until it is written.
        state->send = [self = shared_from_this(), version, keep_alive](Reply reply) {
            self->write(std::move(reply), version, keep_alive);
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
    void write(Reply reply, unsigned version, bool keep_alive) {
        auto response = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(reply.status), version);
        response->set(http::field::server, "kibaru");
        response->set(http::field::content_type, reply.content_type);
        for (const auto& [name, value] : reply.headers) {
            response->insert(name, value);
        }
        response->keep_alive(keep_alive && !m_server->stopped && !m_server->full());
        response->body() = std::move(reply.body);
        response->prepare_payload();
        m_stream.expires_after(m_server->limits.request_timeout); // a client that never reads
        http::async_write(m_stream, *response,
                          [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
                              if (ec || !response->keep_alive()) {
                                  return self->close();
                              }
                              self->wait_for_request();
                          });
    }

    void close() {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        m_stream.socket().close(ignored);
    }

    beast::tcp_stream m_stream;
    std::shared_ptr<HttpServer::Impl> m_server;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::string m_peer;
};

} // namespace

void HttpServer::Impl::accept() {
    if (stopped || accepting || full()) {
        return;
    }
    accepting = true;
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        self->accepting = false;
        if (self->stopped || ec == boost::asio::error::operation_aborted) {
            return;
        }
        if (!ec) {
            std::make_shared<Session>(std::move(socket), self)->start();
            self->accept();
            return;
        }
        // Out of file descriptors, or another passing failure: the connection stays in the
        // backlog. Try again shortly instead of spinning, and say so at most once a minute.
        const auto now = std::chrono::steady_clock::now();
        if (now - self->last_accept_warning > std::chrono::minutes(1)) {
            self->last_accept_warning = now;
            spdlog::warn("cannot accept an HTTP connection ({} open): {}", self->connections,
                         ec.message());
        }
        self->accept_retry.expires_after(std::chrono::milliseconds(100));
        self->accept_retry.async_wait([self](beast::error_code wait_ec) {
            if (!wait_ec) {
                self->accept();
            }
        });
    });
}

HttpServer::HttpServer(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
                       Handler handler, ServerLimits limits)
    : m_impl(std::make_shared<Impl>(io, std::move(handler), limits)) {
    beast::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    if (ec) {
        throw std::runtime_error("\"" + host + "\" is not an IP address");
    }
    const tcp::endpoint endpoint(address, port);
    m_impl->acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        m_impl->acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
        m_impl->acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        m_impl->acceptor.listen(limits.backlog, ec);
    }
    if (ec) {
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                                 ec.message());
    }
    m_impl->accept();
}

HttpServer::~HttpServer() {
    stop();
}

std::uint16_t HttpServer::port() const {
    beast::error_code ec;
    return m_impl->acceptor.local_endpoint(ec).port();
}

void HttpServer::stop() {
    if (m_impl->stopped) {
        return;
    }
    m_impl->stopped = true;
    beast::error_code ignored;
    m_impl->acceptor.close(ignored);
    m_impl->accept_retry.cancel();
    const std::vector<Session*> idle(m_impl->idle.begin(), m_impl->idle.end());
    for (auto* session : idle) {
        session->close_if_idle();
    }
}

std::uint64_t HttpServer::rejected() const {
    return m_impl->rejected;
}

std::size_t HttpServer::connections() const {
    return m_impl->connections;
}

} // namespace kibaru::net
