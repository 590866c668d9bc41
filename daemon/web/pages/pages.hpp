// The console's pages, each a handler of the console's route table (routes.cpp). They read and
// change through the operations (ops/), as the CLI and the API do, and render HTML in the
// user's language. Readable without JavaScript; the message editor's counter is the one script.
#pragma once

#include "web/api_routes.hpp"

namespace kibaru::web::pages {

void add_page_routes(Router<ApiHandler>& router);

// Sign-in, sign-out, language.
void sign_in_form(ApiCall& call);
void sign_in(ApiCall& call);
void sign_out(ApiCall& call);
void switch_language(ApiCall& call);
// The first page.
void overview(ApiCall& call);
// Contacts.
void contacts(ApiCall& call);
void contact(ApiCall& call);
void contact_status(ApiCall& call, const std::string& status);
void import_form(ApiCall& call);
void import_upload(ApiCall& call);
void import_review(ApiCall& call);
void import_rejects(ApiCall& call);
void import_commit(ApiCall& call);
// Campaigns and their weeks.
void campaigns(ApiCall& call);
void create_campaign(ApiCall& call);
void campaign(ApiCall& call);
void confirm_transition(ApiCall& call, const std::string& action);
void transition(ApiCall& call, const std::string& action);
void week_editor(ApiCall& call);
void save_week_message(ApiCall& call);
void resend_week(ApiCall& call);
void test_send_week(ApiCall& call);
// The inbox.
void inbox(ApiCall& call);
void reply_to_inbox(ApiCall& call);
void render_week_messages(ApiCall& call);
// Market prices.
void prices(ApiCall& call);
void import_prices(ApiCall& call);
// Reports and audit.
void report(ApiCall& call);
void deliveries(ApiCall& call);
void audit(ApiCall& call);
void verify_audit(ApiCall& call);
// Users (admin).
void users(ApiCall& call);
void add_user(ApiCall& call);
void user_action(ApiCall& call);

} // namespace kibaru::web::pages
