#include "web/console.hpp"

#include <nlohmann/json.hpp>

#include "core/gateway.hpp"
#include "ops/accounts.hpp"
#include "ops/secrets.hpp"
#include "store/sqlite.hpp"
#include "web/api_routes.hpp"
#include "web/assets.hpp"
#include "web/multipart.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"
#include "web/sessions.hpp"
#include "web/workers.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace kibaru::web {

std::string origin_of(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) {
        return "";
    }
    const auto end = url.find('/', scheme + 3);
    std::string origin = url.substr(0, end);
    for (char& c : origin) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto ends_with = [&](std::string_view tail) {
        return origin.size() > tail.size() &&
               origin.compare(origin.size() - tail.size(), tail.size(), tail) == 0;
    };
    if ((origin.rfind("http://", 0) == 0 && ends_with(":80")) ||
        (origin.rfind("https://", 0) == 0 && ends_with(":443"))) {
        origin.erase(origin.rfind(':'));
    }
    return origin;
}

std::string cookie_value(const std::string& header, const std::string& name) {
    std::size_t at = 0;
    while (at < header.size()) {
        const auto end = header.find(';', at);
        std::string pair =
            header.substr(at, end == std::string::npos ? std::string::npos : end - at);
        const auto first = pair.find_first_not_of(' ');
        pair = first == std::string::npos ? "" : pair.substr(first);
        const auto eq = pair.find('=');
        if (eq != std::string::npos && pair.substr(0, eq) == name) {
            return pair.substr(eq + 1);
        }
        if (end == std::string::npos) {
            break;
        }
        at = end + 1;
    }
    return "";
}

namespace {

bool changes_state(const std::string& method) {
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string header(const net::IncomingRequest& request, const std::string& name) {
    const auto it = request.headers.find(name);
    return it == request.headers.end() ? "" : it->second;
}

// What a request presents to say who sends it: an API token, else a session cookie's token.
struct Credentials {
    std::optional<std::string> api_token;
    std::string session_token;
};

Credentials credentials_of(const net::IncomingRequest& request) {
    const auto authorization = header(request, "authorization");
    if (authorization.rfind("Bearer ", 0) == 0) {
        return {authorization.substr(7), ""};
    }
    return {std::nullopt, cookie_value(header(request, "cookie"), k_session_cookie)};
}

// 503 with Retry-After: the database cannot answer now.
net::Reply unavailable_reply(const std::string& message) {
    auto reply = json_reply(503, {{"error", "unavailable"}, {"message", message}});
    reply.headers.emplace_back("Retry-After", "5");
    return reply;
}

std::string role_refusal(ops::Role role) {
    return "the " + std::string(ops::role_name(role)) + " role may not do this";
}

} // namespace

struct ConsoleHandler::Impl {
    ConsoleOptions options;
    std::string origin;
    Router<ApiHandler> router;
    std::unique_ptr<SessionStore> sessions;
    Workers workers;

    explicit Impl(ConsoleOptions options_)
        : options(std::move(options_)), origin(origin_of(options.config->console.public_url)),
          sessions(options.read_only ? memory_sessions() : database_sessions()),
          workers(WorkerOptions{options.database_path, options.config->database.busy_timeout_ms,
                                options.read_only, options.threads,
                                options.config->database.synchronous}) {
        add_api_routes(router);
        pages::add_page_routes(router);
    }

    // An embedded asset (stylesheet, script): no sign-in, cached for a year (hashed names).
    bool serve_asset(const net::IncomingRequest& request, const net::Responder& respond) {
        if (request.path.rfind("/assets/", 0) != 0 || request.method != "GET") {
            return false;
        }
        const auto* asset = find_asset(request.path);
        if (!asset) {
            respond({404, "no such asset\n"});
            return true;
        }
        const auto accepts = header(request, "accept-encoding");
        const bool gzipped = accepts.find("gzip") != std::string::npos;
        net::Reply reply{200, gzipped ? asset->gzipped : std::string(asset->bytes),
                         asset->content_type};
        reply.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
        reply.headers.emplace_back("Vary", "Accept-Encoding");
        if (gzipped) {
            reply.headers.emplace_back("Content-Encoding", "gzip");
        }
        respond(std::move(reply));
        return true;
    }

    // A refusal in the form the route's client reads: JSON for the API, a page for a browser
    // (a request that needs a sign-in is sent to the sign-in page).
    // `message` for the API (English, as every API message); a page says it in the reader's
    // language: `page_key` from the catalogue, then `page_detail`, when a key is given.
    void refuse(ApiCall& call, bool page, ops::ErrorKind kind, const std::string& message,
                const std::string& page_key = "", const std::string& page_detail = "") {
        if (!page) {
            return call.respond(error_reply(kind, message));
        }
        if (kind == ops::ErrorKind::unauthorized) {
            // Back to the page after sign-in, unless its address is too long to carry.
            const bool back = call.request.method == "GET" && call.request.url.size() <= 2048;
            return pages::redirect(
                call,
                "/login?next=" + core::url_encode(back ? call.request.url : std::string("/")));
        }
        const auto page_view = pages::make_page(call);
        pages::error_page(page_view, http_status(kind),
                          page_key.empty() ? message
                                           : page_view.t(page_key) +
                                                 (page_detail.empty() ? "" : " " + page_detail));
    }

    // Loop thread (ConsoleHandler::refuse_file). Checked on a read-only connection of its own,
    // opened for the check: nothing is written from the loop (a token's or session's use is
    // recorded by the worker that serves the request, which checks again), and an import is
    // rare enough for the cost of opening it.
    std::optional<net::Reply> refuse_file(const net::IncomingRequest& head) {
        const bool api = head.path.rfind("/api/", 0) == 0;
        if (options.read_only) {
            return error_reply(ops::ErrorKind::forbidden,
                               "this console is read-only: nothing can be imported");
        }
        std::optional<ops::Principal> principal;
        try {
            // A short wait: this runs on the loop, which every other request waits behind.
            auto db = store::Database::open_read_only(
                options.database_path, std::min(options.config->database.busy_timeout_ms, 250));
            const ops::Env env{*db, *options.config, ops::Actor{"", ops::Role::auditor},
                               options.clock()};
            const auto presented = credentials_of(head);
            principal =
                presented.api_token
                    ? ops::token_principal(env, *presented.api_token)
                    : ops::session_principal(env, presented.session_token,
                                             options.config->console.session_idle_minutes, false);
        } catch (const std::exception& e) {
            spdlog::error("{} {}: who sends this file could not be checked: {}", head.method,
                          head.path, e.what());
            return unavailable_reply("the database cannot be read now; try again shortly");
        }
        if (!principal) {
            if (api) {
                return error_reply(ops::ErrorKind::unauthorized,
                                   "sign in first (your session may have expired)");
            }
            net::Reply to_sign_in{303, ""};
            to_sign_in.headers.emplace_back("Location", "/login?next=%2F");
            return to_sign_in;
        }
        const auto match = router.find(head.method, head.path);
        if (match.route && !permits(match.route->access, principal->role)) {
            return error_reply(ops::ErrorKind::forbidden, role_refusal(principal->role));
        }
        return std::nullopt;
    }

    // Worker thread: the middleware, then the route's handler.
    void serve(store::Database& db, const net::IncomingRequest& request,
               const net::Responder& respond) {
        if (serve_asset(request, respond)) {
            return;
        }
        ops::Env env{db, *options.config, ops::Actor{"", ops::Role::auditor}, options.clock()};
        const auto match = router.find(request.method, request.path);
        const bool api = request.path.rfind("/api/", 0) == 0;
        ApiCall call{env,          request, match.captures, core::parse_params(request.query),
                     std::nullopt, respond, *sessions,      options.secure};
        call.gateways = &options.gateways;
        if (!match.route) {
            if (match.path_known) {
                // Under /api/, JSON like every other API error.
                net::Reply reply =
                    api ? json_reply(405, {{"error", "method_not_allowed"},
                                           {"message", request.method + " is not allowed on " +
                                                           request.path +
                                                           " (allowed: " + match.allow + ")"}})
                        : net::Reply{405, "method not allowed\n"};
                reply.headers.emplace_back("Allow", match.allow);
                return respond(std::move(reply));
            }
            return refuse(call, !api, ops::ErrorKind::not_found,
                          "no such page or API endpoint: " + request.path, "error.no_page",
                          request.path);
        }
        const auto& route = *match.route;
        // Authentication writes too (a session's last use): a busy database is a 503 there also.
        try {
            serve_route(call, route);
        } catch (const store::StoreError& e) {
            spdlog::error("{} {} failed: {}", request.method, request.path, e.what());
            if (store::is_storage_failure(e.code())) {
                return respond(unavailable_reply(
                    "the database is busy or cannot be written now; try again shortly"));
            }
            respond(json_reply(500, {{"error", "internal"}, {"message", e.what()}}));
        }
    }

    // Who is asking, whether they may, then the route's handler.
    void serve_route(ApiCall& call, const Route<ApiHandler>& route) {
        const auto& request = call.request;
        const auto& respond = call.respond;
        auto& env = call.env;
        // Who is asking: an API token, else the session cookie.
        const auto presented = credentials_of(request);
        const auto& session_token = presented.session_token;
        if (presented.api_token) {
            call.principal = ops::token_principal(env, *presented.api_token);
            if (!call.principal) {
                return respond(error_reply(ops::ErrorKind::unauthorized,
                                           "this API token is not valid (revoked?)"));
            }
        } else {
            call.principal = sessions->principal(env, session_token,
                                                 options.config->console.session_idle_minutes);
            if (call.principal) {
                call.csrf = ops::csrf_token_for(session_token);
            }
        }
        if (route.access != Access::anyone) {
            if (!call.principal) {
                return refuse(call, route.page, ops::ErrorKind::unauthorized,
                              "sign in first (your session may have expired)");
            }
            if (!permits(route.access, call.principal->role)) {
                return refuse(call, route.page, ops::ErrorKind::forbidden,
                              role_refusal(call.principal->role), "error.role");
            }
        }
        if (call.principal) {
            call.env.actor = ops::Actor{call.principal->name, call.principal->role};
        }
        if (changes_state(request.method)) {
            // Before a session exists (or for the language, harmless): the origin check alone.
            // Signing out (DELETE /api/v1/session) is a change like any other: token needed.
            const bool login = (route.pattern == "/api/v1/session" && request.method == "POST") ||
                               route.pattern == "/login" || route.pattern == "/language";
            // What a read-only console still does: sign in and out, verify the audit log.
            const bool reads = login || route.pattern == "/api/v1/session" ||
                               route.pattern == "/api/v1/audit/verify" ||
                               route.pattern == "/audit/verify" || route.pattern == "/logout";
            if (options.read_only && !reads) {
                return refuse(call, route.page, ops::ErrorKind::forbidden,
                              "this console is read-only: nothing can be changed",
                              "error.read_only");
            }
            if (auto refusal = csrf_refusal(request, call, session_token, login)) {
                spdlog::warn("refused {} {} from {}: {}", request.method, request.path,
                             request.peer, *refusal);
                return refuse(call, route.page, ops::ErrorKind::forbidden, *refusal, "error.csrf");
            }
        }
        route.handler(call);
    }

    // Why a state-changing request is refused as a possible cross-site forgery, or nothing.
    // API tokens are not sent by browsers on their own, so requests bearing one need no check.
    std::optional<std::string> csrf_refusal(const net::IncomingRequest& request,
                                            const ApiCall& call, const std::string& session_token,
                                            bool login) {
        if (call.principal && call.principal->token_id != 0) {
            return std::nullopt;
        }
        const auto request_origin = header(request, "origin");
        const auto fetch_site = header(request, "sec-fetch-site");
        // Our origin is [console] public_url's, or the host the browser asked for (Host, which
        // a page of another site cannot set): the console answers on whatever address it was
        // given with --listen without a public_url to match.
        const auto sent = origin_of(request_origin + "/");
        const auto host = header(request, "host");
        const auto asked = origin_of((options.secure ? "https://" : "http://") + host + "/");
        if (!request_origin.empty() && sent != origin && (host.empty() || sent != asked)) {
            return "the request comes from another site (" + request_origin + ")";
        }
        if (login) {
            return std::nullopt; // no session yet: an origin that is not ours is enough to refuse
        }
        if (request_origin.empty() && fetch_site != "same-origin") {
            return std::string("the request does not say it comes from the console (no Origin)");
        }
        auto presented = header(request, "x-csrf-token");
        if (presented.empty()) {
            // A form's hidden field, in either encoding a browser sends forms in.
            const auto type = header(request, "content-type");
            if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
                presented = core::parse_params(request.body)["csrf_token"];
            } else if (const auto parts = parse_multipart(type, request.body);
                       parts && parts->count("csrf_token")) {
                presented = parts->at("csrf_token").content;
            }
        }
        if (session_token.empty() || presented.empty() ||
            !core::constant_time_equal(presented, ops::csrf_token_for(session_token))) {
            return std::string("the CSRF token is missing or wrong; sign in again");
        }
        return std::nullopt;
    }
};

ConsoleHandler::ConsoleHandler(ConsoleOptions options)
    : m_impl(std::make_unique<Impl>(std::move(options))) {}

ConsoleHandler::~ConsoleHandler() = default;

std::optional<net::Reply> ConsoleHandler::refuse_file(const net::IncomingRequest& head) {
    return m_impl->refuse_file(head);
}

void ConsoleHandler::operator()(net::IncomingRequest& request, net::Responder respond) {
    auto shared = std::make_shared<net::IncomingRequest>(std::move(request));
    m_impl->workers.submit([impl = m_impl.get(), shared, respond](store::Database& db) {
        impl->serve(db, *shared, respond);
    });
}

} // namespace kibaru::web
