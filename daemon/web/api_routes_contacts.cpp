// The JSON API's contacts: a filtered page of them, a CSV import (with its rejects), opting a
// phone out or in, and one contact's report.
#include "web/api_handlers.hpp"

#include "ops/contact_import.hpp"
#include "ops/contacts.hpp"
#include "ops/reports.hpp"
#include "web/api_route_helpers.hpp"

#include <sstream>

namespace kibaru::web::api {

namespace {

using util::Json;

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

} // namespace

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
                                  {"opted_out", report->opted_out},
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

} // namespace kibaru::web::api
