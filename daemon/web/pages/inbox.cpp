// The inbox: every SMS producers sent, newest first, with what Kibaru understood and the reply
// it got; staff answer one producer by hand (queued for the daemon, audited with their name).
#include "core/schedule.hpp"
#include "ops/inbound.hpp"
#include "store/inbox_repo.hpp"
#include "util/whole_number.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"

namespace kibaru::web::pages {

using html::tag;
using html::text;

namespace {

constexpr std::int64_t k_page_size = 50;

void render_inbox(const Page& page, int status, const std::vector<FieldError>& errors,
                  std::int64_t refused_id, const std::string& typed) {
    auto& call = page.call;
    const bool unanswered = call.param("unanswered") == "1";
    // A cursor that is not a number starts from the newest.
    const std::int64_t before = util::whole_number(call.param("before", "0")).value_or(0);
    const auto rows = store::InboxRepo(call.env.db).list("", unanswered, k_page_size, before);
    const auto zone = core::find_zone(call.env.config.schedule.timezone);
    const bool may_write = call.principal && ops::allowed(call.principal->role, ops::Role::staff);
    Html body = tag("p", {}, text(page.t("inbox.explain")));
    body += tag("p", {},
                tag("a", {{"href", unanswered ? "/inbox" : "/inbox?unanswered=1"}},
                    text(page.t(unanswered ? "inbox.all" : "inbox.only_unanswered"))));
    Html table_rows;
    for (const auto& r : rows) {
        const auto at = core::parse_instant(r.received_at);
        Html reply;
        if (r.reply) {
            reply = text(*r.reply) + html::void_tag("br", {}) +
                    tag("small", {{"class", "muted"}},
                        text(r.replied_by == "kibaru" ? page.t("inbox.automatic")
                                                      : page.t("inbox.by") + " " + r.replied_by));
        }
        if (r.needs_person()) {
            if (may_write) {
                const std::string name = "reply-" + std::to_string(r.id);
                reply += post_form(page, "/inbox/" + std::to_string(r.id) + "/reply",
                                   field(name, page.t("inbox.reply"),
                                         r.id == refused_id ? typed : "", errors, "text"),
                                   page.t("inbox.send"), "secondary");
            } else if (!r.reply) {
                reply = badge(page.t("inbox.unanswered"), "idle");
            }
        }
        table_rows += tag(
            "tr", {},
            tag("td", {}, text(at && zone ? local_time(*at, *zone, page.lang) : r.received_at)) +
                tag("th", {{"scope", "row"}},
                    tag("a", {{"href", "/contacts/" + r.phone}}, text(r.phone)) +
                        (r.contact_name.empty()
                             ? Html{}
                             : html::void_tag("br", {}) + text(r.contact_name))) +
                tag("td", {}, text(r.text)) +
                tag("td", {}, badge(page.t("inbox.matched_" + r.matched), "idle")) +
                tag("td", {}, reply));
    }
    Html head;
    for (const char* key :
         {"inbox.received", "inbox.from", "inbox.text", "inbox.matched", "inbox.reply"}) {
        head += tag("th", {{"scope", "col"}}, text(page.t(key)));
    }
    body += rows.empty()
                ? tag("p", {}, text(page.t("inbox.empty")))
                : tag("table", {},
                      tag("caption", {}, text(page.t("inbox.caption"))) +
                          tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, table_rows));
    if (static_cast<std::int64_t>(rows.size()) == k_page_size) {
        body += tag("p", {},
                    tag("a",
                        {{"href", "/inbox?before=" + std::to_string(rows.back().id) +
                                      (unanswered ? "&unanswered=1" : "")}},
                        text(page.t("inbox.older"))));
    }
    send_page(page, status, layout(page, page.t("nav.inbox"), body, "nav.inbox", errors));
}

} // namespace

void inbox(ApiCall& call) {
    render_inbox(make_page(call), 200, {}, 0, "");
}

void reply_to_inbox(ApiCall& call) {
    const auto page = make_page(call);
    const auto captured = capture_number(call, "id");
    if (!captured) {
        return error_page(page, 404, page.t("inbox.no_message"));
    }
    const std::int64_t id = *captured;
    const std::string name = "reply-" + std::to_string(id);
    const std::string text = page.form(name);
    FormClaim claim(page.form("form_id"));
    if (claim.earlier()) {
        return redirect(call, *claim.earlier()); // sent twice: one reply
    }
    const auto replied = ops::reply_by_hand(call.env, id, text);
    if (!replied) {
        if (replied.error().kind == ops::ErrorKind::not_found) {
            return error_page(page, 404, page.t("inbox.no_message"));
        }
        return render_inbox(
            page, 422,
            {{name, page.t("inbox.reply") + page.t("punct.colon") +
                        explain(page.lang, replied.error().why, replied.error().message)}},
            id, text);
    }
    claim.succeeded("/inbox");
    redirect(call, "/inbox");
}

} // namespace kibaru::web::pages
