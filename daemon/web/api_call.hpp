// One request to the console listener as its handler sees it, once the middleware has found
// its route, its user and checked its rights: the operations' Env (on a worker's own database
// connection, with the user as actor), the request, what the path captured, the query, and
// ways to answer in JSON, as a stream, or with an operation's error.
#pragma once

#include "net/http_server.hpp"
#include "ops/accounts.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"
#include "ops/test_send.hpp"
#include "util/rows.hpp"
#include "web/router.hpp"
#include "web/sessions.hpp"

#include "core/callbacks.hpp"

#include <optional>
#include <string>

namespace kibaru::web {

struct ApiCall {
    ops::Env env;
    const net::IncomingRequest& request;
    Captures captures;
    core::Params query;
    std::optional<ops::Principal> principal;
    net::Responder respond;
    SessionStore& sessions;
    bool secure = false; // served over TLS (the session cookie gets Secure)
    std::string csrf{};  // the session's CSRF token, for the forms of a page
    // The gateways, for the one operation that sends an SMS now (the editor's test send).
    const ops::GatewayAccess* gateways = nullptr;

    // The query parameter, or `fallback` when absent or empty.
    std::string param(const std::string& name, const std::string& fallback = "") const;
};

// {"error": CODE, "message": TEXT, "field": F} with the status for `kind`; 429 says when to
// try again (Retry-After: `retry_after_seconds`, else the lockout's 15 minutes).
net::Reply error_reply(ops::ErrorKind kind, const std::string& message,
                       const std::string& field = "", std::int64_t retry_after_seconds = 0);
net::Reply error_reply(const ops::Error& error);
// 400 for a body or parameter that cannot be read at all.
net::Reply malformed_reply(const std::string& message, const std::string& field = "");
net::Reply json_reply(int status, const util::Json& body);

// The CODE of an error kind ("invalid", "not_found", ...) and its HTTP status.
const char* error_code(ops::ErrorKind kind);
int http_status(ops::ErrorKind kind);

} // namespace kibaru::web
