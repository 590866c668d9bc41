// The stream-independent parts of a connection's exchange (http_exchange.hpp).
#include "net/http_exchange.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <cctype>
#include <string_view>

namespace kibaru::net {

namespace http = boost::beast::http;

std::size_t body_limit_for(const ServerLimits& limits, const std::string& target) {
    if (!limits.body_bytes_for) {
        return limits.body_bytes;
    }
    return limits.body_bytes_for(target.substr(0, target.find('?')));
}

IncomingRequest incoming_request(http::request<http::string_body>& request,
                                 const std::string& peer) {
    IncomingRequest in;
    in.method = std::string(request.method_string());
    in.url = std::string(request.target());
    const auto q = in.url.find('?');
    in.path = in.url.substr(0, q);
    in.query = q == std::string::npos ? "" : in.url.substr(q + 1);
    for (const auto& field : request) {
        std::string name(field.name_string());
        for (char& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        in.headers[name] = std::string(field.value());
    }
    in.body = std::move(request.body());
    in.peer = peer;
    return in;
}

std::optional<Reply> refusal_for(const boost::beast::error_code& ec) {
    if (ec == http::error::end_of_stream || ec == boost::beast::error::timeout ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::eof ||
        ec == boost::asio::error::connection_reset) {
        return std::nullopt;
    }
    const bool too_large = ec == http::error::body_limit || ec == http::error::header_limit;
    return Reply{too_large ? 413 : 400, too_large ? "request too large\n" : "malformed request\n"};
}

bool header_values_safe(const Reply& reply) {
    for (const auto& [name, value] : reply.headers) {
        if (value.size() >= k_max_header_value || name.size() >= k_max_header_value ||
            value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos ||
            name.find_first_of(std::string_view("\r\n\0:", 4)) != std::string::npos) {
            return false;
        }
    }
    return true;
}

namespace {

// Status, server, content type and the headers of `reply` onto an answer's head.
template <typename Body>
http::response<Body> response_head(const Reply& reply, unsigned version, bool keep) {
    http::response<Body> response(static_cast<http::status>(reply.status), version);
    response.set(http::field::server, "kibaru");
    response.set(http::field::content_type, reply.content_type);
    for (const auto& [name, value] : reply.headers) {
        response.insert(name, value);
    }
    response.keep_alive(keep);
    return response;
}

} // namespace

http::response<http::string_body> whole_response(Reply reply, unsigned version, bool keep) {
    auto response = response_head<http::string_body>(reply, version, keep);
    response.body() = std::move(reply.body);
    response.prepare_payload();
    return response;
}

http::response<http::empty_body> head_only_response(const Reply& reply, unsigned version,
                                                    bool keep) {
    auto response = response_head<http::empty_body>(reply, version, keep);
    response.content_length(reply.body.size());
    return response;
}

http::response<http::empty_body> chunked_response_head(const Reply& head, unsigned version,
                                                       bool keep) {
    auto response = response_head<http::empty_body>(head, version, keep);
    response.chunked(true);
    return response;
}

} // namespace kibaru::net
