// Contacts: search and filters with paging, one contact's record and history, opt-out and
// opt-in, and the import in two steps: the file is uploaded and checked (nothing written),
// every reject and what would be added or updated is shown (the rejects downloadable), and only
// a second click imports it.
#include "ops/contacts.hpp"
#include "core/gateway.hpp"
#include "core/phone.hpp"
#include "ops/contact_import.hpp"
#include "ops/reports.hpp"
#include "ops/secrets.hpp"
#include "web/multipart.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"

#include <chrono>
#include <mutex>
#include <sstream>

namespace kibaru::web::pages {

using html::tag;
using html::text;
using html::void_tag;

namespace {

// Uploaded files between their review and their import: a few, for an hour, in memory.
class Uploads {
public:
    struct Upload {
        std::string name;
        std::string bytes;
        std::string user;
        std::chrono::steady_clock::time_point at;
    };
    static Uploads& instance() {
        static Uploads uploads;
        return uploads;
    }
    std::string keep(Upload upload) {
        std::lock_guard lock(m_mutex);
        const auto now = std::chrono::steady_clock::now();
        for (auto it = m_uploads.begin(); it != m_uploads.end();) {
            it = now - it->second.at > std::chrono::hours(1) ? m_uploads.erase(it) : std::next(it);
        }
        while (m_uploads.size() >= 4) {
            auto oldest = m_uploads.begin();
            for (auto it = m_uploads.begin(); it != m_uploads.end(); ++it) {
                if (it->second.at < oldest->second.at) {
                    oldest = it;
                }
            }
            m_uploads.erase(oldest);
        }
        const auto id = ops::random_token("u");
        upload.at = now;
        m_uploads[id] = std::move(upload);
        return id;
    }
    std::optional<Upload> find(const std::string& id, const std::string& user) {
        std::lock_guard lock(m_mutex);
        const auto it = m_uploads.find(id);
        if (it == m_uploads.end() || it->second.user != user) {
            return std::nullopt;
        }
        return it->second;
    }
    void forget(const std::string& id) {
        std::lock_guard lock(m_mutex);
        m_uploads.erase(id);
    }

private:
    std::mutex m_mutex;
    std::map<std::string, Upload> m_uploads;
};

class Collect final : public ops::ImportListener {
public:
    void problem(const ops::ImportProblem& p) override {
        problems.push_back(p);
        problems.back().record = nullptr; // the import's row, gone with its batch
    }
    std::vector<ops::ImportProblem> problems;
};

// An operator as its customers know it (brand names: not translated); "—" when unknown.
std::string operator_name(std::string_view id) {
    return id == "orange"    ? "Orange"
           : id == "moov"    ? "Moov Africa"
           : id == "telecel" ? "Telecel"
                             : "—";
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
        body +=
            tag("tr", {},
                tag("td", {}, tag("a", {{"href", "/contacts/" + c.phone}}, text(c.phone))) +
                    tag("td", {}, text(c.name)) + tag("td", {}, text(c.organisation)) +
                    tag("td", {}, text(c.region)) + tag("td", {}, text(c.commodities)) +
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
    std::int64_t after = 0;
    try {
        after = std::stoll(call.param("after", "0"));
    } catch (const std::exception&) {
    }
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
                          report.error().message);
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
        return error_page(page, 404, change.error().message);
    }
    redirect(call, "/contacts/" + change->phone);
}

void import_form(ApiCall& call) {
    const auto page = make_page(call);
    Html body = tag("p", {}, text(page.t("import.explain")));
    body += tag(
        "form",
        {{"method", "post"}, {"action", "/contacts/import"}, {"enctype", "multipart/form-data"}},
        void_tag("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", page.csrf}}) +
            field("file", page.t("import.file"), "", {}, "file", page.t("import.file_hint"),
                  {{"accept", ".csv,text/csv"}, {"required", "required"}}) +
            tag("p", {}, tag("button", {{"type", "submit"}}, text(page.t("import.check")))));
    send_page(page, 200, layout(page, page.t("contacts.import"), body, "nav.contacts"));
}

// Step 1: the file is checked (a dry run) and kept; the review shows what would happen.
void import_upload(ApiCall& call) {
    const auto page = make_page(call);
    const auto type = call.request.headers.find("content-type");
    const auto parts =
        parse_multipart(type == call.request.headers.end() ? "" : type->second, call.request.body);
    if (!parts || !parts->count("file") || parts->at("file").content.empty()) {
        return send_page(
            page, 422,
            layout(page, page.t("contacts.import"),
                   tag("p", {},
                       tag("a", {{"href", "/contacts/import"}}, text(page.t("import.again")))),
                   "nav.contacts", {{"file", page.t("import.no_file")}}));
    }
    const auto& file = parts->at("file");
    const std::string name = file.filename.empty() ? "upload.csv" : file.filename;
    const auto id = Uploads::instance().keep({name, file.content, call.principal->name, {}});
    redirect(call, "/contacts/import/" + id);
}

void import_review(ApiCall& call) {
    const auto page = make_page(call);
    const auto upload = Uploads::instance().find(call.captures.at("id"), call.principal->name);
    if (!upload) {
        return error_page(page, 404, page.t("import.gone"));
    }
    std::istringstream in(upload->bytes);
    Collect collected;
    ops::ImportOptions options;
    options.dry_run = true;
    const auto report = ops::import_contacts(call.env, in, upload->name, options, collected);
    if (!report) {
        return send_page(
            page, 422,
            layout(page, page.t("contacts.import"),
                   tag("p", {},
                       tag("a", {{"href", "/contacts/import"}}, text(page.t("import.again")))),
                   "nav.contacts", {{"file", report.error().message}}));
    }
    Html body =
        tag("p", {},
            text(upload->name + ": " + number(static_cast<std::int64_t>(report->rows), page.lang) +
                 " " + page.t("import.rows") + " — " +
                 number(static_cast<std::int64_t>(report->inserted), page.lang) + " " +
                 page.t("import.new") + ", " +
                 number(static_cast<std::int64_t>(report->updated), page.lang) + " " +
                 page.t("import.updated") + ", " +
                 number(static_cast<std::int64_t>(report->rejected), page.lang) + " " +
                 page.t("import.rejected") + ", " +
                 number(static_cast<std::int64_t>(report->duplicates), page.lang) + " " +
                 page.t("import.duplicates") + "."));
    Html rows;
    for (const auto& p : collected.problems) {
        rows += tag(
            "tr", {},
            tag("td", {{"class", "n"}}, text(std::to_string(p.line))) +
                tag("td", {}, text(p.field)) +
                tag("td", {},
                    text(p.duplicate ? page.t("import.duplicate") + ": " + p.reason : p.reason)));
    }
    if (!rows.empty()) {
        body += tag("h2", {}, text(page.t("import.problems")));
        body += tag("p", {},
                    tag("a", {{"href", call.request.path + "/rejects.csv"}},
                        text(page.t("import.download_rejects"))));
        body +=
            tag("table", {},
                tag("thead", {},
                    tag("tr", {},
                        tag("th", {{"scope", "col"}, {"class", "n"}}, text(page.t("import.line"))) +
                            tag("th", {{"scope", "col"}}, text(page.t("import.field"))) +
                            tag("th", {{"scope", "col"}}, text(page.t("import.reason"))))) +
                    tag("tbody", {}, rows));
    }
    body +=
        post_form(page, call.request.path, {},
                  report->rejected > 0 ? page.t("import.commit_valid") : page.t("import.commit"));
    body += tag("p", {}, tag("a", {{"href", "/contacts/import"}}, text(page.t("import.cancel"))));
    send_page(page, 200, layout(page, page.t("import.review"), body, "nav.contacts"));
}

void import_rejects(ApiCall& call) {
    const auto upload = Uploads::instance().find(call.captures.at("id"), call.principal->name);
    if (!upload) {
        return call.respond({404, "gone\n"});
    }
    std::istringstream in(upload->bytes);
    Collect collected;
    ops::ImportOptions options;
    options.dry_run = true;
    (void)ops::import_contacts(call.env, in, upload->name, options, collected);
    std::string csv = "line,field,reason\n";
    for (const auto& p : collected.problems) {
        if (!p.duplicate) {
            const std::vector<std::string> fields = {std::to_string(p.line), p.field, p.reason};
            csv += core::csv_line(fields);
        }
    }
    net::Reply reply{200, csv, "text/csv; charset=utf-8"};
    reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"rejects.csv\"");
    call.respond(std::move(reply));
}

// Step 2: the same file, imported for real (rejects still left out).
void import_commit(ApiCall& call) {
    const auto page = make_page(call);
    FormClaim claim(page.form("form_id"));
    if (claim.earlier()) {
        return redirect(call, *claim.earlier());
    }
    const auto id = call.captures.at("id");
    const auto upload = Uploads::instance().find(id, call.principal->name);
    if (!upload) {
        return error_page(page, 404, page.t("import.gone"));
    }
    std::istringstream in(upload->bytes);
    Collect collected;
    const auto report = ops::import_contacts(call.env, in, upload->name, {}, collected);
    if (!report) {
        return error_page(page, 422, report.error().message);
    }
    Uploads::instance().forget(id);
    const std::string done =
        "/contacts?imported=" + std::to_string(report->inserted + report->updated);
    claim.succeeded(done);
    redirect(call, done);
}

} // namespace kibaru::web::pages
