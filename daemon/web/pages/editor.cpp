// The weekly message editor, per language: the text with a live counter of characters,
// encoding and segments (editor.js, counting as the daemon does), the characters that force
// UCS-2 highlighted with their GSM-7 replacement offered, the week's cost for its audience, the
// text as a producer will read it; and the week's messages rendered from a template and a CSV
// of prices. Without JavaScript the same figures come from the server on each save. While the
// week is open, staff can send again its in-doubt or failed deliveries.
#include "core/campaign.hpp"
#include "core/gateway.hpp"
#include "core/sms.hpp"
#include "ops/campaigns.hpp"
#include "ops/messages.hpp"
#include "ops/resend.hpp"
#include "ops/test_send.hpp"
#include "store/deliveries_repo.hpp"
#include "web/assets.hpp"
#include "web/multipart.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

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

struct EditorState {
    std::string language; // the one whose form was refused, if any
    std::string text;     // what was typed there
    std::vector<FieldError> errors;
    std::string notice;
    std::string test_phone;    // what was typed in the test send's form
    std::string test_language; // and the language chosen there
};

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

void render_editor(const Page& page, std::int64_t id, int week, const EditorState& state,
                   int status) {
    auto& call = page.call;
    auto details = ops::campaign_details(call.env, id);
    if (!details) {
        return error_page(page, 404, details.error().message);
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
                      {{"accept", ".csv,text/csv"}}) +
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
    try {
        return std::pair{std::stoll(call.captures.at("id")), std::stoi(call.captures.at("week"))};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace

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
        EditorState state;
        state.errors.push_back({"resend", resent.error().message});
        return render_editor(page, at->first, at->second, state,
                             resent.error().kind == ops::ErrorKind::not_found ? 404 : 409);
    }
    redirect(call, "/campaigns/" + std::to_string(at->first) + "/weeks/" +
                       std::to_string(at->second) +
                       "?resent=" + std::to_string(resent->deliveries));
}

// The week's message in one language, as the preview renders it, sent now to a staff phone.
void test_send_week(ApiCall& call) {
    const auto page = make_page(call);
    const auto at = id_and_week(call);
    if (!at) {
        return error_page(page, 404, page.t("editor.no_week"));
    }
    const std::string to =
        "/campaigns/" + std::to_string(at->first) + "/weeks/" + std::to_string(at->second);
    FormClaim claim(page.form("form_id"));
    if (claim.earlier()) {
        return redirect(call, *claim.earlier()); // the same form sent twice: one test SMS
    }
    EditorState state;
    state.test_phone = page.form("phone");
    state.test_language = page.form("test_language");
    auto refuse = [&](const std::string& field_name, const std::string& message, int status) {
        state.errors.push_back({field_name, message});
        render_editor(page, at->first, at->second, state, status);
    };
    const auto details = ops::campaign_details(call.env, at->first);
    if (!details) {
        return error_page(page, 404, details.error().message);
    }
    // The week's text as a producer receives it, rendered for the staff member who asked (their
    // name in {name}), never for a real producer of the audience.
    std::string message;
    for (const auto& m : details->messages) {
        if (m.week == at->second && m.language == state.test_language) {
            core::Contact reader;
            reader.name = call.principal ? call.principal->name : "";
            reader.language = m.language;
            const auto sms =
                core::render_message(m.text, details->campaign, at->second, reader,
                                     *core::parse_encoding_mode(call.env.config.sms.encoding));
            if (!sms) {
                return refuse("test_language", sms.error().message, 422);
            }
            message = sms->text;
        }
    }
    if (message.empty()) {
        return refuse("test_language", page.t("editor.test_no_message"), 422);
    }
    if (!call.gateways || call.gateways->gateways.empty()) {
        return refuse("phone", page.t("editor.test_unavailable"), 503);
    }
    ops::TestSms sms;
    sms.to = state.test_phone;
    sms.text = message;
    sms.to_field = "phone";
    sms.text_field = "test_language"; // the text is the saved message of that language
    sms.gateway_field = "phone";
    const auto sent = ops::send_test_sms(call.env, *call.gateways, sms);
    if (!sent) {
        return refuse(sent.error().field,
                      page.t("editor.test_phone") + page.t("punct.colon") + sent.error().message,
                      422);
    }
    if (!sent->accepted) {
        return refuse("phone",
                      page.t("editor.test_refused") + " (" + sent->gateway + ", HTTP " +
                          std::to_string(sent->http_status) + ")" + page.t("punct.colon") +
                          sent->error,
                      502);
    }
    const std::string result = to + "?tested=" + core::url_encode(sent->phone) +
                               "&via=" + core::url_encode(sent->gateway) + "#test";
    claim.succeeded(result);
    redirect(call, result);
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
    EditorState state{language, text, {{"text-" + language, saved.error().message}}, "", "", ""};
    render_editor(page, at->first, at->second, state, 422);
}

void render_week_messages(ApiCall& call) {
    const auto page = make_page(call);
    std::int64_t id = 0;
    try {
        id = std::stoll(call.captures.at("id"));
    } catch (const std::exception&) {
        return error_page(page, 404, "no such campaign");
    }
    const auto type = call.request.headers.find("content-type");
    const auto parts =
        parse_multipart(type == call.request.headers.end() ? "" : type->second, call.request.body);
    EditorState state;
    auto refuse = [&](const std::string& field_name, const std::string& message) {
        state.errors.push_back({field_name, message});
        render_editor(page, id, 1, state, 422);
    };
    if (!parts || !parts->count("template") || parts->at("template").content.empty()) {
        return refuse("template", page.t("editor.no_template"));
    }
    if (!parts->count("data") || parts->at("data").content.empty()) {
        return refuse("data", page.t("editor.no_data"));
    }
    const std::string language = parts->count("language") ? parts->at("language").content : "fr";
    const auto& tpl = parts->at("template");
    const auto& data = parts->at("data");
    std::istringstream data_in(data.content);
    auto batch = ops::render_messages(tpl.content, tpl.filename, language, data_in,
                                      data.filename.empty() ? "data.csv" : data.filename);
    if (!batch) {
        return refuse(batch.error().field == "template" ? "template" : "data",
                      batch.error().message);
    }
    auto saved = ops::save_messages(call.env, id, batch->messages,
                                    "console render " + tpl.filename + " " + data.filename);
    if (!saved) {
        return refuse("data", saved.error().message);
    }
    redirect(call,
             "/campaigns/" + std::to_string(id) + "?rendered=" + std::to_string(saved->size()));
}

} // namespace kibaru::web::pages
