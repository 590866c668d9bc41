// A gateway for engine tests that run the lanes in process (net/http_port.hpp): it answers
// every request with one scripted answer, later on the io_context as libcurl would, and keeps
// the phones it was asked to send to.
#pragma once

#include "net/asio.hpp"
#include "net/http_port.hpp"

#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace kibaru::test {

class ScriptedGateway final : public net::HttpPort {
public:
    // `asked` receives each request's `to=` (URL-encoded) as it leaves; `on_request`, when
    // given, runs then (before it is answered), with the number of requests so far. At most
    // `connections` requests are out at once, as net::HttpClient runs them: the others wait,
    // in order, until one is answered or cancel_waiting() answers them as never sent.
    ScriptedGateway(boost::asio::io_context& io, net::HttpResponse answer,
                    std::vector<std::string>& asked,
                    std::function<void(std::size_t)> on_request = {},
                    std::size_t connections = std::numeric_limits<std::size_t>::max())
        : m_io(io), m_answer(std::move(answer)), m_asked(asked),
          m_on_request(std::move(on_request)), m_connections(connections) {}

    void send(core::HttpRequest request, std::chrono::milliseconds,
              std::function<void(net::HttpResponse)> done) override {
        const auto to = request.url.find("to=");
        ++m_in_flight;
        m_waiting.push_back(
            {request.url.substr(to + 3, request.url.find('&', to) - to - 3), std::move(done)});
        start_waiting();
    }
    std::size_t in_flight() const override { return m_in_flight; }
    void cancel_waiting(const std::string& why) override {
        auto waiting = std::move(m_waiting);
        m_waiting.clear();
        for (auto& w : waiting) {
            net::HttpResponse never;
            never.error = why;
            never.never_sent = true;
            boost::asio::post(m_io, [this, done = std::move(w.done), never] {
                --m_in_flight;
                done(never);
            });
        }
    }

private:
    struct Waiting {
        std::string to;
        std::function<void(net::HttpResponse)> done;
    };
    void start_waiting() {
        while (m_started < m_connections && !m_waiting.empty()) {
            auto w = std::move(m_waiting.front());
            m_waiting.pop_front();
            m_asked.push_back(w.to);
            if (m_on_request) {
                m_on_request(m_asked.size());
            }
            ++m_started;
            boost::asio::post(m_io, [this, done = std::move(w.done)] {
                --m_in_flight;
                --m_started;
                start_waiting();
                done(m_answer);
            });
        }
    }

    boost::asio::io_context& m_io;
    net::HttpResponse m_answer;
    std::vector<std::string>& m_asked;
    std::function<void(std::size_t)> m_on_request;
    std::size_t m_connections;
    std::size_t m_in_flight = 0;
    std::size_t m_started = 0;
    std::deque<Waiting> m_waiting;
};

// A gateway's answer: `status` 0 is no HTTP answer (timed out, or never sent at all).
inline net::HttpResponse answer(int status, std::string body, bool never_sent = false) {
    net::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.never_sent = never_sent;
    r.error = status == 0 ? "timed out" : "";
    return r;
}

} // namespace kibaru::test
