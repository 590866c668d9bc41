#include "web/pages/pages.hpp"

namespace kibaru::web::pages {

void add_page_routes(Router<ApiHandler>& r) {
    using A = Access;
    auto page = [&r](const std::string& method, const std::string& pattern, Access access,
                     ApiHandler handler) {
        r.add({method, pattern, access, std::move(handler), true});
    };
    page("GET", "/login", A::anyone, sign_in_form);
    page("POST", "/login", A::anyone, sign_in);
    page("POST", "/logout", A::signed_in, sign_out);
    page("POST", "/language", A::anyone, switch_language);
    page("GET", "/", A::signed_in, overview);
    page("GET", "/contacts", A::signed_in, contacts);
    page("GET", "/contacts/import", A::staff, import_form);
    page("POST", "/contacts/import", A::staff, import_upload);
    page("GET", "/contacts/import/{id}", A::staff, import_review);
    page("GET", "/contacts/import/{id}/rejects.csv", A::staff, import_rejects);
    page("POST", "/contacts/import/{id}", A::staff, import_commit);
    page("GET", "/contacts/{phone}", A::signed_in, contact);
    page("POST", "/contacts/{phone}/optout", A::staff,
         [](ApiCall& c) { contact_status(c, "opted_out"); });
    page("POST", "/contacts/{phone}/optin", A::staff,
         [](ApiCall& c) { contact_status(c, "active"); });
    page("GET", "/campaigns", A::signed_in, campaigns);
    page("POST", "/campaigns", A::staff, create_campaign);
    page("GET", "/campaigns/{id}", A::signed_in, campaign);
    for (const char* action : {"pause", "resume", "cancel"}) {
        const std::string a = action;
        page("GET", "/campaigns/{id}/confirm/" + a, A::staff,
             [a](ApiCall& c) { confirm_transition(c, a); });
        page("POST", "/campaigns/{id}/" + a, A::staff, [a](ApiCall& c) { transition(c, a); });
    }
    page("GET", "/campaigns/{id}/weeks/{week}", A::signed_in, week_editor);
    // Before {language}: the first route that matches answers.
    page("POST", "/campaigns/{id}/weeks/{week}/test", A::staff, test_send_week);
    page("POST", "/campaigns/{id}/weeks/{week}/{language}", A::staff, save_week_message);
    page("POST", "/campaigns/{id}/weeks/{week}/resend/{state}", A::staff, resend_week);
    page("POST", "/campaigns/{id}/render", A::staff, render_week_messages);
    page("GET", "/campaigns/{id}/report", A::signed_in, report);
    page("GET", "/campaigns/{id}/deliveries", A::signed_in, deliveries);
    page("GET", "/inbox", A::signed_in, inbox);
    page("POST", "/inbox/{id}/reply", A::staff, reply_to_inbox);
    page("GET", "/prices", A::signed_in, prices);
    page("POST", "/prices", A::staff, import_prices);
    page("GET", "/audit", A::signed_in, audit);
    page("POST", "/audit/verify", A::signed_in, verify_audit);
    page("GET", "/users", A::admin, users);
    page("POST", "/users", A::admin, add_user);
    page("POST", "/users/{name}/{action}", A::admin, user_action);
    page("POST", "/tokens/{id}/{action}", A::admin, user_action);
}

} // namespace kibaru::web::pages
