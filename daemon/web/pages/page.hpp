// What every console page is made with: the request and its user, the language, the shell of
// the page (navigation, language switch, sign-out, an error summary at the top of a refused
// form), forms carrying the session's CSRF token and a one-time id against double submits,
// labelled fields that keep what was typed and say what is wrong with them, and answers
// (gzip-compressed HTML, redirects).
#pragma once

#include "web/api_call.hpp"
#include "web/multipart.hpp"
#include "web/pages/html.hpp"
#include "web/pages/i18n.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::web::pages {

using html::Html;

struct FieldError {
    std::string field; // the input's name (its id is "f-" + name)
    std::string message;
};

struct Page {
    ApiCall& call;
    Lang lang;
    std::string csrf; // the session's CSRF token, "" when signed out

    std::string t(std::string_view key) const { return tr(lang, key); }
    // A form field as posted (application/x-www-form-urlencoded), or "".
    std::string form(const std::string& name) const;
    const core::Params& form_fields() const;

    mutable std::optional<core::Params> parsed_form;
};

Page make_page(ApiCall& call);

// The whole document: <html lang>, head, navigation (`current`: the nav key of this page),
// the error summary (each error links to its field) or a notice, then `body`.
Html layout(const Page& page, const std::string& title, const Html& body,
            std::string_view current = "", const std::vector<FieldError>& errors = {},
            const Html& notice = {});

void send_page(const Page& page, int status, const Html& document);
void redirect(ApiCall& call, const std::string& location);
// `target` when it is a path on this site ("/contacts?page=2"), "/" otherwise: where a form
// sends the browser next comes from the request, and must never lead to another site
// ("//evil.example", "/\\evil.example") nor carry a line break into the Location header, nor be
// longer than 2048 bytes.
std::string local_target(std::string_view target);
// A whole number from the path (`/campaigns/{id}`), or nullopt when the segment is absent or
// not one ("12x", "", past int64): the page then answers 404, as for an id that names nothing.
std::optional<std::int64_t> capture_number(const ApiCall& call, const std::string& name);
// The parts of a form posted with a file (multipart/form-data) by name, or nullopt when the
// request is not one.
std::optional<std::map<std::string, FormPart>> posted_parts(const ApiCall& call);
// 403 / 404 as a page in the user's language.
void error_page(const Page& page, int status, const std::string& message);
// The same, saying an operation's refusal in the page's language when it has a code.
void error_page(const Page& page, int status, const ops::Error& error);

// A POST form with the CSRF token and a one-time form id.
Html post_form(const Page& page, const std::string& action, const Html& fields,
               const std::string& submit, const std::string& button_class = "",
               const html::Attributes& extra = {});
// A labelled input that keeps `value`, with its error (if any) below its label.
Html field(const std::string& name, const std::string& label, const std::string& value,
           const std::vector<FieldError>& errors, const std::string& type = "text",
           const std::string& hint = "", const html::Attributes& extra = {});
Html select_field(const std::string& name, const std::string& label, const std::string& value,
                  const std::vector<std::pair<std::string, std::string>>& options,
                  const std::vector<FieldError>& errors);
// A badge whose word says the state (never colour alone).
Html badge(const std::string& word, const std::string& tone);

// One submit of a one-time form (its hidden form_id): a second submit of the same form (a
// double click on a slow link, handled by the other worker at the same moment) leads to what
// the first made instead of making it twice. The first submit claims the id at once; the
// second waits for it to finish and is sent where it led. A submit that fails (a field in
// error) gives the id back, so the corrected form can be sent. Ids are kept for an hour.
class FormClaim {
public:
    explicit FormClaim(const std::string& form_id);
    ~FormClaim();
    FormClaim(const FormClaim&) = delete;
    FormClaim& operator=(const FormClaim&) = delete;

    // Where the earlier submit of this form led; empty: this submit goes ahead.
    const std::optional<std::string>& earlier() const { return m_earlier; }
    // This submit made what it was for; a repeat of it goes to `result_url`.
    void succeeded(const std::string& result_url);

private:
    std::string m_form_id; // empty when nothing is claimed
    std::optional<std::string> m_earlier;
};

} // namespace kibaru::web::pages
