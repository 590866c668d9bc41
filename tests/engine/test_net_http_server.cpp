// The HTTP server in process, over real loopback sockets: keep-alive and pipelining, answers
// given later, connections past the limit served in turn (never reset), timeouts and stop.
// The server runs on its own io_context thread; the test thread is the client.
#include "loopback_server.hpp"

#include "net/asio.hpp"
#include "net/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

using namespace kibaru::net;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

tcp::socket connect(std::uint16_t port) {
    static asio::io_context client_io;
    tcp::socket socket(client_io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    return socket;
}

void send_raw(tcp::socket& socket, const std::string& bytes) {
    asio::write(socket, asio::buffer(bytes));
}

std::string get_request(const std::string& target, bool close = false) {
    return "GET " + target + " HTTP/1.1\r\nHost: k\r\n" + (close ? "Connection: close\r\n" : "") +
           "\r\n";
}

http::response<http::string_body> read_response(tcp::socket& socket, beast::flat_buffer& buffer) {
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response;
}

// One request on a connection of its own, and its answer.
http::response<http::string_body> answer_to(std::uint16_t port, const std::string& raw) {
    auto socket = connect(port);
    send_raw(socket, raw);
    beast::flat_buffer buffer;
    return read_response(socket, buffer);
}

// Reads until the peer closes: true when it closed cleanly (EOF), false on a reset.
bool closed_cleanly(tcp::socket& socket) {
    char byte;
    beast::error_code ec;
    socket.read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof;
}

HttpServer::Handler echo_path() {
    return [](IncomingRequest& request, Responder respond) {
        respond({200, request.path + " from " + request.peer});
    };
}

} // namespace

TEST(NetHttpServer, pipelined_requests_are_answered_in_order_on_one_connection) {
    Served served(echo_path());
    auto socket = connect(served.port);
    send_raw(socket, get_request("/a") + get_request("/b") + get_request("/c", true));
    beast::flat_buffer buffer;
    EXPECT_EQ(read_response(socket, buffer).body(), "/a from 127.0.0.1");
    EXPECT_EQ(read_response(socket, buffer).body(), "/b from 127.0.0.1");
    const auto last = read_response(socket, buffer);
    EXPECT_EQ(last.body(), "/c from 127.0.0.1");
    EXPECT_FALSE(last.keep_alive()) << "the client asked to close";
    EXPECT_TRUE(closed_cleanly(socket));
}

TEST(NetHttpServer, an_answer_given_after_the_handler_returns_goes_out_then) {
    std::vector<Responder> waiting;
    std::unique_ptr<asio::steady_timer> timer;
    Served* served_ptr = nullptr;
    Served served([&](IncomingRequest&, Responder respond) {
        waiting.push_back(respond);
        timer = std::make_unique<asio::steady_timer>(served_ptr->io, std::chrono::milliseconds(50));
        timer->async_wait([&](beast::error_code) {
            for (auto& r : waiting) {
                r({202, "later", "text/plain", {{"Retry-After", "7"}}});
                r({500, "a second answer is ignored"});
            }
        });
    });
    served_ptr = &served;
    auto socket = connect(served.port);
    send_raw(socket, get_request("/x"));
    beast::flat_buffer buffer;
    const auto response = read_response(socket, buffer);
    EXPECT_EQ(response.result_int(), 202);
    EXPECT_EQ(response.body(), "later");
    EXPECT_EQ(response[http::field::retry_after], "7");
    // What the handler kept dies on the loop, before the server and its io_context.
    served.on_loop([&] {
        timer.reset();
        waiting.clear();
    });
}

TEST(NetHttpServer, a_request_nobody_answers_gets_500_not_silence) {
    Served served([](IncomingRequest&, Responder) {});
    auto socket = connect(served.port);
    send_raw(socket, get_request("/forgotten"));
    beast::flat_buffer buffer;
    EXPECT_EQ(read_response(socket, buffer).result_int(), 500);
}

TEST(NetHttpServer, malformed_and_oversized_requests_are_refused) {
    ServerLimits limits;
    limits.body_bytes = 16;
    Served served(echo_path(), limits);
    auto big = connect(served.port);
    send_raw(big,
             "POST /x HTTP/1.1\r\nHost: k\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'));
    beast::flat_buffer buffer;
    EXPECT_EQ(read_response(big, buffer).result_int(), 413);
    auto garbage = connect(served.port);
    send_raw(garbage, "GARBAGE \x01\x02\r\n\r\n");
    beast::flat_buffer buffer2;
    EXPECT_EQ(read_response(garbage, buffer2).result_int(), 400);
    std::uint64_t rejected = 0;
    served.on_loop([&] { rejected = served.server->rejected(); });
    EXPECT_EQ(rejected, 2u);
}

// Past max_connections nobody is refused: connections wait in the backlog and, while the server
// is full, each answer closes its connection so that the waiting ones get their turn.
TEST(NetHttpServer, connections_past_the_limit_wait_their_turn_and_none_is_reset) {
    ServerLimits limits;
    limits.max_connections = 3;
    std::atomic<std::size_t> most_open{0};
    std::atomic<int> answered{0};
    Served* served_ptr = nullptr;
    Served served(
        [&](IncomingRequest&, Responder respond) {
            most_open = std::max(most_open.load(), served_ptr->server->connections());
            ++answered;
            respond({200, "ok"});
        },
        limits);
    served_ptr = &served;
    constexpr int k_clients = 12;
    constexpr int k_requests = 20;
    std::atomic<int> ok{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < k_clients; ++c) {
        clients.emplace_back([&] {
            try {
                asio::io_context io;
                std::optional<tcp::socket> socket;
                beast::flat_buffer buffer;
                for (int r = 0; r < k_requests; ++r) {
                    if (!socket) {
                        socket.emplace(io);
                        socket->connect({asio::ip::make_address("127.0.0.1"), served.port});
                        buffer.clear();
                    }
                    send_raw(*socket, get_request("/r"));
                    const auto response = read_response(*socket, buffer);
                    ok += response.result_int() == 200;
                    if (!response.keep_alive()) {
                        socket.reset();
                    }
                }
            } catch (const std::exception&) {
                ++failures;
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(failures, 0) << "no connection refused or reset";
    EXPECT_EQ(ok, k_clients * k_requests);
    EXPECT_LE(most_open.load(), 3u);
}

TEST(NetHttpServer, an_idle_connection_is_closed_after_the_idle_timeout) {
    ServerLimits limits;
    limits.idle_timeout = std::chrono::milliseconds(200);
    Served served(echo_path(), limits);
    auto socket = connect(served.port);
    send_raw(socket, get_request("/once"));
    beast::flat_buffer buffer;
    EXPECT_EQ(read_response(socket, buffer).result_int(), 200);
    const auto before = std::chrono::steady_clock::now();
    EXPECT_TRUE(closed_cleanly(socket));
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
}

// Stop closes the connections waiting for a request at once, and still answers the request
// being handled, on a connection that then closes.
TEST(NetHttpServer, stop_closes_idle_connections_and_answers_the_request_in_hand) {
    std::optional<Responder> held;
    Served served([&](IncomingRequest&, Responder respond) { held = respond; });
    auto idle = connect(served.port);
    auto busy = connect(served.port);
    send_raw(busy, get_request("/slow"));
    for (int i = 0; i < 200; ++i) {
        bool got = false;
        served.on_loop([&] { got = held.has_value(); });
        if (got) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    served.on_loop([&] {
        served.server->stop();
        (*held)({200, "done"});
        held.reset();
    });
    EXPECT_TRUE(closed_cleanly(idle));
    beast::flat_buffer buffer;
    const auto response = read_response(busy, buffer);
    EXPECT_EQ(response.body(), "done");
    EXPECT_FALSE(response.keep_alive());
    EXPECT_TRUE(closed_cleanly(busy));
}

// HEAD gets GET's status and headers, with the length the body would have and no body: on a
// kept-alive connection the next answer must not be read from a body that was sent anyway.
TEST(NetHttpServer, head_is_answered_without_a_body_and_the_connection_stays_in_step) {
    Served served(echo_path());
    auto socket = connect(served.port);
    send_raw(socket, "HEAD /a HTTP/1.1\r\nHost: k\r\n\r\n" + get_request("/b", true));
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> head;
    head.skip(true); // what a client does for the answer to HEAD
    http::read(socket, buffer, head);
    EXPECT_EQ(head.get().result_int(), 200);
    EXPECT_EQ(head.get()[http::field::content_length],
              std::to_string(std::string("/a from 127.0.0.1").size()));
    EXPECT_EQ(read_response(socket, buffer).body(), "/b from 127.0.0.1");
}

// Only the paths given a large limit take a large body: a request anywhere else is refused on
// its declared length, before its body is read.
TEST(NetHttpServer, the_body_limit_depends_on_the_path) {
    ServerLimits limits;
    limits.body_bytes = 16;
    limits.body_bytes_for = [](const std::string& path) -> std::size_t {
        return path == "/upload" ? 1000 : 16;
    };
    Served served(
        [](IncomingRequest& request, Responder respond) {
            respond({200, std::to_string(request.body.size())});
        },
        limits);
    auto upload = connect(served.port);
    send_raw(upload, "POST /upload?x=1 HTTP/1.1\r\nHost: k\r\nContent-Length: 500\r\n\r\n" +
                         std::string(500, 'u'));
    beast::flat_buffer buffer;
    const auto accepted = read_response(upload, buffer);
    EXPECT_EQ(accepted.result_int(), 200);
    EXPECT_EQ(accepted.body(), "500");
    auto other = connect(served.port);
    send_raw(other, "POST /login HTTP/1.1\r\nHost: k\r\nContent-Length: 500\r\n\r\n");
    beast::flat_buffer buffer2;
    EXPECT_EQ(read_response(other, buffer2).result_int(), 413);
    auto chunked = connect(served.port);
    send_raw(chunked, "POST /login HTTP/1.1\r\nHost: k\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "1f4\r\n" +
                          std::string(500, 'c') + "\r\n0\r\n\r\n");
    beast::flat_buffer buffer3;
    EXPECT_EQ(read_response(chunked, buffer3).result_int(), 413);
}

// A large body is read only when the handler admits its header: a refusal goes out at once,
// the body never read (the test sends none and still gets its answer), and small requests are
// never asked about.
TEST(NetHttpServer, a_large_body_is_read_only_when_its_header_is_admitted) {
    ServerLimits limits;
    limits.body_bytes = 16;
    limits.body_bytes_for = [](const std::string& path) -> std::size_t {
        return path == "/upload" ? 1000 : 16;
    };
    std::atomic<int> asked{0}; // counted on the server's loop
    limits.before_large_body = [&asked](const IncomingRequest& head) -> std::optional<Reply> {
        ++asked;
        EXPECT_TRUE(head.body.empty());
        if (head.headers.count("authorization") && head.headers.at("authorization") == "ok") {
            return std::nullopt;
        }
        return Reply{401, "sign in first\n"};
    };
    Served served(
        [](IncomingRequest& request, Responder respond) {
            respond({200, std::to_string(request.body.size())});
        },
        limits);
    const auto refused =
        answer_to(served.port, "POST /upload HTTP/1.1\r\nHost: k\r\nContent-Length: 900\r\n\r\n");
    EXPECT_EQ(refused.result_int(), 401);
    EXPECT_FALSE(refused.keep_alive()) << "its unread body must not be taken for a request";
    const auto accepted =
        answer_to(served.port, "POST /upload HTTP/1.1\r\nHost: k\r\n"
                               "Authorization: ok\r\nContent-Length: 900\r\n\r\n" +
                                   std::string(900, 'u'));
    EXPECT_EQ(accepted.result_int(), 200);
    EXPECT_EQ(accepted.body(), "900");
    EXPECT_EQ(
        answer_to(served.port, "POST /login HTTP/1.1\r\nHost: k\r\nContent-Length: 4\r\n\r\nabcd")
            .result_int(),
        200);
    // The upload's own path without a large body: a GET of its page, a small form. Read as any
    // request is, the handler's middleware deciding (a GET's sign-in redirect keeps its page).
    EXPECT_EQ(answer_to(served.port, get_request("/upload")).result_int(), 200);
    EXPECT_EQ(
        answer_to(served.port, "POST /upload HTTP/1.1\r\nHost: k\r\nContent-Length: 4\r\n\r\nabcd")
            .body(),
        "4");
    EXPECT_EQ(asked.load(), 2);
}

// A header value taken from a request (a redirect target) that carries a line break would let
// the client write headers of its own: the server answers 500 instead.
TEST(NetHttpServer, a_header_value_with_a_line_break_is_never_written) {
    Served served([](IncomingRequest&, Responder respond) {
        respond({303, "", "text/plain", {{"Location", "/x\r\nSet-Cookie: stolen=1"}}});
    });
    auto socket = connect(served.port);
    send_raw(socket, get_request("/"));
    beast::flat_buffer buffer;
    const auto response = read_response(socket, buffer);
    EXPECT_EQ(response.result_int(), 500);
    EXPECT_EQ(response.count(http::field::set_cookie), 0u);
    EXPECT_EQ(response.count(http::field::location), 0u);
}

// A header value of 64 KiB made Beast throw while the answer was built, on the loop, outside
// the handler's try: `kibaru console` stopped. Refused as a 500; the server answers on.
TEST(NetHttpServer, an_overlong_header_value_is_refused_and_the_server_lives_on) {
    // Answered from the loop after the handler returned, as the console's workers answer.
    Served* served_ptr = nullptr;
    Served served([&](IncomingRequest& in, Responder respond) {
        const std::string location = in.path == "/long" ? "/" + std::string(70000, 'a') : "/";
        asio::post(served_ptr->io, [respond, location]() mutable {
            respond({303, "", "text/plain", {{"Location", location}}});
        });
    });
    served_ptr = &served;
    const auto response = answer_to(served.port, get_request("/long"));
    EXPECT_EQ(response.result_int(), 500);
    EXPECT_EQ(response.count(http::field::location), 0u);
    EXPECT_EQ(answer_to(served.port, get_request("/short")).result_int(), 303);
}

// A producer streaming to a client that stopped reading waits for room that only the loop can
// make; stop() must wake it (its write returns false), or a shutdown would wait forever.
TEST(NetHttpServer, stop_cuts_short_a_stream_whose_producer_waits_for_room) {
    std::promise<bool> producer_result;
    std::thread producer;
    Served served([&](IncomingRequest&, Responder respond) {
        auto body = respond.stream({200, "", "text/csv"});
        producer = std::thread([body, &producer_result] {
            const std::string chunk(64 * 1024, 'x');
            for (int i = 0; i < 100000; ++i) { // 6 GiB: far more than the socket ever takes
                if (!body->write(chunk)) {
                    producer_result.set_value(false);
                    return;
                }
            }
            producer_result.set_value(true);
        });
    });
    auto socket = connect(served.port);
    send_raw(socket, get_request("/export"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // queue and socket fill up
    auto result = producer_result.get_future();
    EXPECT_EQ(result.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
        << "the producer should be waiting for room";
    served.on_loop([&] { served.server->stop(); });
    ASSERT_EQ(result.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_FALSE(result.get());
    producer.join();
}
