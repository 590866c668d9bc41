#include "net/callback_server.hpp"

#include "net/asio.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/spdlog.h>

#include <cctype>
#include <optional>

namespace kibaru::net {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct CallbackServer::Impl : std::enable_shared_from_this<CallbackServer::Impl> {
    boost::asio::io_context& io;
    tcp::acceptor acceptor;
    Handler handler;
    ServerLimits limits;
    std::size_t connections = 0;
    std::uint64_t rejected = 0;
    bool stopped = false;

    Impl(boost::asio::io_context& io_, Handler handler_, ServerLimits limits_)
        : io(io_), acceptor(io_), handler(std::move(handler_)), limits(limits_) {}

    void accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<CallbackServer::Impl> server)
        : m_stream(std::move(socket)), m_server(std::move(server)) {
        ++m_server->connections;
    }
    ~Session() { --m_server->connections; }

    void start() { read(); }

private:
    void read() {
        m_parser.emplace();
        m_parser->body_limit(m_server->limits.body_bytes);
        m_stream.expires_after(m_server->limits.read_timeout);
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
            spdlog::warn("callback rejected: {}", ec.message());
            return write_error(too_large ? http::status::payload_too_large
                                         : http::status::bad_request,
                               too_large ? "request too large\n" : "malformed request\n");
        }
        const auto& request = m_parser->get();
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
        in.body = request.body();
        Reply reply;
        try {
            reply = m_server->handler(in);
        } catch (const std::exception& e) {
            // A broken request must never take the daemon down.
            spdlog::error("callback {} failed: {}", in.path, e.what());
            reply = {500, "internal error\n"};
        }
        auto response = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(reply.status), request.version());
        response->set(http::field::server, "kibaru");
        response->set(http::field::content_type, reply.content_type);
        response->keep_alive(request.keep_alive() && !m_server->stopped);
        response->body() = std::move(reply.body);
        response->prepare_payload();
        write(response);
    }

    void write(std::shared_ptr<http::response<http::string_body>> response) {
        http::async_write(m_stream, *response,
                          [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
                              if (ec || !response->keep_alive()) {
                                  return self->close();
                              }
                              self->read();
                          });
    }

    void write_error(http::status status, const char* body) {
        auto response = std::make_shared<http::response<http::string_body>>(status, 11);
        response->set(http::field::content_type, "text/plain");
        response->keep_alive(false);
        response->body() = body;
        response->prepare_payload();
        write(response);
    }

    void close() {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }

    beast::tcp_stream m_stream;
    std::shared_ptr<CallbackServer::Impl> m_server;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
};

} // namespace

void CallbackServer::Impl::accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopped) {
            return;
        }
        if (!ec) {
            if (self->connections >= self->limits.max_connections) {
                ++self->rejected; // bounded: refuse rather than queue without limit
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                std::make_shared<Session>(std::move(socket), self)->start();
            }
        }
        self->accept();
    });
}

CallbackServer::CallbackServer(boost::asio::io_context& io, const std::string& host,
                               std::uint16_t port, Handler handler, ServerLimits limits)
    : m_impl(std::make_shared<Impl>(io, std::move(handler), limits)) {
    beast::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    if (ec) {
        throw std::runtime_error("[server] listen: \"" + host + "\" is not an IP address");
    }
    const tcp::endpoint endpoint(address, port);
    m_impl->acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        m_impl->acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
        m_impl->acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        m_impl->acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                                 ec.message());
    }
    m_impl->accept();
}

CallbackServer::~CallbackServer() {
    stop();
}

std::uint16_t CallbackServer::port() const {
    return m_impl->acceptor.local_endpoint().port();
}

void CallbackServer::stop() {
    if (m_impl->stopped) {
        return;
    }
    m_impl->stopped = true;
    beast::error_code ignored;
    m_impl->acceptor.close(ignored);
}

std::uint64_t CallbackServer::rejected() const {
    return m_impl->rejected;
}

} // namespace kibaru::net
