// Sign-in (and, on a database with no account, the one command that makes the first admin),
// sign-out and the language switch.
#include "ops/accounts.hpp"
#include "store/sqlite.hpp"
#include "store/users_repo.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"

namespace kibaru::web::pages {

using html::tag;
using html::text;

namespace {

void render_sign_in(const Page& page, int status, const std::string& name,
                    const std::vector<FieldError>& errors) {
    Html body;
    if (store::UsersRepo(page.call.env.db).count() == 0) {
        body +=
            tag("div", {{"class", "warning"}},
                tag("p", {}, text(page.t("signin.no_account"))) +
                    tag("pre", {{"class", "mono"}}, text("kibaru users add NAME --role admin")));
    }
    const std::string next = local_target(page.call.param("next", page.form("next")));
    body +=
        post_form(page, "/login",
                  html::void_tag("input", {{"type", "hidden"}, {"name", "next"}, {"value", next}}) +
                      field("name", page.t("signin.name"), name, errors, "text", "",
                            {{"autocomplete", "username"}, {"required", "required"}}) +
                      field("password", page.t("signin.password"), "", errors, "password", "",
                            {{"autocomplete", "current-password"}, {"required", "required"}}),
                  page.t("signin.submit"));
    send_page(page, status, layout(page, page.t("signin.title"), body, "", errors));
}

} // namespace

void sign_in_form(ApiCall& call) {
    const auto page = make_page(call);
    if (call.principal) {
        return redirect(call, "/");
    }
    render_sign_in(page, 200, "", {});
}

void sign_in(ApiCall& call) {
    const auto page = make_page(call);
    const std::string name = page.form("name");
    auto login = call.sessions.log_in(call.env, name, page.form("password"), call.request.peer);
    if (!login) {
        const bool locked = login.error().kind == ops::ErrorKind::too_many;
        return render_sign_in(page, locked ? 429 : 401, name,
                              {{"password", page.t(locked ? "signin.locked" : "signin.wrong")}});
    }
    net::Reply reply{303, "", "text/plain; charset=utf-8"};
    reply.headers.emplace_back("Location", local_target(page.form("next")));
    reply.headers.emplace_back(
        "Set-Cookie", std::string(k_session_cookie) + "=" + login->session_token +
                          "; Path=/; HttpOnly; SameSite=Strict" + (call.secure ? "; Secure" : ""));
    call.respond(std::move(reply));
}

void sign_out(ApiCall& call) {
    if (call.principal) {
        call.sessions.log_out(call.env, *call.principal);
    }
    net::Reply reply{303, "", "text/plain; charset=utf-8"};
    reply.headers.emplace_back("Location", "/login");
    reply.headers.emplace_back("Set-Cookie", std::string(k_session_cookie) +
                                                 "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                                 (call.secure ? "; Secure" : ""));
    call.respond(std::move(reply));
}

// Remembered with the account when signed in (a read-only console cannot write it: the
// cookie then carries it), in a cookie otherwise.
void switch_language(ApiCall& call) {
    const auto page = make_page(call);
    const auto lang = parse_lang(page.form("lang"));
    if (call.principal && !call.env.db.read_only()) {
        (void)ops::set_user_language(call.env, std::string(lang_code(lang)));
    }
    net::Reply reply{303, "", "text/plain; charset=utf-8"};
    reply.headers.emplace_back("Location", local_target(page.form("back")));
    reply.headers.emplace_back("Set-Cookie", "kibaru_lang=" + std::string(lang_code(lang)) +
                                                 "; Path=/; SameSite=Strict; Max-Age=31536000");
    call.respond(std::move(reply));
}

} // namespace kibaru::web::pages
