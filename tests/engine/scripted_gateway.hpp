// A gateway for engine tests that run the lanes in process (net/http_port.hpp): it answers
// every request with one scripted answer, later on the io_context as libcurl would, and keeps
// the phones it was asked to send to.
#pragma once

#include "net/asio.hpp"
#include "net/http_port.hpp"

#include <functional>
#include <string>
#include <vector>

namespace kibaru::test {

class ScriptedGateway final : public net::HttpPort {
public:
    // `asked` receives each request's `to=` (URL-encoded); `on_request`, when given, runs as a
    // request is made (before it is answered), with the number of requests so far.
    ScriptedGateway(boost::asio::io_context& io, net::HttpResponse answer,
                    std::vector<std::string>& asked,
                    std::function<void(std::size_t)> on_request = {})
        : m_io(io), m_answer(std::move(answer)), m_asked(asked),
          m_on_request(std::move(on_request)) {}

    void send(const core::HttpRequest& request, std::chrono::milliseconds,
              std::function<void(net::HttpResponse)> done) override {
        const auto to = request.url.find("to=");
        m_asked.push_back(request.url.substr(to + 3, request.url.find('&', to) - to - 3));
        if (m_on_request) {
            m_on_request(m_asked.size());
        }
        ++m_in_flight;
        boost::asio::post(m_io, [this, done = std::move(done)] {
            --m_in_flight;
            done(m_answer);
        });
    }
    std::size_t in_flight() const override { return m_in_flight; }

private:
    boost::asio::io_context& m_io;
    net::HttpResponse m_answer;
    std::vector<std::string>& m_asked;
    std::function<void(std::size_t)> m_on_request;
    std::size_t m_in_flight = 0;
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
