// The JSON API's campaigns: listing, creating and showing them, pausing, resuming and
// cancelling, a week's preview and resend, their messages, and a campaign's report.
#include "web/api_handlers.hpp"

#include "ops/campaigns.hpp"
#include "ops/messages.hpp"
#include "ops/reports.hpp"
#include "ops/resend.hpp"
#include "web/api_route_helpers.hpp"

#include <sstream>
#include <tuple>

namespace kibaru::web::api {

namespace {

using util::Json;

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
    const auto week = id ? int_number(call, call.captures.at("week"), "week") : std::nullopt;
    if (!id || !week) {
        return std::nullopt;
    }
    auto body = json_body(call);
    if (!body) {
        return std::nullopt;
    }
    return WeekRequest{*id, *week, std::move(*body)};
}

} // namespace

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
        const auto weeks = int_field(call, (*body)["weeks"], "weeks");
        if (!weeks) {
            return;
        }
        c.weeks = *weeks;
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
    const auto week = id ? int_number(call, call.param("week"), "week") : std::nullopt;
    if (!id || !week) {
        return;
    }
    auto out = ops::preview_week(call.env, *id, *week, call.param("phone"));
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
    ops::add_audit_checkpoint(call.env, *report); // as `report campaign` exports it
    if (call.param("format") == "csv") {          // as `report campaign --format csv`
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

} // namespace kibaru::web::api
