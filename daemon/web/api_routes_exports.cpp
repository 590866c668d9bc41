// The JSON API's records of what happened: the deliveries and the audit log, streamed to the
// client as CSV or JSON, and the audit chain verified or its head taken as a checkpoint.
#include "web/api_handlers.hpp"

#include "core/delivery.hpp"
#include "core/phone.hpp"
#include "ops/admin.hpp"
#include "ops/contacts.hpp"
#include "ops/reports.hpp"
#include "web/api_route_helpers.hpp"
#include "web/body_ostream.hpp"

#include <ostream>

namespace kibaru::web::api {

namespace {

using util::Json;

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
    stream_reply(call.respond, std::move(head), [&](std::ostream& out) {
        auto writer =
            util::make_row_writer(csv ? util::Format::csv : util::Format::json, out, columns);
        produce([&](const std::vector<Json>& cells) { writer->row(cells); });
        writer->finish();
    });
}

} // namespace

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
        const auto week = int_number(call, w, "week");
        if (!week) {
            return;
        }
        filter.week = *week;
    }
    if (const auto p = call.param("phone"); !p.empty()) {
        auto phone = ops::normalize_phone(call.env, p, "phone", "phone ");
        if (failed(call, phone)) {
            return;
        }
        filter.phone = *phone;
    }
    if (const auto s = call.param("status"); !s.empty()) {
        if (!core::parse_delivery_state(s)) { // a typo must not read as "no such deliveries"
            std::string states;
            for (const auto state : core::k_delivery_states) {
                states += (states.empty() ? "" : ", ") + std::string(core::to_string(state));
            }
            call.respond(error_reply(ops::ErrorKind::invalid,
                                     "\"" + s + "\" is not a delivery state (" + states + ")",
                                     "status"));
            return;
        }
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

} // namespace kibaru::web::api
