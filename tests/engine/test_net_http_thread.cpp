// The gateways' HTTP thread (net/http_thread.hpp) against a real server on loopback: answers
// come back on the caller's io_context, each to its own request, and keep that io_context
// running while they are awaited; a port dropped with requests in flight never calls back; a
// refused connection is reported as never sent.
#include "loopback_server.hpp"

#include "net/asio.hpp"
#include "net/http_thread.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace kibaru::net;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

kibaru::core::HttpRequest get(std::uint16_t port, const std::string& target) {
    return {"GET", "http://127.0.0.1:" + std::to_string(port) + target, {}, ""};
}

// A server that answers nothing until told to: each request waits in `held`.
struct HoldingServer {
    std::vector<Responder> held; // the server thread's
    std::atomic<int> arrived{0};
    Served served{[this](IncomingRequest&, Responder respond) {
        held.push_back(std::move(respond));
        ++arrived;
    }};

    // Waits (up to 5 s) until `n` requests have arrived; false if they did not.
    bool wait_for(int n) {
        for (int i = 0; i < 500 && arrived < n; ++i) {
            std::this_thread::sleep_for(10ms);
        }
        return arrived == n;
    }
    void answer_all(const std::string& body) {
        served.on_loop([&] {
            for (auto& r : held) {
                r({200, body});
            }
            held.clear();
        });
    }
};

} // namespace

TEST(NetHttpThread, answers_come_back_on_the_callers_loop_each_to_its_request) {
    Served served([](IncomingRequest& request, Responder respond) {
        respond({request.query == "i=7" ? 503 : 200, "answer to " + request.query});
    });
    asio::io_context home;
    HttpThread thread;
    auto port = thread.port(home, 4);
    const auto home_id = std::this_thread::get_id();
    std::map<int, HttpResponse> answers;
    std::vector<std::size_t> in_flight_seen;
    constexpr int n = 200;
    for (int i = 0; i < n; ++i) {
        port->send(get(served.port, "/sendsms?i=" + std::to_string(i)), 5000ms,
                   [&, i](HttpResponse response) {
                       EXPECT_EQ(std::this_thread::get_id(), home_id);
                       in_flight_seen.push_back(port->in_flight());
                       answers[i] = std::move(response);
                   });
    }
    EXPECT_EQ(port->in_flight(), static_cast<std::size_t>(n));
    EXPECT_TRUE(answers.empty()) << "never called back inside send()";
    // Nothing else keeps `home` running: run() returns only because every answer came.
    home.run();
    ASSERT_EQ(answers.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        EXPECT_EQ(answers[i].status, i == 7 ? 503 : 200) << i;
        EXPECT_EQ(answers[i].body, "answer to i=" + std::to_string(i));
        EXPECT_FALSE(answers[i].never_sent);
    }
    // Each answer was counted out of flight before its callback, the last one down to zero.
    EXPECT_EQ(in_flight_seen.back(), 0u);
    EXPECT_EQ(port->in_flight(), 0u);
    // Sending again from a callback works as from outside.
    bool again = false;
    port->send(get(served.port, "/again?i=x"), 5000ms, [&](HttpResponse response) {
        again = response.status == 200;
        port->send(get(served.port, "/again?i=y"), 5000ms,
                   [&](HttpResponse second) { again = again && second.body == "answer to i=y"; });
    });
    home.restart();
    home.run();
    EXPECT_TRUE(again);
}

TEST(NetHttpThread, a_port_dropped_with_requests_in_flight_never_calls_back) {
    HoldingServer server;
    asio::io_context home;
    int called = 0;
    {
        HttpThread thread;
        auto port = thread.port(home, 4);
        for (int i = 0; i < 3; ++i) {
            port->send(get(server.served.port, "/held"), 5000ms, [&](HttpResponse) { ++called; });
        }
        ASSERT_TRUE(server.wait_for(3)) << "the requests reached the server";
        port.reset();
        // Answered now: the answers reach the thread, and are dropped there or on `home`.
        server.answer_all("too late");
        std::this_thread::sleep_for(100ms); // the answers reach the thread, and post to `home`
    } // the thread stops and its clients close (ASan checks nothing is used after)
    home.restart();
    home.run_for(100ms);
    EXPECT_EQ(called, 0);
}

TEST(NetHttpThread, a_refused_connection_comes_back_as_never_sent) {
    std::uint16_t closed_port = 0;
    {
        asio::io_context io;
        asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
        closed_port = acceptor.local_endpoint().port();
    } // closed: nothing listens there now
    asio::io_context home;
    HttpThread thread;
    auto port = thread.port(home, 1);
    HttpResponse answer;
    answer.status = -1;
    port->send(get(closed_port, "/sendsms"), 5000ms,
               [&](HttpResponse response) { answer = std::move(response); });
    home.run();
    EXPECT_EQ(answer.status, 0);
    EXPECT_TRUE(answer.never_sent) << answer.error;
    EXPECT_FALSE(answer.error.empty());
}

// The engine claims more than max_in_flight (engine/lane.hpp, claim_window): the client runs at
// most max_connections requests at once and starts the others as those end, each with its whole
// timeout from its start (a queued request that timed out would be `unknown` without having
// left).
TEST(NetHttpThread, requests_over_the_connection_limit_wait_their_turn_with_their_whole_timeout) {
    std::atomic<int> open{0};
    std::atomic<int> most{0};
    Served* served_ptr = nullptr;
    Served served([&](IncomingRequest&, Responder respond) {
        const int now_open = ++open;
        int seen = most.load();
        while (now_open > seen && !most.compare_exchange_weak(seen, now_open)) {
        }
        auto timer = std::make_shared<asio::steady_timer>(served_ptr->io, 150ms);
        timer->async_wait([&, timer, respond](boost::system::error_code) {
            --open;
            respond({200, "ok"});
        });
    });
    served_ptr = &served;
    asio::io_context home;
    HttpThread thread;
    auto port = thread.port(home, 2);
    int ok = 0;
    std::string errors;
    for (int i = 0; i < 8; ++i) {
        // 8 requests of 150 ms, two at a time: the last starts some 450 ms after it was sent.
        port->send(get(served.port, "/slow"), 400ms, [&](HttpResponse response) {
            if (response.status == 200) {
                ++ok;
            } else {
                errors += response.error + "; ";
            }
        });
    }
    EXPECT_EQ(port->in_flight(), 8u) << "waiting requests count as in flight";
    home.run();
    EXPECT_EQ(ok, 8) << errors;
    EXPECT_EQ(most.load(), 2) << "at most max_connections requests at once";
}

// A lane whose circuit opened hands back what waits for a connection: never sent, at once,
// while the request on the wire goes on.
TEST(NetHttpThread, cancel_waiting_answers_the_queued_requests_as_never_sent) {
    HoldingServer server;
    asio::io_context home;
    HttpThread thread;
    auto port = thread.port(home, 1);
    std::vector<HttpResponse> answers;
    for (int i = 0; i < 3; ++i) {
        port->send(get(server.served.port, "/held"), 5000ms,
                   [&](HttpResponse response) { answers.push_back(std::move(response)); });
    }
    ASSERT_TRUE(server.wait_for(1));
    port->cancel_waiting("not sent: the circuit opened");
    for (int i = 0; i < 100 && answers.size() < 2; ++i) {
        home.run_one_for(100ms);
    }
    ASSERT_EQ(answers.size(), 2u) << "the two waiting were answered at once";
    for (const auto& a : answers) {
        EXPECT_TRUE(a.never_sent);
        EXPECT_EQ(a.error, "not sent: the circuit opened");
    }
    EXPECT_EQ(port->in_flight(), 1u) << "the one on the wire is still out";
    server.answer_all("ok");
    home.run();
    ASSERT_EQ(answers.size(), 3u);
    EXPECT_EQ(answers[2].status, 200);
    EXPECT_EQ(server.arrived, 1) << "the cancelled requests never reached the server";
}

// The engine destroyed past SIGTERM's deadline: the thread stops with one request on the wire
// and two waiting. Nothing calls back, and nothing is leaked (the sanitizer build's leak check
// fails this test otherwise).
TEST(NetHttpThread, a_thread_stopped_with_requests_out_drops_them_cleanly) {
    HoldingServer server;
    asio::io_context home;
    int called = 0;
    {
        auto thread = std::make_unique<HttpThread>();
        auto port = thread->port(home, 1);
        for (int i = 0; i < 3; ++i) {
            port->send(get(server.served.port, "/held"), 5000ms, [&](HttpResponse) { ++called; });
        }
        ASSERT_TRUE(server.wait_for(1));
        thread.reset(); // the port, destroyed after it, is not used meanwhile
    }
    server.answer_all("too late");
    home.restart();
    home.run_for(100ms);
    EXPECT_EQ(called, 0);
}
