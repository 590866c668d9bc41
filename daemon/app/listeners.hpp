// The daemon's two HTTP listeners, made the same way by `daemon` and `console`: the console and
// JSON API ([console] listen, requests served by worker threads) and the limits each gets.
#pragma once

#include "core/time.hpp"
#include "net/http_server.hpp"
#include "web/console.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace boost::asio {
class io_context;
}

namespace kibaru::app {

class Context;

// "127.0.0.1:8080" -> host and port (the config loader checked the form).
std::pair<std::string, std::uint16_t> split_listen(const std::string& listen);

struct ConsoleListener {
    std::unique_ptr<web::ConsoleHandler> handler;
    std::unique_ptr<net::HttpServer> server;
};

// Starts the console and API on `listen`, its requests answered by worker threads on their own
// connections to the context's database (read-only ones with `read_only`). Throws when the
// address cannot be bound or the database opened.
ConsoleListener start_console(boost::asio::io_context& io, Context& context,
                              const std::string& listen, bool read_only,
                              std::function<core::Instant()> clock);

// The console and API of the daemon, served on an I/O thread of their own at a lower priority
// (nice 10, as their workers), so that reading and writing console connections never runs on
// the dispatcher's loop: with 20 API clients reading its console while the daemon sent a week
// of 100,000 SMS, the send was 35 % slower when they shared that loop, 23 % with this thread
// (BENCHMARKS.md, "API"). Throws as start_console does.
class ConsoleThread {
public:
    ConsoleThread(Context& context, const std::string& listen,
                  std::function<core::Instant()> clock);
    // Stops the loop (a request still being answered is dropped) and joins the thread.
    ~ConsoleThread();
    ConsoleThread(const ConsoleThread&) = delete;
    ConsoleThread& operator=(const ConsoleThread&) = delete;

    // Stops accepting connections; requests being read or answered are still answered while
    // the object lives. From any thread.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kibaru::app
