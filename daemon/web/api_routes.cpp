// The JSON API's route table: every route in the order it is matched (the first route that
// matches answers), each naming its handler; the handlers live one file per resource
// (api_routes_*.cpp, declared in api_handlers.hpp).
#include "web/api_routes.hpp"

#include "web/api_handlers.hpp"

#include <string>

namespace kibaru::web {

void add_api_routes(Router<ApiHandler>& r) {
    using namespace api; // the handlers (api_handlers.hpp)
    using A = Access;
    const std::string v1 = "/api/v1";
    r.add({"POST", v1 + "/session", A::anyone, login});
    r.add({"DELETE", v1 + "/session", A::signed_in, logout});
    r.add({"GET", v1 + "/status", A::signed_in, status});
    r.add({"GET", v1 + "/contacts", A::signed_in, contacts_page});
    r.add({"POST", v1 + "/contacts/import", A::staff, import_contacts});
    r.add({"POST", v1 + "/contacts/{phone}/optout", A::staff,
           [](ApiCall& c) { set_contact_status(c, "opted_out"); }});
    r.add({"POST", v1 + "/contacts/{phone}/optin", A::staff,
           [](ApiCall& c) { set_contact_status(c, "active"); }});
    r.add({"GET", v1 + "/contacts/{phone}/report", A::signed_in, contact_report});
    r.add({"GET", v1 + "/campaigns", A::signed_in, list_campaigns});
    r.add({"POST", v1 + "/campaigns", A::staff, create_campaign});
    r.add({"GET", v1 + "/campaigns/{id}", A::signed_in, show_campaign});
    for (const char* action : {"pause", "resume", "cancel"}) {
        r.add({"POST", v1 + "/campaigns/{id}/" + action, A::staff,
               [action = std::string(action)](ApiCall& c) { campaign_transition(c, action); }});
    }
    r.add({"GET", v1 + "/campaigns/{id}/preview", A::signed_in, preview});
    r.add({"POST", v1 + "/campaigns/{id}/weeks/{week}/resend", A::staff, resend});
    r.add({"GET", v1 + "/campaigns/{id}/messages", A::signed_in, list_messages});
    r.add({"PUT", v1 + "/campaigns/{id}/messages/{week}/{language}", A::staff, set_message});
    r.add({"GET", v1 + "/campaigns/{id}/report", A::signed_in, campaign_report});
    r.add({"GET", v1 + "/deliveries", A::signed_in, deliveries});
    r.add({"GET", v1 + "/audit", A::signed_in, audit_export});
    r.add({"POST", v1 + "/audit/verify", A::signed_in, audit_verify});
    r.add({"GET", v1 + "/audit/checkpoint", A::signed_in, audit_checkpoint});
    r.add({"GET", v1 + "/inbox", A::signed_in, inbox});
    r.add({"GET", v1 + "/prices", A::signed_in, prices});
    r.add({"POST", v1 + "/prices/import", A::staff, import_prices});
    r.add({"GET", v1 + "/users", A::admin, list_users});
    r.add({"POST", v1 + "/users", A::admin, add_user});
    r.add({"POST", v1 + "/users/{name}/disable", A::admin,
           [](ApiCall& c) { user_status(c, "disabled"); }});
    r.add({"POST", v1 + "/users/{name}/enable", A::admin,
           [](ApiCall& c) { user_status(c, "active"); }});
    r.add({"POST", v1 + "/users/{name}/password", A::admin, user_password});
}

} // namespace kibaru::web
