// The JSON API's routes (SPEC.md "Accounts, the JSON API and the web console"): one table of
// method, path, access and handler. Each handler translates JSON and query parameters into an
// operation's arguments and its result into JSON with the CLI's --format json keys.
#pragma once

#include "web/api_call.hpp"
#include "web/router.hpp"

#include <functional>

namespace kibaru::web {

using ApiHandler = std::function<void(ApiCall&)>;

void add_api_routes(Router<ApiHandler>& router);

// The session cookie's name.
inline constexpr const char* k_session_cookie = "kibaru_session";

} // namespace kibaru::web
