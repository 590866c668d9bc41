#include "web/api_routes.hpp"

#include <nlohmann/json.hpp>

#include "core/phone.hpp"
#include "ops/accounts.hpp"
#include "ops/admin.hpp"
#include "ops/campaigns.hpp"
#include "ops/contact_import.hpp"
#include "ops/contacts.hpp"
#include "ops/inbound.hpp"
#include "ops/messages.hpp"
#include "ops/prices.hpp"
#include "ops/reports.hpp"
#include "ops/resend.hpp"
#include "ops/secrets.hpp"
#include "store/inbox_repo.hpp"
#include "web/body_ostream.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <sstream>

namespace kibaru::web {

namespace {

using util::Json;

// The request body as a JSON object, or nullopt after answering 400.
std::optional<nlohmann::json> json_body(ApiCall& call) {
    auto body = nlohmann::json::parse(call.request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        call.respond(malformed_reply("the body must be a JSON object"));
        return std::nullopt;
    }
    return body;
}

// A string field of a JSON body: "" when absent; nullopt after answering 422 when not a string.
std::optional<std::string> text_field(ApiCall& call, const nlohmann::json& body,
                                      const std::string& name, bool required) {
    if (!body.contains(name) || body[name].is_null()) {
        if (required) {
            call.respond(error_reply(ops::ErrorKind::invalid, name + " is required", name));
            return std::nullopt;
        }
        return std::string();
    }
    if (!body[name].is_string()) {
        call.respond(error_reply(ops::ErrorKind::invalid, name + " must be a string", name));
        return std::nullopt;
    }
    return body[name].get<std::string>();
}

// A list of strings given as an array or a single string (`alias`: the singular, as the CLI's
// repeatable option is named).
std::optional<std::vector<std::string>> list_field(ApiCall& call, const nlohmann::json& body,
                                                   const std::string& name,
                                                   const std::string& alias) {
    const std::string key = body.contains(name) ? name : alias;
    std::vector<std::string> values;
    if (!body.contains(key) || body[key].is_null()) {
        return values;
    }
    const auto& value = body[key];
    if (value.is_string()) {
        values.push_back(value.get<std::string>());
        return values;
    }
    if (value.is_array()) {
        for (const auto& item : value) {
            if (!item.is_string()) {
                call.respond(
                    error_reply(ops::ErrorKind::invalid, key + " must be a list of strings", key));
                return std::nullopt;
            }
            values.push_back(item.get<std::string>());
        }
        return values;
    }
    call.respond(
        error_reply(ops::ErrorKind::invalid, key + " must be a string or a list of them", key));
    return std::nullopt;
}

// A whole number from a path segment or a query parameter; nullopt after answering.
std::optional<std::int64_t> number(ApiCall& call, const std::string& text,
                                   const std::string& field) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        call.respond(error_reply(ops::ErrorKind::invalid,
                                 field + " must be a whole number (\"" + text + "\")", field));
        return std::nullopt;
    }
    return value;
}

// Rows as the CLI's --format json writes them: an array of objects keyed by `columns`.
template <typename Rows, typename Cells>
Json rows_json(const std::vector<std::string>& columns, const Rows& rows, Cells cells) {
    std::ostringstream out;
    auto writer = util::make_row_writer(util::Format::json, out, columns);
    for (const auto& row : rows) {
        writer->row(cells(row));
    }
    writer->finish();
    return Json::parse(out.str());
}

template <typename T>
bool failed(ApiCall& call, const ops::Result<T>& result) {
    if (!result) {
        call.respond(error_reply(result.error()));
        return true;
    }
    return false;
}

std::string session_cookie(const std::string& value, bool secure, bool clear) {
    return std::string(k_session_cookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" +
           (secure ? "; Secure" : "") + (clear ? "; Max-Age=0" : "");
}

// --- session --------------------------------------------------------------------------------

void login(ApiCall& call) {
    auto body = json_body(call);
    if (!body) {
        return;
    }
    const auto name = text_field(call, *body, "name", true);
    if (!name) {
        return;
    }
    const auto password = text_field(call, *body, "password", true);
    if (!password) {
        return;
    }
    // Slow on purpose (Argon2id): this runs on a worker thread, never on the daemon's loop.
    auto login = call.sessions.log_in(call.env, *name, *password, call.request.peer);
    if (failed(call, login)) {
        return;
    }
    auto reply = json_reply(200, {{"name", login->principal.name},
                                  {"role", ops::role_name(login->principal.role)},
                                  {"csrf_token", login->csrf_token}});
    reply.headers.emplace_back("Set-Cookie",
                               session_cookie(login->session_token, call.secure, false));
    call.respond(std::move(reply));
}

void logout(ApiCall& call) {
    call.sessions.log_out(call.env, *call.principal);
    auto reply = json_reply(200, {{"signed_out", true}});
    reply.headers.emplace_back("Set-Cookie", session_cookie("", call.secure, true));
    call.respond(std::move(reply));
}

// --- status and contacts ----------------------------------------------------------------------

void status(ApiCall& call) {
    call.respond(json_reply(200, ops::installation_status(call.env)));
}

void contacts_page(ApiCall& call) {
    store::ContactFilter filter;
    for (auto [name, slot] :
         {std::pair{"commodity", &filter.commodity}, std::pair{"region", &filter.region},
          std::pair{"status", &filter.status}, std::pair{"q", &filter.search}}) {
        if (const auto value = call.param(name); !value.empty()) {
            *slot = value;
        }
    }
    const auto limit = number(call, call.param("limit", "50"), "limit");
    const auto after = limit ? number(call, call.param("after", "0"), "after") : std::nullopt;
    if (!limit || !after) {
        return;
    }
    auto page = ops::contacts_page(call.env, filter, *after, static_cast<int>(*limit));
    if (failed(call, page)) {
        return;
    }
    call.respond(json_reply(200, ops::contacts_page_json(call.env, *page)));
}

// Gathers up to 10,000 rejects (line, field, reason) to return; the counts cover them all.
class CollectingListener final : public ops::ImportListener {
public:
    void problem(const ops::ImportProblem& p) override {
        auto& list = p.duplicate ? duplicates : rejects;
        if (list.size() < 10000) {
            list.push_back({{"line", p.line}, {"field", p.field}, {"reason", p.reason}});
        } else {
            truncated = true;
        }
    }
    Json rejects = Json::array();
    Json duplicates = Json::array();
    bool truncated = false;
};

void import_contacts(ApiCall& call) {
    ops::ImportOptions options;
    options.strict = call.param("strict") == "true" || call.param("strict") == "1";
    options.dry_run = call.param("dry_run") == "true" || call.param("dry_run") == "1";
    const std::string name = call.param("name", "upload.csv");
    std::istringstream in(call.request.body);
    CollectingListener listener;
    auto report = ops::import_contacts(call.env, in, name, options, listener);
    if (failed(call, report)) {
        return;
    }
    call.respond(json_reply(200, {{"file", name},
                                  {"rows", report->rows},
                                  {"inserted", report->inserted},
                                  {"updated", report->updated},
                                  {"rejected", report->rejected},
                                  {"duplicates", report->duplicates},
                                  {"written", report->written},
                                  {"rejects", listener.rejects},
                                  {"duplicate_rows", listener.duplicates},
                                  {"truncated", listener.truncated}}));
}

void set_contact_status(ApiCall& call, const std::string& status) {
    auto change = ops::set_contact_status(call.env, call.captures.at("phone"), status, "api");
    if (failed(call, change)) {
        return;
    }
    call.respond(json_reply(
        200, {{"phone", change->phone}, {"from", change->previous}, {"status", change->status}}));
}

void contact_report(ApiCall& call) {
    auto report = ops::contact_report(call.env, call.captures.at("phone"));
    if (failed(call, report)) {
        return;
    }
    call.respond(json_reply(200, *report));
}

// --- campaigns and messages -------------------------------------------------------------------

void list_campaigns(ApiCall& call) {
    call.respond(
        json_reply(200, rows_json(ops::campaign_list_columns(), ops::list_campaigns(call.env),
                                  ops::campaign_list_cells)));
}

void create_campaign(ApiCall& call) {
    auto body = json_body(call);
    if (!body) {
        return;
    }
    core::Campaign c;
    c.timezone.clear(); // empty: [schedule] timezone
    for (auto [name, slot, required] :
         {std::tuple{"name", &c.name, true}, std::tuple{"commodity", &c.commodity, true},
          std::tuple{"start", &c.start_date, true}, std::tuple{"send_day", &c.send_day, false},
          std::tuple{"send_time", &c.send_time, false},
          std::tuple{"timezone", &c.timezone, false}}) {
        const auto value = text_field(call, *body, name, required);
        if (!value) {
            return;
        }
        if (!value->empty()) {
            *slot = *value;
        }
    }
    if (body->contains("weeks")) {
        if (!(*body)["weeks"].is_number_integer()) {
            return call.respond(
                error_reply(ops::ErrorKind::invalid, "weeks must be a whole number", "weeks"));
        }
        c.weeks = (*body)["weeks"].get<int>();
    }
    for (auto [name, alias, slot] :
         {std::tuple{"regions", "region", &c.regions}, std::tuple{"kinds", "kind", &c.kinds},
          std::tuple{"languages", "language", &c.languages}}) {
        auto values = list_field(call, *body, name, alias);
        if (!values) {
            return;
        }
        *slot = std::move(*values);
    }
    auto created = ops::create_campaign(call.env, c);
    if (failed(call, created)) {
        return;
    }
    call.respond(json_reply(201, ops::campaign_json(created->campaign)));
}

std::optional<std::int64_t> campaign_id(ApiCall& call) {
    return number(call, call.captures.at("id"), "id");
}

// The campaign and week of a /campaigns/{id}/.../{week}/... path, and the JSON body; an error
// reply already sent when any of them is wrong.
struct WeekRequest {
    std::int64_t id = 0;
    int week = 0;
    nlohmann::json body;
};
std::optional<WeekRequest> week_request(ApiCall& call) {
    const auto id = campaign_id(call);
    const auto week = id ? number(call, call.captures.at("week"), "week") : std::nullopt;
    if (!id || !week) {
        return std::nullopt;
    }
    auto body = json_body(call);
    if (!body) {
        return std::nullopt;
    }
    return WeekRequest{*id, static_cast<int>(*week), std::move(*body)};
}

void show_campaign(ApiCall& call) {
    const auto id = campaign_id(call);
    if (!id) {
        return;
    }
    auto details = ops::campaign_details(call.env, *id);
    if (failed(call, details)) {
        return;
    }
    call.respond(json_reply(200, ops::campaign_details_json(*details)));
}

void campaign_transition(ApiCall& call, const std::string& action) {
    const auto id = campaign_id(call);
    if (!id) {
        return;
    }
    auto t = ops::change_campaign_status(call.env, *id, action);
    if (failed(call, t)) {
        return;
    }
    call.respond(json_reply(200, {{"id", t->id}, {"from", t->from}, {"status", t->to}}));
}

// {"state": "unknown"|"failed", "dry_run": bool}: as `deliveries resend`.
void resend(ApiCall& call) {
    const auto at = week_request(call);
    if (!at) {
        return;
    }
    const auto state = text_field(call, at->body, "state", true);
    if (!state) {
        return;
    }
    if (at->body.contains("dry_run") && !at->body["dry_run"].is_boolean()) {
        return call.respond(
            error_reply(ops::ErrorKind::invalid, "dry_run must be true or false", "dry_run"));
    }
    auto r = ops::resend_deliveries(call.env, at->id, at->week, *state,
                                    at->body.value("dry_run", false));
    if (failed(call, r)) {
        return;
    }
    call.respond(json_reply(200, {{"campaign", r->campaign_id},
                                  {"week", r->week},
                                  {"state", r->state},
                                  {"deliveries", r->deliveries},
                                  {"dry_run", r->dry_run}}));
}

void preview(ApiCall& call) {
    const auto id = campaign_id(call);
    const auto week = id ? number(call, call.param("week"), "week") : std::nullopt;
    if (!id || !week) {
        return;
    }
    auto out = ops::preview_week(call.env, *id, static_cast<int>(*week), call.param("phone"));
    if (failed(call, out)) {
        return;
    }
    call.respond(json_reply(200, *out));
}

void list_messages(ApiCall& call) {
    const auto id = campaign_id(call);
    if (!id) {
        return;
    }
    auto messages = ops::list_messages(call.env, *id);
    if (failed(call, messages)) {
        return;
    }
    call.respond(json_reply(
        200, rows_json(ops::message_list_columns(), *messages, [](const store::MessageRow& m) {
            return ops::message_list_cells(m, false);
        })));
}

void set_message(ApiCall& call) {
    const auto at = week_request(call);
    if (!at) {
        return;
    }
    const auto text = text_field(call, at->body, "text", true);
    if (!text) {
        return;
    }
    auto saved = ops::save_messages(
        call.env, at->id, {{call.request.path, at->week, call.captures.at("language"), *text}},
        "api");
    if (failed(call, saved)) {
        return;
    }
    const auto& m = saved->front();
    call.respond(json_reply(200, {{"week", m.week},
                                  {"language", m.language},
                                  {"encoding", m.encoding},
                                  {"segments", m.segments},
                                  {"audience", m.audience}}));
}

void campaign_report(ApiCall& call) {
    const auto id = campaign_id(call);
    if (!id) {
        return;
    }
    auto report = ops::campaign_report(call.env, *id);
    if (failed(call, report)) {
        return;
    }
    if (call.param("format") == "csv") { // as `report campaign --format csv`
        std::ostringstream out;
        auto writer = util::make_row_writer(util::Format::csv, out, report->columns);
        for (const auto& row : report->weeks) {
            writer->row(row);
        }
        writer->finish();
        net::Reply reply{200, out.str(), "text/csv; charset=utf-8"};
        reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"campaign-" +
                                                              std::to_string(*id) + ".csv\"");
        return call.respond(std::move(reply));
    }
    call.respond(json_reply(200, rows_json(report->columns, report->weeks,
                                           [](const std::vector<Json>& row) { return row; })));
}

// --- streamed exports ---------------------------------------------------------------------------

// Streams rows as CSV or JSON (`format` query parameter), never holding them all; `produce`
// calls its argument for each row's cells.
template <typename Produce>
void stream_rows(ApiCall& call, const std::vector<std::string>& columns,
                 const std::string& filename, Produce produce) {
    const auto format = call.param("format", "json");
    if (format != "json" && format != "csv") {
        return call.respond(
            error_reply(ops::ErrorKind::invalid, "format must be json or csv", "format"));
    }
    const bool csv = format == "csv";
    net::Reply head{200, "", csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"};
    if (csv) {
        head.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"" + filename + ".csv\"");
    }
    auto body = call.respond.stream(std::move(head));
    if (!body) {
        return;
    }
    BodyStreamBuf buffer(body);
    std::ostream out(&buffer);
    out.exceptions(std::ios::badbit); // a client gone stops the export (ClientGone)
    try {
        auto writer =
            util::make_row_writer(csv ? util::Format::csv : util::Format::json, out, columns);
        produce([&](const std::vector<Json>& cells) { writer->row(cells); });
        writer->finish();
        out.flush();
        buffer.finish();
    } catch (const ClientGone&) {
        // Nothing more to send to anyone.
    }
}

void deliveries(ApiCall& call) {
    store::DeliveryFilter filter;
    if (const auto c = call.param("campaign"); !c.empty()) {
        const auto id = number(call, c, "campaign");
        if (!id) {
            return;
        }
        filter.campaign = *id;
    }
    if (const auto w = call.param("week"); !w.empty()) {
        const auto week = number(call, w, "week");
        if (!week) {
            return;
        }
        filter.week = static_cast<int>(*week);
    }
    if (const auto p = call.param("phone"); !p.empty()) {
        auto phone = ops::normalize_phone(call.env, p, "phone", "phone ");
        if (failed(call, phone)) {
            return;
        }
        filter.phone = *phone;
    }
    if (const auto s = call.param("status"); !s.empty()) {
        filter.state = s;
    }
    const auto plan = core::numbering_plan(call.env.config.contacts);
    stream_rows(call, ops::delivery_columns(), "deliveries", [&](const auto& row) {
        ops::for_each_delivery(call.env, filter, [&](const store::DeliveryRow& d) {
            row(ops::delivery_cells(d, plan));
        });
    });
}

void audit_export(ApiCall& call) {
    stream_rows(call, ops::audit_columns(), "audit", [&](const auto& row) {
        ops::for_each_audit_entry(call.env,
                                  [&](const store::AuditRow& r) { row(ops::audit_cells(r)); });
    });
}

void audit_verify(ApiCall& call) {
    call.respond(json_reply(200, ops::audit_verdict_json(ops::verify_audit(call.env))));
}

// {"seq", "head", "at", "text"}: the chain's head now, as a witness keeps it.
void audit_checkpoint(ApiCall& call) {
    call.respond(json_reply(200, ops::audit_checkpoint_json(ops::audit_checkpoint(call.env))));
}

// --- users ---------------------------------------------------------------------------------------

void list_users(ApiCall& call) {
    auto users = ops::list_users(call.env);
    if (failed(call, users)) {
        return;
    }
    call.respond(json_reply(200, rows_json(ops::user_columns(), *users, ops::user_cells)));
}

void add_user(ApiCall& call) {
    auto body = json_body(call);
    if (!body) {
        return;
    }
    const auto name = text_field(call, *body, "name", true);
    const auto role = name ? text_field(call, *body, "role", true) : std::nullopt;
    const auto password = role ? text_field(call, *body, "password", true) : std::nullopt;
    if (!password) {
        return;
    }
    auto user = ops::add_user(call.env, *name, *role, *password);
    if (failed(call, user)) {
        return;
    }
    call.respond(json_reply(201, {{"name", user->name},
                                  {"role", user->role},
                                  {"status", user->status},
                                  {"created_at", user->created_at}}));
}

void user_status(ApiCall& call, const std::string& status) {
    const auto& name = call.captures.at("name");
    if (failed(call, ops::set_user_status(call.env, name, status))) {
        return;
    }
    call.respond(json_reply(200, {{"name", name}, {"status", status}}));
}

void user_password(ApiCall& call) {
    auto body = json_body(call);
    if (!body) {
        return;
    }
    const auto password = text_field(call, *body, "password", true);
    if (!password) {
        return;
    }
    const auto& name = call.captures.at("name");
    if (failed(call, ops::change_password(call.env, name, *password))) {
        return;
    }
    call.respond(json_reply(200, {{"name", name}, {"password_changed", true}}));
}

// GET /api/v1/inbox?since=&unanswered=1&limit=&before=: a page of incoming SMS, newest
// first; `next` is the `before` of the following page.
void inbox(ApiCall& call) {
    std::int64_t limit = 100;
    std::int64_t before = 0;
    try {
        limit = std::clamp<std::int64_t>(std::stoll(call.param("limit", "100")), 1, 1000);
        before = std::stoll(call.param("before", "0"));
    } catch (const std::exception&) {
        return call.respond(malformed_reply("limit and before must be whole numbers", "limit"));
    }
    const bool unanswered = call.param("unanswered") == "1" || call.param("unanswered") == "true";
    const auto rows =
        store::InboxRepo(call.env.db).list(call.param("since"), unanswered, limit, before);
    Json out;
    out["messages"] = rows_json(ops::inbox_columns(), rows, ops::inbox_cells);
    out["next"] = static_cast<std::int64_t>(rows.size()) == limit
                      ? Json(std::to_string(rows.back().id))
                      : Json(nullptr);
    call.respond(json_reply(200, out));
}

// GET /api/v1/prices?commodity=&market=: as `prices list --format json`.
void prices(ApiCall& call) {
    const auto rows =
        ops::list_prices(call.env, call.param("commodity"), call.param("market"), 1000);
    call.respond(json_reply(
        200, rows_json({"date", "commodity", "market", "price_min", "price_max", "unit", "trend"},
                       rows, [](const store::PriceRow& p) {
                           return std::vector<Json>{p.date,      p.commodity, p.market, p.price_min,
                                                    p.price_max, p.unit,      p.trend};
                       })));
}

} // namespace

void add_api_routes(Router<ApiHandler>& r) {
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
    r.add({"GET", v1 + "/users", A::admin, list_users});
    r.add({"POST", v1 + "/users", A::admin, add_user});
    r.add({"POST", v1 + "/users/{name}/disable", A::admin,
           [](ApiCall& c) { user_status(c, "disabled"); }});
    r.add({"POST", v1 + "/users/{name}/enable", A::admin,
           [](ApiCall& c) { user_status(c, "active"); }});
    r.add({"POST", v1 + "/users/{name}/password", A::admin, user_password});
}

} // namespace kibaru::web
