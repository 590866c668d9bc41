// The routes of the console listener as one table: method, path pattern ("/api/v1/campaigns/
// {id}/pause"), who may call it, and its handler. Matching is exact segment by segment; a
// `{name}` segment captures one segment (percent-decoded). Pure lookup, no I/O.
#pragma once

#include "ops/accounts.hpp"
#include "ops/env.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::web {

enum class Access {
    anyone,    // no sign-in needed (sign-in itself, the login page)
    signed_in, // any role: auditor, staff or admin
    staff,     // staff or admin
    admin,
};

// Whether `role` may use a route of `access` (anyone and signed_in: every role).
bool permits(Access access, ops::Role role);

using Captures = std::map<std::string, std::string>;

template <typename Handler>
struct Route {
    std::string method; // GET, POST, PUT, DELETE
    std::string pattern;
    Access access;
    Handler handler;
    bool page = false; // an HTML page: sign-in and errors as pages, not JSON
};

// Splits "/a/b/c" into {"a", "b", "c"}.
std::vector<std::string> path_segments(const std::string& path);

// Whether `pattern` matches `path`; fills `captures` when it does.
bool match_pattern(const std::string& pattern, const std::string& path, Captures& captures);

template <typename Handler>
class Router {
public:
    void add(Route<Handler> route) { m_routes.push_back(std::move(route)); }

    struct Match {
        const Route<Handler>* route = nullptr; // null: no route for this path and method
        bool path_known = false;               // some route has this path (405 rather than 404)
        std::string allow;                     // its methods ("GET, HEAD, POST"), for a 405
        Captures captures;
    };

    Match find(const std::string& method, const std::string& path) const {
        Match match;
        for (const auto& route : m_routes) {
            Captures captures;
            if (!match_pattern(route.pattern, path, captures)) {
                continue;
            }
            match.path_known = true;
            if (route.method == method || (method == "HEAD" && route.method == "GET")) {
                match.route = &route;
                match.captures = std::move(captures);
                return match;
            }
            match.allow += (match.allow.empty() ? "" : ", ") + route.method +
                           (route.method == "GET" ? ", HEAD" : "");
        }
        return match;
    }

    const std::vector<Route<Handler>>& routes() const { return m_routes; }

private:
    std::vector<Route<Handler>> m_routes;
};

} // namespace kibaru::web
