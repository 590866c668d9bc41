// A burst of delivery reports, as an SMSC flushing its backlog through Kannel sends them: many
// connections at once, keep-alive, each report a GET of Kibaru's dlr-url. Every report is sent
// until it is answered 200 (a 503 is sent again after a pause, as smsbox does with
// http-request-retry); a connection reset or refused is counted, never hidden.
//
//   report_burst --port N --token T [--first 1] [--last 20000] [--type 1]
//                [--connections 500] [--max-seconds 300]
//
// Prints one line: reports, ok, deferred (503s), other statuses, resets, connect errors,
// reconnects, seconds, reports per second, slowest answer (ms). Exits 0 only when every report
// was answered 200 and no connection was reset or refused.
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Burst {
    unsigned short port = 0;
    std::string token;
    std::string type = "1";
    std::deque<long> queue; // refs still to report
    long reports = 0;
    long ok = 0, deferred = 0, other = 0, resets = 0, connect_errors = 0, reconnects = 0;
    long outstanding = 0; // reports sent and not yet settled
    double slowest_ms = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(asio::io_context& io, Burst& burst) : m_io(io), m_burst(burst), m_timer(io) {}

    void start() { connect(); }

private:
    void connect() {
        m_stream.emplace(m_io);
        m_buffer.clear();
        m_connected = false;
        m_stream->async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), m_burst.port),
                                [self = shared_from_this()](beast::error_code ec) {
                                    if (ec) {
                                        ++self->m_burst.connect_errors;
                                        return self->retry_later();
                                    }
                                    self->m_connected = true;
                                    self->next();
                                });
    }

    void next() {
        if (m_burst.queue.empty()) {
            if (m_burst.outstanding > 0) {
                return retry_later(); // a deferred report may come back to the queue
            }
            beast::error_code ignored;
            m_stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
            return;
        }
        m_ref = m_burst.queue.front();
        m_burst.queue.pop_front();
        ++m_burst.outstanding;
        m_request = {http::verb::get,
                     "/dlr/kannel?token=" + m_burst.token + "&ref=" + std::to_string(m_ref) +
                         "&type=" + m_burst.type + "&ts=1546938000&reply=ACK%2F&smsc_id=fake-" +
                         std::to_string(m_ref),
                     11};
        m_request.set(http::field::host, "127.0.0.1");
        m_request.set(http::field::user_agent, "report_burst");
        m_sent_at = Clock::now();
        http::async_write(*m_stream, m_request,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                  return self->reset();
                              }
                              self->read();
                          });
    }

    void read() {
        m_response = {};
        http::async_read(*m_stream, m_buffer, m_response,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) {
                                 return self->reset();
                             }
                             self->settle();
                         });
    }

    void settle() {
        --m_burst.outstanding;
        const double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - m_sent_at).count();
        m_burst.slowest_ms = std::max(m_burst.slowest_ms, ms);
        const auto status = m_response.result_int();
        if (status == 200) {
            ++m_burst.ok;
        } else if (status == 503) {
            ++m_burst.deferred;
            m_burst.queue.push_back(m_ref);
        } else {
            ++m_burst.other;
            std::cerr << "report " << m_ref << ": HTTP " << status << " " << m_response.body()
                      << "\n";
        }
        if (!m_response.keep_alive()) {
            ++m_burst.reconnects;
            return connect();
        }
        next();
    }

    // The connection broke under a report: counted, and the report sent again on a new one.
    void reset() {
        --m_burst.outstanding;
        ++m_burst.resets;
        m_burst.queue.push_back(m_ref);
        connect();
    }

    void retry_later() {
        m_timer.expires_after(std::chrono::milliseconds(200));
        m_timer.async_wait([self = shared_from_this()](beast::error_code) {
            if (!self->m_connected) {
                return self->connect();
            }
            self->next();
        });
    }

    asio::io_context& m_io;
    Burst& m_burst;
    asio::steady_timer m_timer;
    std::optional<beast::tcp_stream> m_stream;
    beast::flat_buffer m_buffer;
    http::request<http::empty_body> m_request;
    http::response<http::string_body> m_response;
    long m_ref = 0;
    bool m_connected = false;
    Clock::time_point m_sent_at;
};

} // namespace

int main(int argc, char** argv) {
    Burst burst;
    long first = 1, last = 20000;
    int connections = 500, max_seconds = 300;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) {
            std::cerr << "report_burst: " << arg << " needs a value\n";
            return 2;
        }
        const std::string value = argv[++i];
        if (arg == "--port")
            burst.port = static_cast<unsigned short>(std::stoi(value));
        else if (arg == "--token")
            burst.token = value;
        else if (arg == "--first")
            first = std::stol(value);
        else if (arg == "--last")
            last = std::stol(value);
        else if (arg == "--type")
            burst.type = value;
        else if (arg == "--connections")
            connections = std::stoi(value);
        else if (arg == "--max-seconds")
            max_seconds = std::stoi(value);
        else {
            std::cerr << "report_burst: unknown option " << arg << "\n";
            return 2;
        }
    }
    for (long ref = first; ref <= last; ++ref) {
        burst.queue.push_back(ref);
    }
    burst.reports = last - first + 1;
    asio::io_context io;
    const auto started = Clock::now();
    for (int c = 0; c < connections; ++c) {
        std::make_shared<Connection>(io, burst)->start();
    }
    asio::steady_timer limit(io, std::chrono::seconds(max_seconds));
    limit.async_wait([&io](beast::error_code) { io.stop(); });
    // Ends when every connection has finished (the limit timer is the last handler left).
    while (io.run_one() > 0 && (burst.ok + burst.other < burst.reports)) {
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::printf("reports %ld ok %ld deferred %ld other %ld resets %ld connect_errors %ld "
                "reconnects %ld seconds %.2f per_second %.0f slowest_ms %.0f\n",
                burst.reports, burst.ok, burst.deferred, burst.other, burst.resets,
                burst.connect_errors, burst.reconnects, seconds, burst.ok / seconds,
                burst.slowest_ms);
    const bool clean = burst.ok == burst.reports && burst.resets == 0 &&
                       burst.connect_errors == 0 && burst.other == 0;
    return clean ? 0 : 1;
}
