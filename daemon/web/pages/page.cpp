#include "web/pages/page.hpp"

#include "ops/secrets.hpp"
#include "util/whole_number.hpp"
#include "web/assets.hpp"
#include "web/console.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>

namespace kibaru::web::pages {

using html::Attributes;
using html::tag;
using html::text;
using html::void_tag;

// The language: the browser's choice (a cookie set by the switch), else the account's.
Page make_page(ApiCall& call) {
    std::string chosen;
    if (const auto cookie = call.request.headers.find("cookie");
        cookie != call.request.headers.end()) {
        chosen = cookie_value(cookie->second, "kibaru_lang");
    }
    if (chosen.empty() && call.principal) {
        chosen = call.principal->language;
    }
    return Page{call, parse_lang(chosen), call.csrf, std::nullopt};
}

const core::Params& Page::form_fields() const {
    if (!parsed_form) {
        parsed_form = core::parse_params(call.request.body);
    }
    return *parsed_form;
}

std::string Page::form(const std::string& name) const {
    const auto& fields = form_fields();
    const auto it = fields.find(name);
    return it == fields.end() ? "" : it->second;
}

namespace {

Html nav_link(const Page& page, std::string_view current, const std::string& key,
              const std::string& href) {
    Attributes attributes = {{"href", href}};
    if (current == key) {
        attributes.emplace_back("aria-current", "page");
    }
    return tag("a", attributes, text(page.t(key)));
}

Html navigation(const Page& page, std::string_view current) {
    Html links = tag("a", {{"class", "brand"}, {"href", "/"}}, text("Kibaru"));
    const auto& p = page.call.principal;
    if (p) {
        links += nav_link(page, current, "nav.overview", "/");
        links += nav_link(page, current, "nav.contacts", "/contacts");
        links += nav_link(page, current, "nav.campaigns", "/campaigns");
        links += nav_link(page, current, "nav.inbox", "/inbox");
        links += nav_link(page, current, "nav.prices", "/prices");
        links += nav_link(page, current, "nav.audit", "/audit");
        if (ops::allowed(p->role, ops::Role::admin)) {
            links += nav_link(page, current, "nav.users", "/users");
        }
    }
    // The other language, one click away (a form: it changes the user's preference).
    const Lang other = page.lang == Lang::fr ? Lang::en : Lang::fr;
    Html switcher =
        tag("form", {{"method", "post"}, {"action", "/language"}},
            void_tag("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", page.csrf}}) +
                void_tag("input", {{"type", "hidden"},
                                   {"name", "lang"},
                                   {"value", std::string(lang_code(other))}}) +
                void_tag("input",
                         {{"type", "hidden"}, {"name", "back"}, {"value", page.call.request.url}}) +
                tag("button", {{"class", "secondary"}, {"lang", std::string(lang_code(other))}},
                    text(other == Lang::en ? "English" : "Français")));
    links += switcher;
    if (p) {
        links +=
            tag("span", {{"class", "me"}},
                text(p->name + " (" +
                     page.t(std::string("role.") + std::string(ops::role_name(p->role))) + ")"));
        links += post_form(page, "/logout", {}, page.t("nav.sign_out"), "secondary");
    }
    return tag("header", {}, tag("nav", {{"aria-label", page.t("nav.label")}}, links));
}

Html error_summary(const Page& page, const std::vector<FieldError>& errors) {
    if (errors.empty()) {
        return {};
    }
    Html items;
    for (const auto& e : errors) {
        items += tag("li", {},
                     e.field.empty() ? text(e.message)
                                     : tag("a", {{"href", "#f-" + e.field}}, text(e.message)));
    }
    return tag("div",
               {{"class", "errors"}, {"role", "alert"}, {"tabindex", "-1"}, {"id", "errors"}},
               tag("h2", {}, text(page.t("form.errors"))) + tag("ul", {}, items));
}

} // namespace

Html layout(const Page& page, const std::string& title, const Html& body, std::string_view current,
            const std::vector<FieldError>& errors, const Html& notice) {
    const Html head =
        tag("head", {},
            void_tag("meta", {{"charset", "utf-8"}}) +
                void_tag("meta", {{"name", "viewport"},
                                  {"content", "width=device-width, initial-scale=1"}}) +
                tag("title", {}, text(title + " · Kibaru")) +
                // No icon to fetch: a browser's /favicon.ico request would only find a 404.
                void_tag("link", {{"rel", "icon"}, {"href", "data:,"}}) +
                void_tag("link", {{"rel", "stylesheet"}, {"href", asset_url("app.css")}}));
    const Html main =
        tag("main", {{"id", "main"}},
            error_summary(page, errors) +
                (notice.empty() ? Html{}
                                : tag("div", {{"class", "notice"}, {"role", "status"}}, notice)) +
                tag("h1", {}, text(title)) + body);
    return Html::trusted("<!doctype html>") +
           tag("html", {{"lang", std::string(lang_code(page.lang))}},
               head +
                   tag("body", {},
                       tag("a", {{"class", "skip"}, {"href", "#main"}}, text(page.t("nav.skip"))) +
                           navigation(page, current) + main));
}

void send_page(const Page& page, int status, const Html& document) {
    net::Reply reply{status, document.str(), "text/html; charset=utf-8"};
    reply.headers.emplace_back("Cache-Control", "no-store");
    reply.headers.emplace_back("Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'");
    reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
    const auto accepts = page.call.request.headers.find("accept-encoding");
    if (reply.body.size() > 1024 && accepts != page.call.request.headers.end() &&
        accepts->second.find("gzip") != std::string::npos) {
        reply.body = gzip(reply.body);
        reply.headers.emplace_back("Content-Encoding", "gzip");
    }
    reply.headers.emplace_back("Vary", "Accept-Encoding");
    page.call.respond(std::move(reply));
}

void redirect(ApiCall& call, const std::string& location) {
    net::Reply reply{303, "", "text/plain; charset=utf-8"};
    reply.headers.emplace_back("Location", location);
    call.respond(std::move(reply));
}

std::optional<std::map<std::string, FormPart>> posted_parts(const ApiCall& call) {
    const auto type = call.request.headers.find("content-type");
    return parse_multipart(type == call.request.headers.end() ? "" : type->second,
                           call.request.body);
}

std::optional<std::int64_t> capture_number(const ApiCall& call, const std::string& name) {
    const auto found = call.captures.find(name);
    return found == call.captures.end() ? std::nullopt : util::whole_number(found->second);
}

std::string local_target(std::string_view target) {
    const bool local = target.size() >= 1 && target[0] == '/' &&
                       (target.size() == 1 || (target[1] != '/' && target[1] != '\\'));
    // No page of the console has an address this long; a longer one is someone's test.
    const bool plain =
        target.size() <= 2048 && std::none_of(target.begin(), target.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u < 0x20 || u == 0x7f || c == '\\';
        });
    return local && plain ? std::string(target) : "/";
}

void error_page(const Page& page, int status, const std::string& message) {
    const std::string title = page.t(status == 403   ? "error.forbidden"
                                     : status == 404 ? "error.not_found"
                                                     : "error.generic");
    send_page(page, status,
              layout(page, title,
                     tag("p", {}, text(message)) +
                         tag("p", {}, tag("a", {{"href", "/"}}, text(page.t("nav.back_home"))))));
}

void error_page(const Page& page, int status, const ops::Error& error) {
    error_page(page, status, explain(page.lang, error.why, error.message));
}

Html post_form(const Page& page, const std::string& action, const Html& fields,
               const std::string& submit, const std::string& button_class,
               const Attributes& extra) {
    Attributes attributes = {{"method", "post"}, {"action", action}};
    attributes.insert(attributes.end(), extra.begin(), extra.end());
    Attributes button = {{"type", "submit"}};
    if (!button_class.empty()) {
        button.emplace_back("class", button_class);
    }
    return tag(
        "form", attributes,
        void_tag("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", page.csrf}}) +
            void_tag("input",
                     {{"type", "hidden"}, {"name", "form_id"}, {"value", ops::random_token("f")}}) +
            fields + tag("button", button, text(submit)));
}

namespace {

Html field_errors(const std::string& name, const std::vector<FieldError>& errors,
                  Attributes& attributes) {
    Html out;
    for (const auto& e : errors) {
        if (e.field == name) {
            out += tag("p", {{"class", "field-error"}, {"id", "e-" + name}}, text(e.message));
            attributes.emplace_back("aria-invalid", "true");
            attributes.emplace_back("aria-describedby", "e-" + name);
        }
    }
    return out;
}

} // namespace

Html field(const std::string& name, const std::string& label, const std::string& value,
           const std::vector<FieldError>& errors, const std::string& type, const std::string& hint,
           const Attributes& extra) {
    Attributes attributes = {{"id", "f-" + name}, {"name", name}};
    const Html problems = field_errors(name, errors, attributes);
    attributes.insert(attributes.end(), extra.begin(), extra.end());
    Html input;
    if (type == "textarea") {
        input = tag("textarea", attributes, text(value));
    } else {
        attributes.emplace_back("type", type);
        if (type != "password" && type != "file") {
            attributes.emplace_back("value", value);
        }
        input = void_tag("input", attributes);
    }
    return tag("div", {},
               tag("label", {{"for", "f-" + name}}, text(label)) +
                   (hint.empty() ? Html{} : tag("p", {{"class", "hint"}}, text(hint))) + problems +
                   input);
}

Html select_field(const std::string& name, const std::string& label, const std::string& value,
                  const std::vector<std::pair<std::string, std::string>>& options,
                  const std::vector<FieldError>& errors) {
    Attributes attributes = {{"id", "f-" + name}, {"name", name}};
    const Html problems = field_errors(name, errors, attributes);
    Html choices;
    for (const auto& [option, words] : options) {
        Attributes o = {{"value", option}};
        if (option == value) {
            o.emplace_back("selected", "selected");
        }
        choices += tag("option", o, text(words));
    }
    return tag("div", {},
               tag("label", {{"for", "f-" + name}}, text(label)) + problems +
                   tag("select", attributes, choices));
}

Html badge(const std::string& word, const std::string& tone) {
    return tag("span", {{"class", "badge " + tone}}, text(word));
}

namespace {

// The claimed and finished form ids: an empty URL while the first submit runs.
struct SubmittedForms {
    std::mutex mutex;
    std::condition_variable finished;
    std::map<std::string, std::pair<std::string, std::int64_t>> forms; // id -> url, when

    static SubmittedForms& instance() {
        static SubmittedForms forms;
        return forms;
    }
};

std::int64_t steady_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

FormClaim::FormClaim(const std::string& form_id) {
    if (form_id.empty()) {
        return; // not a one-time form
    }
    auto& submitted = SubmittedForms::instance();
    std::unique_lock lock(submitted.mutex);
    const auto now = steady_seconds();
    for (auto it = submitted.forms.begin(); it != submitted.forms.end();) {
        const bool stale = now - it->second.second > 3600 && !it->second.first.empty();
        it = stale ? submitted.forms.erase(it) : std::next(it);
    }
    // The first submit still running: wait for it (a minute at most, as a browser would).
    submitted.finished.wait_for(lock, std::chrono::minutes(1), [&] {
        const auto found = submitted.forms.find(form_id);
        return found == submitted.forms.end() || !found->second.first.empty();
    });
    const auto found = submitted.forms.find(form_id);
    if (found == submitted.forms.end()) {
        submitted.forms[form_id] = {"", now};
        m_form_id = form_id;
    } else {
        m_earlier = found->second.first.empty() ? "/" : found->second.first;
    }
}

void FormClaim::succeeded(const std::string& result_url) {
    if (m_form_id.empty()) {
        return;
    }
    auto& submitted = SubmittedForms::instance();
    {
        std::lock_guard lock(submitted.mutex);
        submitted.forms[m_form_id] = {result_url.empty() ? "/" : result_url, steady_seconds()};
    }
    submitted.finished.notify_all();
    m_form_id.clear();
}

FormClaim::~FormClaim() {
    if (m_form_id.empty()) {
        return;
    }
    auto& submitted = SubmittedForms::instance();
    {
        std::lock_guard lock(submitted.mutex);
        submitted.forms.erase(m_form_id);
    }
    submitted.finished.notify_all();
}

} // namespace kibaru::web::pages
