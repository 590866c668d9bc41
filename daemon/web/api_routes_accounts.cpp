// The JSON API's accounts: signing in and out (the session cookie) and, for admins, the users.
#include "web/api_handlers.hpp"

#include "ops/accounts.hpp"
#include "web/api_route_helpers.hpp"
#include "web/api_routes.hpp"

namespace kibaru::web::api {

namespace {

std::string session_cookie(const std::string& value, bool secure, bool clear) {
    return std::string(k_session_cookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" +
           (secure ? "; Secure" : "") + (clear ? "; Max-Age=0" : "");
}

} // namespace

// --- session --------------------------------------------------------------------------------

void login(ApiCall& call) {
    auto body = json_body(call);
    if (!body) {
        return;
    }
    const auto name = text_field(call, *body, "name", true);
    if (!name) {
        return;
    }
    const auto password = text_field(call, *body, "password", true);
    if (!password) {
        return;
    }
    // Slow on purpose (Argon2id): this runs on a worker thread, never on the daemon's loop.
    auto login = call.sessions.log_in(call.env, *name, *password, call.request.peer);
    if (failed(call, login)) {
        return;
    }
    auto reply = json_reply(200, {{"name", login->principal.name},
                                  {"role", ops::role_name(login->principal.role)},
                                  {"csrf_token", login->csrf_token}});
    reply.headers.emplace_back("Set-Cookie",
                               session_cookie(login->session_token, call.secure, false));
    call.respond(std::move(reply));
}

void logout(ApiCall& call) {
    call.sessions.log_out(call.env, *call.principal);
    auto reply = json_reply(200, {{"signed_out", true}});
    reply.headers.emplace_back("Set-Cookie", session_cookie("", call.secure, true));
    call.respond(std::move(reply));
}

// --- users ---------------------------------------------------------------------------------------

void list_users(ApiCall& call) {
    auto users = ops::list_users(call.env);
    if (failed(call, users)) {
        return;
    }
    call.respond(json_reply(200, rows_json(ops::user_columns(), *users, ops::user_cells)));
}

void add_user(ApiCall& call) {
    auto body = json_body(call);
    if (!body) {
        return;
    }
    const auto name = text_field(call, *body, "name", true);
    const auto role = name ? text_field(call, *body, "role", true) : std::nullopt;
    const auto password = role ? text_field(call, *body, "password", true) : std::nullopt;
    if (!password) {
        return;
    }
    auto user = ops::add_user(call.env, *name, *role, *password);
    if (failed(call, user)) {
        return;
    }
    call.respond(json_reply(201, {{"name", user->name},
                                  {"role", user->role},
                                  {"status", user->status},
                                  {"created_at", user->created_at}}));
}

void user_status(ApiCall& call, const std::string& status) {
    const auto& name = call.captures.at("name");
    if (failed(call, ops::set_user_status(call.env, name, status))) {
        return;
    }
    call.respond(json_reply(200, {{"name", name}, {"status", status}}));
}

void user_password(ApiCall& call) {
    auto body = json_body(call);
    if (!body) {
        return;
    }
    const auto password = text_field(call, *body, "password", true);
    if (!password) {
        return;
    }
    const auto& name = call.captures.at("name");
    if (failed(call, ops::change_password(call.env, name, *password))) {
        return;
    }
    call.respond(json_reply(200, {{"name", name}, {"password_changed", true}}));
}

} // namespace kibaru::web::api
