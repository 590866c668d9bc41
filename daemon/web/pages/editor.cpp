// The weekly message editor, per language: the text with a live counter of characters,
// encoding and segments (editor.js, counting as the daemon does), the characters that force
// UCS-2 highlighted with their GSM-7 replacement offered, the week's cost for its audience, the
// text as a producer will read it. Without JavaScript the same figures come from the server on
// each save. While the week is open, staff can send again its in-doubt or failed deliveries.
// The test SMS and the messages rendered from a template are in editor_actions.cpp.
#include "web/pages/editor.hpp"
#include "core/campaign.hpp"
#include "core/sms.hpp"
#include "ops/campaigns.hpp"
#include "ops/messages.hpp"
#include "ops/resend.hpp"
#include "store/deliveries_repo.hpp"
#include "web/assets.hpp"
#include "web/pages/pages.hpp"

#include <nlohmann/json.hpp>

#include <limits>

namespace kibaru::web::pages {

using html::tag;
using html::text;
using html::void_tag;

namespace {

std::string alphabet_json() {
    const auto& a = core::gsm7_alphabet();
    nlohmann::json folds = nlohmann::json::object();
    for (const auto& [from, to] : a.folds) {
        folds[from] = to;
    }
    return nlohmann::json{{"basic", a.basic}, {"extension", a.extension}, {"folds", folds}}.dump();
}

std::string counter_words(const Page& page) {
    return nlohmann::json{{"characters", page.t("editor.characters")},
                          {"segment", page.t("editor.segment")},
                          {"segments", page.t("editor.segments")},
                          {"cost", page.t("editor.cost")},
                          {"replace", page.t("editor.replace")},
                          {"no_replacement", page.t("editor.no_replacement")}}
        .dump();
}

// While the week is open: one button per state (in doubt, failed) that has deliveries, saying
// how many will be sent again. Nothing once the week has closed: nothing is resent late.
Html resend_section(const Page& page, const ops::CampaignDetails& d, int week, bool may_write) {
    if (!may_write || d.plan.week_at(page.call.env.now) != week) {
        return {};
    }
    const auto counts = store::DeliveriesRepo(page.call.env.db).week_counts(d.campaign.id);
    const auto it = counts.find(week);
    if (it == counts.end()) {
        return {};
    }
    Html buttons;
    for (const auto value : {core::DeliveryState::unknown, core::DeliveryState::failed}) {
        const auto n = it->second.by_state.count(value) ? it->second.by_state.at(value) : 0;
        const std::string state(core::to_string(value));
        if (n > 0) {
            buttons +=
                post_form(page,
                          "/campaigns/" + std::to_string(d.campaign.id) + "/weeks/" +
                              std::to_string(week) + "/resend/" + state,
                          tag("p", {},
                              tag("strong", {},
                                  text(page.t(std::string("resend.") + state) +
                                       page.t("punct.colon") + number(n, page.lang))) +
                                  text(" " + page.t(std::string("resend.") + state + "_why"))),
                          page.t("resend.go"), "secondary", {{"class", "card"}});
        }
    }
    if (buttons.empty()) {
        return {};
    }
    return tag("h2", {{"id", "resend"}}, text(page.t("resend.title"))) +
           tag("p", {{"class", "hint"}}, text(page.t("resend.hint"))) + buttons;
}

} // namespace

void render_editor(const Page& page, std::int64_t id, int week, const EditorState& state,
                   int status) {
    auto& call = page.call;
    auto details = ops::campaign_details(call.env, id);
    if (!details) {
        return error_page(page, 404, details.error());
    }
    const auto& d = *details;
    const auto& c = d.campaign;
    if (week < 1 || week > c.weeks) {
        return error_page(page, 404, page.t("editor.no_week"));
    }
    const auto& config = call.env.config;
    const auto mode = *core::parse_encoding_mode(config.sms.encoding);
    const std::string base = "/campaigns/" + std::to_string(c.id);
    const bool may_write = call.principal && ops::allowed(call.principal->role, ops::Role::staff) &&
                           c.status != "cancelled";
    Html body = tag("p", {},
                    tag("a", {{"href", base}}, text(c.name)) +
                        text(" · " + page.t("week.opens") + " " +
                             local_time(d.plan.opens_at(week), d.plan.zone, page.lang) + " · " +
                             page.t("week.closes") + " " +
                             local_time(d.plan.closes_at(week), d.plan.zone, page.lang)));
    body += resend_section(page, d, week, may_write);
    Html forms;
    for (const auto& language : d.languages) {
        std::string current;
        for (const auto& m : d.messages) {
            if (m.week == week && m.language == language) {
                current = m.text;
            }
        }
        if (state.language == language) {
            current = state.text;
        }
        const auto audience = d.audience.count(language) ? d.audience.at(language) : 0;
        const std::string counter = "c-" + language;
        // The server's count of the text as it stands, shown before (or without) the script.
        std::string measured;
        if (const auto sms = core::prepare_sms(current, mode)) {
            measured = std::to_string(sms->shape.units) + " · " +
                       (sms->shape.encoding == core::SmsEncoding::gsm7 ? "GSM-7" : "UCS-2") +
                       " · " + std::to_string(sms->shape.segments) + " " +
                       page.t(sms->shape.segments > 1 ? "editor.segments" : "editor.segment") +
                       " · " + page.t("editor.cost") + " " +
                       money(static_cast<double>(audience * sms->shape.segments) *
                                 config.sms.cost_per_segment,
                             config.sms.currency, page.lang);
        }
        const std::string name = "text-" + language;
        html::Attributes area = {
            {"data-counter", counter}, {"data-audience", std::to_string(audience)}, {"rows", "5"}};
        if (!may_write) {
            area.emplace_back("readonly", "readonly");
        }
        Html section =
            tag("h2", {{"id", "h-" + language}},
                text(page.t("editor.language") + " " + language + " — " +
                     number(audience, page.lang) + " " + page.t("editor.audience"))) +
            field(name, page.t("editor.text") + " (" + language + ")", current, state.errors,
                  "textarea", page.t("editor.placeholders"), area) +
            tag("output", {{"id", counter}, {"for", "f-" + name}, {"aria-live", "polite"}},
                text(measured)) +
            tag("ul", {{"id", counter + "-missing"}, {"class", "muted"}}, {});
        if (may_write) {
            forms +=
                post_form(page, base + "/weeks/" + std::to_string(week) + "/" + language, section,
                          page.t("editor.save") + " (" + language + ")", "", {{"class", "card"}});
        } else {
            forms += tag("div", {{"class", "card"}}, section);
        }
    }
    body += tag("div",
                {{"data-alphabet", alphabet_json()},
                 {"data-mode", config.sms.encoding},
                 {"data-price", std::to_string(config.sms.cost_per_segment)},
                 {"data-currency", config.sms.currency},
                 {"data-words", counter_words(page)}},
                forms);
    // How each language's text reads once rendered for a producer, and the week's cost.
    if (const auto preview = ops::preview_week(call.env, c.id, week, "")) {
        Html items;
        for (const auto& m : (*preview)["messages"]) {
            if (m["missing"].get<bool>()) {
                continue;
            }
            items += tag("li", {},
                         tag("strong", {}, text(m["language"].get<std::string>() + ": ")) +
                             text(m["text"].get<std::string>()));
        }
        if (!items.empty()) {
            body +=
                tag("h2", {}, text(page.t("editor.preview"))) + tag("ul", {}, items) +
                tag("p", {},
                    text(page.t("editor.week_cost") + " " +
                         money((*preview)["cost"].get<double>(), config.sms.currency, page.lang)));
        }
    }
    if (may_write) {
        std::vector<std::pair<std::string, std::string>> languages;
        for (const auto& l : d.languages) {
            languages.emplace_back(l, l);
        }
        body += tag("h2", {{"id", "test"}}, text(page.t("editor.test")));
        body += tag("p", {{"class", "hint"}}, text(page.t("editor.test_hint")));
        body += post_form(page, base + "/weeks/" + std::to_string(week) + "/test",
                          field("phone", page.t("editor.test_phone"), state.test_phone,
                                state.errors, "tel", "", {{"autocomplete", "tel"}}) +
                              select_field("test_language", page.t("editor.language"),
                                           state.test_language.empty() ? d.languages.front()
                                                                       : state.test_language,
                                           languages, state.errors),
                          page.t("editor.test_go"), "secondary", {{"class", "card"}});
        body += tag("h2", {}, text(page.t("editor.render")));
        body += tag("p", {{"class", "hint"}}, text(page.t("editor.render_hint")));
        body += tag(
            "form",
            {{"method", "post"},
             {"action", base + "/render"},
             {"enctype", "multipart/form-data"},
             {"class", "card"}},
            void_tag("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", page.csrf}}) +
                select_field("language", page.t("editor.language"), d.languages.front(), languages,
                             state.errors) +
                field("template", page.t("editor.template"), "", state.errors, "file", "",
                      {{"accept", ".txt,text/plain"}}) +
                field("data", page.t("editor.data"), "", state.errors, "file", "",
                      {{"accept", ".csv,.xlsx,text/csv"}}) +
                tag("p", {},
                    tag("button", {{"type", "submit"}}, text(page.t("editor.render_go")))));
    }
    body += tag("script", {{"src", asset_url("editor.js")}}, {});
    send_page(page, status,
              layout(page, c.name + " — " + page.t("overview.week") + " " + std::to_string(week),
                     body, "nav.campaigns", state.errors,
                     state.notice.empty() ? Html{} : text(state.notice)));
}

std::optional<std::pair<std::int64_t, int>> id_and_week(const ApiCall& call) {
    const auto id = capture_number(call, "id");
    const auto week = capture_number(call, "week");
    if (!id || !week || *week < std::numeric_limits<int>::min() ||
        *week > std::numeric_limits<int>::max()) {
        return std::nullopt;
    }
    return std::pair{*id, static_cast<int>(*week)};
}

void week_editor(ApiCall& call) {
    const auto page = make_page(call);
    const auto at = id_and_week(call);
    if (!at) {
        return error_page(page, 404, page.t("editor.no_week"));
    }
    EditorState state;
    if (call.param("saved") == "1") {
        state.notice = page.t("editor.saved");
    }
    if (!call.param("resent").empty()) {
        state.notice = call.param("resent") + " " + page.t("resend.done");
    }
    if (!call.param("tested").empty()) {
        state.notice = page.t("editor.test_sent") + " " + call.param("via") +
                       page.t("punct.colon") + call.param("tested");
    }
    render_editor(page, at->first, at->second, state, 200);
}

void resend_week(ApiCall& call) {
    const auto page = make_page(call);
    const auto at = id_and_week(call);
    if (!at) {
        return error_page(page, 404, page.t("editor.no_week"));
    }
    const auto resent =
        ops::resend_deliveries(call.env, at->first, at->second, call.captures.at("state"), false);
    if (!resent) {
        auto why = resent.error().why;
        if (why.code == "resend_closed") { // [campaign id, week, closes at]
            if (const auto details = ops::campaign_details(call.env, at->first)) {
                why = with_local_time(std::move(why), 2, details->plan.zone, page.lang);
            }
        }
        EditorState state;
        state.errors.push_back({"resend", explain(page.lang, why, resent.error().message)});
        return render_editor(page, at->first, at->second, state,
                             resent.error().kind == ops::ErrorKind::not_found ? 404 : 409);
    }
    redirect(call, "/campaigns/" + std::to_string(at->first) + "/weeks/" +
                       std::to_string(at->second) +
                       "?resent=" + std::to_string(resent->deliveries));
}

void save_week_message(ApiCall& call) {
    const auto page = make_page(call);
    const auto at = id_and_week(call);
    if (!at) {
        return error_page(page, 404, page.t("editor.no_week"));
    }
    const std::string language = call.captures.at("language");
    const std::string text = page.form("text-" + language);
    auto saved = ops::save_messages(
        call.env, at->first,
        {{page.t("editor.text") + " (" + language + ")", at->second, language, text}}, "console");
    if (saved) {
        return redirect(call, "/campaigns/" + std::to_string(at->first) + "/weeks/" +
                                  std::to_string(at->second) + "?saved=1#h-" + language);
    }
    EditorState state;
    state.language = language;
    state.text = text; // kept as typed, with why it was refused in the page's language
    state.errors.push_back(
        {"text-" + language, explain(page.lang, saved.error().why, saved.error().message)});
    render_editor(page, at->first, at->second, state, 422);
}

} // namespace kibaru::web::pages
