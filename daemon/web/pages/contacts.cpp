// Contacts: search and filters with paging, one contact's record and history, opt-out and
// opt-in. The import is in contact_import.cpp.
#include "ops/contacts.hpp"
#include "core/contact.hpp"
#include "core/gateway.hpp"
#include "core/phone.hpp"
#include "ops/reports.hpp"
#include "util/whole_number.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"

namespace kibaru::web::pages {

using html::tag;
using html::text;

namespace {

// An operator as its customers know it (brand names: not translated); "—" when unknown.
std::string operator_name(std::string_view id) {
    return id == "orange"    ? "Orange"
           : id == "moov"    ? "Moov Africa"
           : id == "telecel" ? "Telecel"
                             : "—";
}

// A ';'-list as stored (commodities), as a reader writes a list: "sesame, rice".
std::string readable_list(std::string_view stored) {
    std::string out;
    for (const auto& item : core::split_list(stored)) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

Html contact_table(const Page& page, const std::vector<store::ContactRow>& rows) {
    const auto plan = core::numbering_plan(page.call.env.config.contacts);
    Html head;
    for (const char* key :
         {"contact.phone", "contact.name", "contact.organisation", "contact.region",
          "contact.commodities", "contact.language", "contact.operator", "contact.status"}) {
        head += tag("th", {{"scope", "col"}}, text(page.t(key)));
    }
    Html body;
    for (const auto& r : rows) {
        const auto& c = r.contact;
        body += tag(
            "tr", {},
            tag("td", {}, tag("a", {{"href", "/contacts/" + c.phone}}, text(c.phone))) +
                tag("td", {}, text(c.name)) + tag("td", {}, text(c.organisation)) +
                tag("td", {}, text(c.region)) + tag("td", {}, text(readable_list(c.commodities))) +
                tag("td", {}, text(c.language)) +
                tag("td", {}, text(operator_name(plan.operator_of(c.phone)))) +
                tag("td", {},
                    badge(page.t("status." + r.status), r.status == "active" ? "ok" : "idle")));
    }
    return tag("table", {}, tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, body));
}

} // namespace

void contacts(ApiCall& call) {
    const auto page = make_page(call);
    store::ContactFilter filter;
    const std::string q = call.param("q"), commodity = call.param("commodity"),
                      region = call.param("region"), status = call.param("status");
    if (!q.empty()) {
        filter.search = q;
    }
    if (!commodity.empty()) {
        filter.commodity = commodity;
    }
    if (!region.empty()) {
        filter.region = region;
    }
    if (status == "active" || status == "opted_out") {
        filter.status = status;
    }
    // A cursor that is not a number starts from the first page.
    const std::int64_t after = util::whole_number(call.param("after", "0")).value_or(0);
    const auto result = ops::contacts_page(call.env, filter, after, 50);
    Html search = tag(
        "form", {{"method", "get"}, {"action", "/contacts"}, {"role", "search"}},
        tag("div", {{"class", "row"}},
            field("q", page.t("contacts.search"), q, {}, "search", page.t("contacts.search_hint")) +
                field("commodity", page.t("contact.commodities"), commodity, {}) +
                field("region", page.t("contact.region"), region, {}) +
                select_field("status", page.t("contact.status"), status,
                             {{"", page.t("contacts.any_status")},
                              {"active", page.t("status.active")},
                              {"opted_out", page.t("status.opted_out")}},
                             {}) +
                tag("div", {},
                    tag("button", {{"type", "submit"}}, text(page.t("contacts.find"))))));
    Html body = tag("p", {},
                    tag("a", {{"class", "button"}, {"href", "/contacts/import"}},
                        text(page.t("contacts.import"))));
    body += search;
    if (result->contacts.empty()) {
        body += tag("p", {}, text(page.t("contacts.none")));
    } else {
        body += contact_table(page, result->contacts);
    }
    if (result->next) {
        std::string next = "/contacts?after=" + std::to_string(*result->next);
        for (const auto& [name, value] : {std::pair{"q", q},
                                          {"commodity", commodity},
                                          {"region", region},
                                          {"status", status}}) {
            if (!value.empty()) {
                next += std::string("&") + name + "=" + core::url_encode(value);
            }
        }
        body +=
            tag("p", {}, tag("a", {{"href", next}, {"rel", "next"}}, text(page.t("page.next"))));
    }
    Html notice;
    if (const auto imported = call.param("imported"); !imported.empty()) {
        notice = text(page.t("import.done") + " " + imported);
    }
    send_page(page, 200, layout(page, page.t("nav.contacts"), body, "nav.contacts", {}, notice));
}

void contact(ApiCall& call) {
    const auto page = make_page(call);
    const auto report = ops::contact_report(call.env, call.captures.at("phone"));
    if (!report) {
        return error_page(page, report.error().kind == ops::ErrorKind::not_found ? 404 : 422,
                          report.error());
    }
    const auto& r = *report;
    const std::string phone = r["phone"];
    Html record;
    for (const auto& [key, field_name] : {std::pair{"contact.name", "name"},
                                          {"contact.organisation", "organisation"},
                                          {"contact.kind", "kind"},
                                          {"contact.region", "region"},
                                          {"contact.commodities", "commodities"},
                                          {"contact.language", "language"},
                                          {"contact.created", "created_at"}}) {
        record += tag("tr", {},
                      tag("th", {{"scope", "row"}}, text(page.t(key))) +
                          tag("td", {}, text(r[field_name].get<std::string>())));
    }
    const std::string status = r["status"];
    record += tag(
        "tr", {},
        tag("th", {{"scope", "row"}}, text(page.t("contact.status"))) +
            tag("td", {}, badge(page.t("status." + status), status == "active" ? "ok" : "idle")));
    record += tag("tr", {},
                  tag("th", {{"scope", "row"}}, text(page.t("contact.operator"))) +
                      tag("td", {},
                          text(operator_name(
                              core::numbering_plan(call.env.config.contacts).operator_of(phone)))));
    Html body = tag("table", {}, record);
    if (call.principal && ops::allowed(call.principal->role, ops::Role::staff)) {
        body += status == "active"
                    ? post_form(page, "/contacts/" + phone + "/optout", {},
                                page.t("contact.optout"), "danger")
                    : post_form(page, "/contacts/" + phone + "/optin", {}, page.t("contact.optin"));
    }
    Html history;
    for (const auto& h : r["status_history"]) {
        history +=
            tag("li", {},
                text(h["at"].get<std::string>() + " — " +
                     page.t("status." + h["status"].get<std::string>()) + " (" +
                     h["source"].get<std::string>() + ", " + h["actor"].get<std::string>() + ")"));
    }
    if (!history.empty()) {
        body += tag("h2", {}, text(page.t("contact.history"))) + tag("ul", {}, history);
    }
    body += tag("h2", {}, text(page.t("contact.deliveries")));
    if (r["deliveries"].empty()) {
        body += tag("p", {}, text(page.t("contact.no_delivery")));
    }
    for (const auto& d : r["deliveries"]) {
        Html events;
        for (const auto& e : d["events"]) {
            events +=
                tag("tr", {},
                    tag("td", {}, text(e["at"].get<std::string>())) +
                        tag("td", {}, text(page.t("state." + e["state"].get<std::string>()))) +
                        tag("td", {}, text(e["error"].get<std::string>())));
        }
        body += tag("h3", {},
                    text(page.t("report.campaign") + " " + d["campaign"].dump() + ", " +
                         page.t("overview.week") + " " + d["week"].dump() + ": " +
                         page.t("state." + d["state"].get<std::string>())));
        body += tag("table", {}, tag("tbody", {}, events));
    }
    send_page(page, 200,
              layout(page, phone + " " + r["name"].get<std::string>(), body, "nav.contacts"));
}

void contact_status(ApiCall& call, const std::string& status) {
    const auto page = make_page(call);
    auto change = ops::set_contact_status(call.env, call.captures.at("phone"), status, "console");
    if (!change) {
        return error_page(page, 404, change.error());
    }
    redirect(call, "/contacts/" + change->phone);
}

} // namespace kibaru::web::pages
