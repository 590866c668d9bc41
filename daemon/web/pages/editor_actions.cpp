// The editor's actions beside the text: a test SMS of the week's message to a staff phone, and
// the week's messages rendered from a template and a CSV of prices.
#include "core/campaign.hpp"
#include "core/gateway.hpp"
#include "core/sms.hpp"
#include "ops/campaigns.hpp"
#include "ops/message_check.hpp"
#include "ops/messages.hpp"
#include "ops/test_send.hpp"
#include "web/pages/editor.hpp"
#include "web/pages/pages.hpp"

#include <algorithm>
#include <sstream>

namespace kibaru::web::pages {

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
        return error_page(page, 404, details.error());
    }
    // The week's text as a producer receives it, rendered for the staff member who asked (their
    // name in {name}), never for a real producer of the audience.
    std::string message;
    for (const auto& m : details->messages) {
        if (m.week == at->second && m.language == state.test_language) {
            core::Contact reader;
            reader.name = call.principal ? call.principal->name : "";
            reader.language = m.language;
            core::Refusal why;
            const auto sms = core::render_message(
                m.text, details->campaign, at->second, reader,
                *core::parse_encoding_mode(call.env.config.sms.encoding), &why);
            if (!sms) {
                return refuse("test_language", explain(page.lang, why, sms.error().message), 422);
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
                      page.t("editor.test_phone") + page.t("punct.colon") +
                          explain(page.lang, sent.error().why, sent.error().message),
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

void render_week_messages(ApiCall& call) {
    const auto page = make_page(call);
    const auto captured = capture_number(call, "id");
    if (!captured) {
        return error_page(page, 404, page.t("error.no_campaign"));
    }
    const std::int64_t id = *captured;
    const auto parts = posted_parts(call);
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
        const auto& error = batch.error();
        std::string reason = explain(page.lang, error.why, error.message);
        // A template's own syntax (k_message_refusal_codes) is said without its file's name,
        // which the English gives: put it back, as the tables' sentences have theirs.
        const auto& syntax = ops::k_message_refusal_codes;
        if (std::find(syntax.begin(), syntax.end(), error.why.code) != syntax.end()) {
            reason = tpl.filename + page.t("punct.colon") + reason;
        }
        return refuse(error.field == "template" ? "template" : "data", reason);
    }
    auto saved = ops::save_messages(call.env, id, batch->messages,
                                    "console render " + tpl.filename + " " + data.filename);
    if (!saved) {
        return refuse("data", explain(page.lang, saved.error().why, saved.error().message));
    }
    redirect(call,
             "/campaigns/" + std::to_string(id) + "?rendered=" + std::to_string(saved->size()));
}

} // namespace kibaru::web::pages
