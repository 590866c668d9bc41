// An std::ostream over a net::BodyStream, so that what writes rows to a stream (util's
// RowWriter: CSV, JSON) can stream an export to an HTTP client: bytes are gathered in 64 KiB
// pieces and handed over; when the client has gone, writing throws ClientGone so that the
// export stops reading the database. stream_reply puts the three together for a route.
#pragma once

#include "net/http_server.hpp"

#include <ios>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>

namespace kibaru::web {

struct ClientGone : std::runtime_error {
    ClientGone() : std::runtime_error("the client closed the connection") {}
};

class BodyStreamBuf final : public std::streambuf {
public:
    explicit BodyStreamBuf(std::shared_ptr<net::BodyStream> body) : m_body(std::move(body)) {
        m_buffer.resize(64 * 1024);
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    }
    // Sends what is buffered and ends the body.
    void finish() {
        flush_buffer();
        m_body->finish();
    }

protected:
    int_type overflow(int_type c) override {
        flush_buffer();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override {
        flush_buffer();
        return 0;
    }

private:
    void flush_buffer() {
        const auto size = static_cast<std::size_t>(pptr() - pbase());
        if (size > 0 && !m_body->write(std::string(pbase(), size))) {
            throw ClientGone();
        }
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    }

    std::shared_ptr<net::BodyStream> m_body;
    std::string m_buffer;
};

// Answers with `head` (status, content type, headers) and streams as the body what `write`
// puts into the std::ostream it is given. A client that goes away stops `write` (ClientGone)
// and ends the reply quietly: there is nobody left to tell.
template <typename Write>
void stream_reply(const net::Responder& respond, net::Reply head, Write&& write) {
    auto body = respond.stream(std::move(head));
    if (!body) {
        return;
    }
    BodyStreamBuf buffer(body);
    std::ostream out(&buffer);
    out.exceptions(std::ios::badbit); // a failed write throws ClientGone out of `write`
    try {
        write(out);
        out.flush();
        buffer.finish();
    } catch (const ClientGone&) {
    }
}

} // namespace kibaru::web
