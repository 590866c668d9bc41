#include "app/listeners.hpp"

#include "app/context.hpp"
#include "app/gateway_access.hpp"
#include "net/asio.hpp"
#include "net/run_loop.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

namespace kibaru::app {

namespace {

// The largest price table the console and the API take: some 200,000 rows of CSV.
constexpr std::size_t k_price_table_bytes = std::size_t{8} << 20;

} // namespace

std::pair<std::string, std::uint16_t> split_listen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[') {
        host = host.substr(1, host.size() - 2);
    }
    if (host == "localhost") {
        host = "127.0.0.1";
    }
    return {host, static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)))};
}

ConsoleListener start_console(boost::asio::io_context& io, Context& context,
                              const std::string& listen, bool read_only,
                              std::function<core::Instant()> clock) {
    const auto& config = context.config();
    web::ConsoleOptions options;
    options.config = &config;
    options.database_path = config.database.path;
    options.read_only = read_only;
    options.clock = std::move(clock);
    options.gateways = gateway_access(config);
    std::optional<net::TlsFiles> tls;
    if (!config.console.tls_cert.empty()) {
        tls = net::TlsFiles{config.console.tls_cert, config.console.tls_key};
        options.secure = true;
    }
    ConsoleListener listener;
    listener.handler = std::make_unique<web::ConsoleHandler>(options);
    net::ServerLimits limits;
    // Forms and JSON are small; only the import routes take a file, and only from someone
    // signed in (checked on the header, before the body is read), so a client that has not
    // signed in cannot make the console hold megabytes per connection. A contacts file may be
    // large (upload_max_mb: a national list streams through the import); a price table is a
    // week's or a season's prices, read whole with its refused rows, so it has a cap of its own.
    limits.body_bytes = std::size_t{1} << 20;
    limits.body_bytes_for = [upload = static_cast<std::size_t>(config.console.upload_max_mb) << 20,
                             small = limits.body_bytes](const std::string& path) {
        if (path == "/contacts/import" || path == "/api/v1/contacts/import") {
            return upload;
        }
        if (path == "/prices" || path == "/api/v1/prices/import") {
            return std::min(upload, k_price_table_bytes);
        }
        return small;
    };
    limits.before_large_body = [handler =
                                    listener.handler.get()](const net::IncomingRequest& head) {
        return handler->refuse_file(head);
    };
    limits.max_connections = 256;
    limits.request_timeout = std::chrono::milliseconds(60000); // an upload on a slow link
    const auto [host, port] = split_listen(listen);
    auto* handler = listener.handler.get();
    listener.server = std::make_unique<net::HttpServer>(
        io, host, port,
        [handler](net::IncomingRequest& request, net::Responder respond) {
            (*handler)(request, std::move(respond));
        },
        limits, tls);
    spdlog::info("console and API listening on {}://{}:{}{}", tls ? "https" : "http", host,
                 listener.server->port(), read_only ? " (read-only)" : "");
    return listener;
}

struct ConsoleThread::Impl {
    boost::asio::io_context io;
    ConsoleListener listener; // after io: destroyed first, its workers joined while io lives
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running{
        io.get_executor()};
    std::thread thread;
};

ConsoleThread::ConsoleThread(Context& context, const std::string& listen,
                             std::function<core::Instant()> clock)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->listener = start_console(m_impl->io, context, listen, false, std::move(clock));
    m_impl->thread = std::thread([impl = m_impl.get()] {
        if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) != 0) {
            spdlog::debug("console thread keeps its priority: setpriority failed");
        }
        net::run_until_stopped(impl->io, "console");
    });
}

ConsoleThread::~ConsoleThread() {
    m_impl->io.stop();
    m_impl->thread.join();
}

void ConsoleThread::stop() {
    // The loop itself runs on until the destructor: a request a worker is still answering has
    // nothing pending on it, and its answer must still find the loop running.
    boost::asio::post(m_impl->io, [impl = m_impl.get()] { impl->listener.server->stop(); });
}

} // namespace kibaru::app
