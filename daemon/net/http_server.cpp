// The HTTP server's listener: binds the address, accepts connections up to the limit (retrying
// when accept fails, e.g. out of file descriptors), and stops them all on stop(); also the
// Responder a handler answers through. Each connection is served in http_connection.cpp.
#include "net/http_server.hpp"

#include "net/asio.hpp"
#include "net/http_connection.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/error.hpp>

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace kibaru::net {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

// The last Responder is gone, on whichever thread: the session's callbacks are released on the
// loop, after answering 500 if nothing answered.
Responder::State::~State() {
    auto unanswered = std::move(send);
    auto streamer = std::move(stream);
    if (!unanswered) {
        return;
    }
    const bool answer = !answered.exchange(true);
    boost::asio::dispatch(
        *io, [unanswered = std::move(unanswered), streamer = std::move(streamer), answer] {
            if (answer) {
                unanswered({500, "internal error: the request was not answered\n"});
            }
        });
}

void Responder::operator()(Reply reply) const {
    if (m_state->answered.exchange(true)) {
        return;
    }
    boost::asio::dispatch(*m_state->io, [send = m_state->send, reply = std::move(reply)]() mutable {
        send(std::move(reply));
    });
}

std::shared_ptr<BodyStream> Responder::stream(Reply head) const {
    if (m_state->answered.exchange(true)) {
        return nullptr;
    }
    return m_state->stream(std::move(head));
}

bool Responder::answered() const {
    return m_state->answered;
}

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
            serve_connection(std::move(socket), self);
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
                       Handler handler, ServerLimits limits, std::optional<TlsFiles> tls)
    : m_impl(std::make_shared<Impl>(io, std::move(handler), limits)) {
    if (tls) {
        // TLS 1.2 and later only; the certificate chain and key are PEM files.
        auto context =
            std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
        context->set_options(
            boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_sslv2 |
            boost::asio::ssl::context::no_sslv3 | boost::asio::ssl::context::no_tlsv1 |
            boost::asio::ssl::context::no_tlsv1_1);
        beast::error_code tls_error;
        context->use_certificate_chain_file(tls->certificate, tls_error);
        if (tls_error) {
            throw std::runtime_error("TLS certificate " + tls->certificate + ": " +
                                     tls_error.message());
        }
        context->use_private_key_file(tls->key, boost::asio::ssl::context::pem, tls_error);
        if (tls_error) {
            throw std::runtime_error("TLS key " + tls->key + ": " + tls_error.message());
        }
        m_impl->tls = std::move(context);
    }
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
    const std::vector<SessionBase*> idle(m_impl->idle.begin(), m_impl->idle.end());
    for (auto* session : idle) {
        session->close_if_idle();
    }
    std::lock_guard lock(m_impl->streams_mutex);
    for (auto* stream : m_impl->streams) {
        stream->cancel();
    }
}

std::uint64_t HttpServer::rejected() const {
    return m_impl->rejected;
}

std::size_t HttpServer::connections() const {
    return m_impl->connections;
}

} // namespace kibaru::net
