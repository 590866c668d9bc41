// What answers on the console listener ([console] listen): the JSON API under /api/v1 (and,
// with the web console, its pages). Every request runs on a worker thread with its own database
// connection (web/workers.hpp), never on the daemon's loop. Before its handler runs, the
// middleware finds its route (404, 405), its user by session cookie or API token (401), checks
// the user's role against the route (403), and for a change made with a session cookie checks
// that it comes from the console's own origin with the session's CSRF token (403); a read-only
// console refuses every change (403). Errors are JSON: {"error", "message", "field"}.
#pragma once

#include "core/config.hpp"
#include "core/time.hpp"
#include "net/http_server.hpp"
#include "ops/test_send.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace kibaru::web {

struct ConsoleOptions {
    const core::Config* config = nullptr;
    std::string database_path;
    bool read_only = false; // an auditor's copy: every change answers 403
    bool secure = false;    // served over TLS (cookies get Secure)
    std::function<core::Instant()> clock;
    int threads = 2;
    ops::GatewayAccess gateways; // for the message editor's test send
};

class ConsoleHandler {
public:
    // Opens the workers' connections (throws store::StoreError when it cannot).
    explicit ConsoleHandler(ConsoleOptions options);
    ~ConsoleHandler();
    ConsoleHandler(const ConsoleHandler&) = delete;
    ConsoleHandler& operator=(const ConsoleHandler&) = delete;

    // Loop thread: hands the request to a worker, which answers through `respond`.
    void operator()(net::IncomingRequest& request, net::Responder respond);

    // Loop thread, on the header of a request that may carry a file (an import), before its
    // body is read (net::ServerLimits::before_large_body): 401 (a page: to the sign-in page)
    // unless it comes from a session or API token that may use the route, 403 when its role may
    // not or the console is read-only; nothing when the file may come.
    std::optional<net::Reply> refuse_file(const net::IncomingRequest& head);

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

// The origin ("http://host:port") of a URL, lower-cased and without the scheme's default port
// ("https://kibaru.example:443/x" -> "https://kibaru.example"), for the CSRF check.
std::string origin_of(const std::string& url);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string cookie_value(const std::string& header, const std::string& name);

} // namespace kibaru::web
