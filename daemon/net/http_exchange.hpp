// What a connection (http_connection.cpp) does with a request and an answer that does not
// depend on the stream under it, plain or TLS: the body limit for a request's path, the parsed
// request as the handler sees it, what a read error means, and the head of an answer. Kept
// apart so that the Session template holds only the reading and writing, and so that these
// rules are compiled once rather than once per kind of stream.
#pragma once

#include "net/http_server.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace kibaru::net {

// The largest body `target` may carry: an upload may be large, a sign-in may not.
std::size_t body_limit_for(const ServerLimits& limits, const std::string& target);

// The request as the server's handler takes it; header names lower-cased. Takes the body.
IncomingRequest
incoming_request(boost::beast::http::request<boost::beast::http::string_body>& request,
                 const std::string& peer);

// After a read that failed: nullopt when the connection just ends (the client closed it, it
// idled too long, the server stops), else the answer that refuses the request (413 when over a
// limit, 400 when malformed).
std::optional<Reply> refusal_for(const boost::beast::error_code& ec);

// A header value with CR, LF or NUL would end the header early: a redirect target taken from a
// request must never let the client write headers of its own. A value of 64 KiB or more makes
// Beast throw while the answer is built, outside any handler's try (it stopped `kibaru console`):
// values are kept under k_max_header_value.
inline constexpr std::size_t k_max_header_value = 16 * 1024;
bool header_values_safe(const Reply& reply);

// The answer to write: whole, with its body; to a HEAD, the head with the length the body would
// have; or the head of a body that follows in chunks. `keep`: the connection stays open after.
boost::beast::http::response<boost::beast::http::string_body>
whole_response(Reply reply, unsigned version, bool keep);
boost::beast::http::response<boost::beast::http::empty_body>
head_only_response(const Reply& reply, unsigned version, bool keep);
boost::beast::http::response<boost::beast::http::empty_body>
chunked_response_head(const Reply& head, unsigned version, bool keep);

} // namespace kibaru::net
