// A real HTTP server (net::HttpServer) on an ephemeral loopback port, run by a thread of its
// own until the fixture ends: for tests of the server itself and of the clients that talk to it.
#pragma once

#include "net/asio.hpp"
#include "net/http_server.hpp"

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <thread>

namespace kibaru::net {

// A server on an ephemeral port, run by a thread of its own until the fixture ends.
class Served {
public:
    Served(HttpServer::Handler handler, ServerLimits limits = {})
        : m_guard(boost::asio::make_work_guard(io)),
          server(std::make_unique<HttpServer>(io, "127.0.0.1", 0, std::move(handler), limits)),
          port(server->port()), m_thread([this] { io.run(); }) {}
    ~Served() {
        on_loop([this] { server.reset(); });
        m_guard.reset();
        io.stop();
        m_thread.join();
    }
    // Runs `f` on the server's loop and waits for it.
    void on_loop(std::function<void()> f) {
        std::promise<void> done;
        boost::asio::post(io, [&] {
            f();
            done.set_value();
        });
        done.get_future().wait();
    }

    boost::asio::io_context io;

private:
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_guard;

public:
    std::unique_ptr<HttpServer> server;
    std::uint16_t port;

private:
    std::thread m_thread;
};

} // namespace kibaru::net
