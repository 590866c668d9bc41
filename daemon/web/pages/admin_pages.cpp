// The audit page (verify the log, with its result in words; export it) and the users page
// (admin: add, disable and enable, reset a password, API tokens).
#include "ops/accounts.hpp"
#include "ops/admin.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"

namespace kibaru::web::pages {

using html::tag;
using html::text;

namespace {

// The checkpoints texted to the witnesses, newest first, and whether each reached its witness:
// one the gateway never delivered is a checkpoint nobody outside holds.
Html checkpoints_sent_table(const Page& page) {
    const auto sent = ops::checkpoints_sent(page.call.env);
    Html out = tag("h3", {}, text(page.t("audit.sent")));
    if (sent.empty()) {
        return out + tag("p", {}, text(page.t("audit.sent_none")));
    }
    Html head;
    for (const char* key : {"audit.sent_at", "audit.witness", "audit.sent_text", "audit.state"}) {
        head += tag("th", {{"scope", "col"}}, text(page.t(key)));
    }
    Html rows;
    for (const auto& c : sent) {
        using S = core::DeliveryState;
        const auto state = std::string(core::to_string(c.state));
        const auto* tone = c.state == S::delivered                         ? "ok"
                           : c.state == S::failed || c.state == S::unknown ? "bad"
                                                                           : "idle";
        rows += tag("tr", {},
                    tag("td", {}, text(c.created_at)) + tag("td", {}, text(c.phone)) +
                        tag("td", {}, tag("code", {}, text(c.text))) +
                        tag("td", {},
                            badge(page.t("audit.sent_" + state), tone) + text(" " + c.updated_at)));
    }
    return out + tag("table", {{"class", "checkpoints"}},
                     tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, rows));
}

void render_audit(const Page& page, const std::optional<store::AuditVerdict>& verdict) {
    Html body = tag("p", {}, text(page.t("audit.explain")));
    Html notice;
    if (verdict) {
        if (verdict->ok()) {
            notice =
                badge(page.t("audit.intact"), "ok") +
                text(" " + number(verdict->checked, page.lang) + " " + page.t("audit.entries") +
                     ", " + number(verdict->events_checked, page.lang) + " " +
                     page.t("audit.events") + ", " +
                     number(verdict->deliveries_checked, page.lang) + " " +
                     page.t("audit.deliveries"));
        } else {
            // A delivery's problem (broken_seq 0) is in no entry of its own.
            notice = badge(page.t("audit.broken"), "bad") +
                     text(verdict->broken_seq > 0
                              ? " " + page.t("audit.at_entry") + " " +
                                    std::to_string(verdict->broken_seq) + ": " + verdict->problem
                              : " " + verdict->problem);
        }
    }
    body += post_form(page, "/audit/verify", {}, page.t("audit.verify"));
    // The head as a witness keeps it: copied out of the server, it catches a rewritten log.
    const auto checkpoint = ops::audit_checkpoint(page.call.env);
    body += tag("h2", {}, text(page.t("audit.checkpoint")));
    body += tag("p", {}, text(page.t("audit.checkpoint_explain")));
    body += tag("p", {},
                tag("code", {{"class", "checkpoint"}}, text(core::checkpoint_text(checkpoint))) +
                    text(" (" + checkpoint.at + ")"));
    body += checkpoints_sent_table(page);
    body += tag("h2", {}, text(page.t("audit.export")));
    body += tag("ul", {},
                tag("li", {},
                    tag("a", {{"href", "/api/v1/audit?format=csv"}, {"download", ""}},
                        text(page.t("audit.csv")))) +
                    tag("li", {},
                        tag("a", {{"href", "/api/v1/audit?format=json"}, {"download", ""}},
                            text(page.t("audit.json")))));
    send_page(page, 200, layout(page, page.t("nav.audit"), body, "nav.audit", {}, notice));
}

void render_users(const Page& page, int status, const std::vector<FieldError>& errors,
                  const std::string& notice) {
    auto& call = page.call;
    const auto users = ops::list_users(call.env);
    if (!users) {
        return error_page(page, 403, users.error());
    }
    Html rows;
    for (const auto& u : *users) {
        const bool active = u.status == "active";
        Html actions =
            post_form(page, "/users/" + u.name + "/" + (active ? "disable" : "enable"), {},
                      page.t(active ? "users.disable" : "users.enable"), active ? "secondary" : "");
        actions += post_form(page, "/users/" + u.name + "/token",
                             field("label-" + u.name, page.t("users.token_label"), "", {}),
                             page.t("users.issue_token"), "secondary");
        actions += post_form(page, "/users/" + u.name + "/password",
                             field("password-" + u.name, page.t("users.new_password"), "", errors,
                                   "password", "", {{"autocomplete", "new-password"}}),
                             page.t("users.reset_password"), "secondary");
        rows += tag("tr", {},
                    tag("th", {{"scope", "row"}}, text(u.name)) +
                        tag("td", {}, text(page.t("role." + u.role))) +
                        tag("td", {},
                            badge(page.t(active ? "status.active" : "users.disabled"),
                                  active ? "ok" : "idle")) +
                        tag("td", {}, text(u.last_login_at.empty() ? "—" : u.last_login_at)) +
                        tag("td", {}, actions));
    }
    Html head;
    for (const char* key :
         {"users.name", "users.role", "users.status", "users.last_login", "users.actions"}) {
        head += tag("th", {{"scope", "col"}}, text(page.t(key)));
    }
    Html body = tag("table", {}, tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, rows));
    std::vector<std::pair<std::string, std::string>> roles = {{"staff", page.t("role.staff")},
                                                              {"auditor", page.t("role.auditor")},
                                                              {"admin", page.t("role.admin")}};
    body += tag("h2", {}, text(page.t("users.add")));
    body += post_form(
        page, "/users",
        tag("div", {{"class", "row"}},
            field("name", page.t("users.name"), page.form("name"), errors, "text", "",
                  {{"autocomplete", "off"}}) +
                select_field("role", page.t("users.role"), page.form("role"), roles, errors) +
                field("password", page.t("users.password"), "", errors, "password",
                      page.t("users.password_hint"), {{"autocomplete", "new-password"}})),
        page.t("users.add"));
    if (const auto tokens = ops::list_tokens(call.env); tokens && !tokens->empty()) {
        Html token_rows;
        for (const auto& t : *tokens) {
            token_rows +=
                tag("tr", {},
                    tag("td", {{"class", "n"}}, text(std::to_string(t.id))) +
                        tag("td", {}, text(t.user)) + tag("td", {}, text(t.label)) +
                        tag("td", {}, text(t.created_at)) +
                        tag("td", {},
                            t.revoked_at.empty()
                                ? post_form(page, "/tokens/" + std::to_string(t.id) + "/revoke", {},
                                            page.t("users.revoke"), "secondary")
                                : text(page.t("users.revoked") + " " + t.revoked_at)));
        }
        body += tag("h2", {}, text(page.t("users.tokens"))) +
                tag("table", {}, tag("tbody", {}, token_rows));
    }
    send_page(page, status,
              layout(page, page.t("nav.users"), body, "nav.users", errors,
                     notice.empty() ? Html{} : text(notice)));
}

} // namespace

void audit(ApiCall& call) {
    render_audit(make_page(call), std::nullopt);
}

void verify_audit(ApiCall& call) {
    render_audit(make_page(call), ops::verify_audit(call.env));
}

void users(ApiCall& call) {
    render_users(make_page(call), 200, {}, "");
}

void add_user(ApiCall& call) {
    const auto page = make_page(call);
    FormClaim claim(page.form("form_id"));
    if (claim.earlier()) {
        return redirect(call, *claim.earlier());
    }
    auto user =
        ops::add_user(call.env, page.form("name"), page.form("role"), page.form("password"));
    if (!user) {
        return render_users(page, user.error().kind == ops::ErrorKind::conflict ? 409 : 422,
                            {{user.error().field.empty() ? "name" : user.error().field,
                              explain(page.lang, user.error().why, user.error().message)}},
                            "");
    }
    claim.succeeded("/users");
    redirect(call, "/users");
}

// disable, enable, password, token: one handler, the action in the path.
void user_action(ApiCall& call) {
    const auto page = make_page(call);
    const std::string name = call.captures.count("name") ? call.captures.at("name") : "";
    const std::string action = call.captures.at("action");
    if (action == "disable" || action == "enable") {
        auto done =
            ops::set_user_status(call.env, name, action == "disable" ? "disabled" : "active");
        if (!done) {
            return render_users(
                page, 409, {{"", explain(page.lang, done.error().why, done.error().message)}}, "");
        }
        return redirect(call, "/users");
    }
    if (action == "password") {
        auto done = ops::change_password(call.env, name, page.form("password-" + name));
        if (!done) {
            return render_users(
                page, 422,
                {{"password-" + name, explain(page.lang, done.error().why, done.error().message)}},
                "");
        }
        return render_users(page, 200, {}, page.t("users.password_changed") + " " + name);
    }
    if (action == "token") {
        auto issued = ops::issue_token(call.env, name, page.form("label-" + name));
        if (!issued) {
            return render_users(
                page, 422, {{"", explain(page.lang, issued.error().why, issued.error().message)}},
                "");
        }
        // Shown once: only its hash is kept.
        return render_users(page, 200, {},
                            page.t("users.token_once") + " " + name + ": " + issued->token);
    }
    if (action == "revoke") {
        // A malformed id names no token: revoking token 0 is then refused as unknown.
        (void)ops::revoke_token(call.env, capture_number(call, "id").value_or(0));
        return redirect(call, "/users");
    }
    error_page(page, 404, page.t("error.no_action"));
}

} // namespace kibaru::web::pages
