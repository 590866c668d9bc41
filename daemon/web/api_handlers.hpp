// The JSON API's handlers, one file per resource, each a handler of the API's route table
// (api_routes.cpp). Each translates JSON and query parameters into an operation's arguments
// and its result into JSON, and answers through call.respond: its result, or an error reply
// (400 for a body that is not JSON, 422 for a wrong field, the operation's error otherwise).
// All run on a console worker thread with that worker's own database connection (call.env).
// Internal to web/: included only by the route table and the handlers' own files.
#pragma once

#include <string>

namespace kibaru::web {
struct ApiCall;
} // namespace kibaru::web

namespace kibaru::web::api {

// Signing in and out (api_routes_accounts.cpp).
void login(ApiCall& call);
void logout(ApiCall& call);
// Users, for admins (api_routes_accounts.cpp).
void list_users(ApiCall& call);
void add_user(ApiCall& call);
void user_status(ApiCall& call, const std::string& status);
void user_password(ApiCall& call);

// Contacts (api_routes_contacts.cpp).
void contacts_page(ApiCall& call);
void import_contacts(ApiCall& call);
void set_contact_status(ApiCall& call, const std::string& status);
void contact_report(ApiCall& call);

// Campaigns, their weeks' messages and their report (api_routes_campaigns.cpp).
void list_campaigns(ApiCall& call);
void create_campaign(ApiCall& call);
void show_campaign(ApiCall& call);
void campaign_transition(ApiCall& call, const std::string& action);
void preview(ApiCall& call);
void resend(ApiCall& call);
void list_messages(ApiCall& call);
void set_message(ApiCall& call);
void campaign_report(ApiCall& call);

// The deliveries and the audit log, streamed; the audit chain's checks (api_routes_exports.cpp).
void deliveries(ApiCall& call);
void audit_export(ApiCall& call);
void audit_verify(ApiCall& call);
void audit_checkpoint(ApiCall& call);

// The installation's status, the inbox, market prices (api_routes_status.cpp).
void status(ApiCall& call);
void inbox(ApiCall& call);
void prices(ApiCall& call);
void import_prices(ApiCall& call);

} // namespace kibaru::web::api
