// Campaigns: the list and the form that creates one; a campaign's 21 weeks as a timeline with
// each week's state and counts; pause, resume and cancel behind a confirmation that says what
// each does.
#include "ops/campaigns.hpp"
#include "core/campaign.hpp"
#include "ops/reports.hpp"
#include "store/deliveries_repo.hpp"
#include "util/whole_number.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"
#include "web/pages/widgets.hpp"

#include <limits>
#include <set>
#include <sstream>

namespace kibaru::web::pages {

using html::tag;
using html::text;
using html::void_tag;

namespace {

std::vector<std::string> split_list(const std::string& value) {
    std::vector<std::string> items;
    std::string item;
    std::istringstream in(value);
    while (std::getline(in, item, ',')) {
        const auto first = item.find_first_not_of(' ');
        const auto last = item.find_last_not_of(' ');
        if (first != std::string::npos) {
            items.push_back(item.substr(first, last - first + 1));
        }
    }
    return items;
}

// The create form, keeping what was typed, with the errors of a refused submit.
Html create_form(const Page& page, const std::vector<FieldError>& errors) {
    auto value = [&](const std::string& name, const std::string& fallback) {
        const auto v = page.form(name);
        return v.empty() ? fallback : v;
    };
    std::vector<std::pair<std::string, std::string>> days;
    for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
        days.emplace_back(d, page.t(std::string("day.") + d));
    }
    const Html fields =
        tag("div", {{"class", "row"}},
            field("name", page.t("campaign.name"), value("name", ""), errors, "text", "",
                  {{"required", "required"}}) +
                field("commodity", page.t("campaign.commodity"), value("commodity", ""), errors,
                      "text", page.t("campaign.commodity_hint"), {{"required", "required"}}) +
                field("start", page.t("campaign.start"), value("start", ""), errors, "date",
                      page.t("campaign.start_hint"), {{"required", "required"}})) +
        tag("div", {{"class", "row"}},
            field("weeks", page.t("campaign.weeks"), value("weeks", "21"), errors, "number", "",
                  {{"min", "1"}, {"max", "104"}}) +
                select_field("send_day", page.t("campaign.send_day"), value("send_day", "tue"),
                             days, errors) +
                field("send_time", page.t("campaign.send_time"), value("send_time", "08:00"),
                      errors, "time") +
                field("timezone", page.t("campaign.timezone"),
                      value("timezone", page.call.env.config.schedule.timezone), errors)) +
        tag("div", {{"class", "row"}},
            field("regions", page.t("campaign.regions"), value("regions", ""), errors, "text",
                  page.t("campaign.list_hint")) +
                field("kinds", page.t("campaign.kinds"), value("kinds", ""), errors, "text",
                      page.t("campaign.kinds_hint")) +
                field("languages", page.t("campaign.languages"), value("languages", ""), errors,
                      "text", page.t("campaign.list_hint")));
    return post_form(page, "/campaigns", fields, page.t("campaign.create"));
}

void render_campaigns(const Page& page, int status, const std::vector<FieldError>& errors) {
    Html rows;
    for (const auto& c : ops::list_campaigns(page.call.env)) {
        rows += tag("tr", {},
                    tag("td", {},
                        tag("a", {{"href", "/campaigns/" + std::to_string(c.id)}}, text(c.name))) +
                        tag("td", {}, text(c.commodity)) + tag("td", {}, text(c.start_date)) +
                        tag("td", {{"class", "n"}}, text(std::to_string(c.weeks))) +
                        tag("td", {},
                            badge(page.t("status." + c.status), c.status == "active"   ? "ok"
                                                                : c.status == "paused" ? "warn"
                                                                                       : "idle")));
    }
    Html body;
    if (rows.empty()) {
        body += tag("p", {}, text(page.t("overview.no_campaign")));
    } else {
        Html head;
        for (const char* key : {"campaign.name", "campaign.commodity", "campaign.start",
                                "campaign.weeks", "campaign.status"}) {
            head += tag("th", {{"scope", "col"}}, text(page.t(key)));
        }
        body += tag("table", {}, tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, rows));
    }
    if (page.call.principal && ops::allowed(page.call.principal->role, ops::Role::staff)) {
        body +=
            tag("h2", {{"id", "new"}}, text(page.t("campaign.new"))) + create_form(page, errors);
    }
    send_page(page, status, layout(page, page.t("nav.campaigns"), body, "nav.campaigns", errors));
}

// A refused campaign's errors on the form. The operations layer writes English, for the CLI;
// for each field it blames, the form says what that field needs in the reader's language,
// quoting what was typed. When it blames several, core says which (campaign_problems).
// Refusals it cannot pin on a field are shown as written.
std::vector<FieldError> campaign_refusal(const Page& page, const ops::Error& error,
                                         const core::Campaign& campaign) {
    static const std::set<std::string, std::less<>> k_explained = {
        "name",      "commodity", "weeks", "start",    "send_day",
        "send_time", "timezone",  "kinds", "languages"};
    const auto explained = [&](const std::string& field) -> FieldError {
        const auto typed = page.form(field); // the form's inputs bear the fields' names
        return {field, page.t("campaign.field_" + field) + page.t("punct.colon") +
                           (typed.empty() ? ""
                                          : page.t("punct.quote_open") + typed +
                                                page.t("punct.quote_close") + " ") +
                           page.t("campaign.invalid_" + field)};
    };
    if (error.kind == ops::ErrorKind::invalid && k_explained.count(error.field)) {
        return {explained(error.field)};
    }
    std::vector<FieldError> errors;
    if (error.kind == ops::ErrorKind::invalid && error.field.empty()) {
        for (const auto& problem : core::campaign_problems(campaign)) {
            if (!k_explained.count(problem.field)) {
                return {{"start", error.message}};
            }
            if (errors.empty() || errors.back().field != problem.field) {
                errors.push_back(explained(problem.field)); // two bad kinds: said once
            }
        }
    }
    if (errors.empty()) {
        errors.push_back({error.field.empty() ? "start" : error.field, error.message});
    }
    return errors;
}

} // namespace

void campaigns(ApiCall& call) {
    render_campaigns(make_page(call), 200, {});
}

void create_campaign(ApiCall& call) {
    const auto page = make_page(call);
    FormClaim claim(page.form("form_id"));
    if (claim.earlier()) {
        return redirect(call, *claim.earlier()); // the same form sent twice: one campaign
    }
    core::Campaign c;
    c.name = page.form("name");
    c.commodity = page.form("commodity");
    c.start_date = page.form("start");
    c.send_day = page.form("send_day").empty() ? "tue" : page.form("send_day");
    c.send_time = page.form("send_time").empty() ? "08:00" : page.form("send_time");
    // As create_campaign would default it, so that campaign_refusal finds what it found.
    c.timezone =
        page.form("timezone").empty() ? call.env.config.schedule.timezone : page.form("timezone");
    c.regions = split_list(page.form("regions"));
    c.kinds = split_list(page.form("kinds"));
    c.languages = split_list(page.form("languages"));
    std::vector<FieldError> errors;
    for (const auto& [name, value] :
         {std::pair{"name", c.name}, {"commodity", c.commodity}, {"start", c.start_date}}) {
        if (value.empty()) {
            errors.push_back({name, page.t("campaign.field_" + std::string(name)) + ": " +
                                        page.t("form.required")});
        }
    }
    const auto weeks = util::whole_number(page.form("weeks").empty() ? "21" : page.form("weeks"));
    if (weeks && *weeks >= std::numeric_limits<int>::min() &&
        *weeks <= std::numeric_limits<int>::max()) {
        c.weeks = static_cast<int>(*weeks); // out of range is core's to say
    } else {
        errors.push_back({"weeks", page.t("campaign.weeks") + ": " + page.t("form.number")});
    }
    if (errors.empty()) {
        auto created = ops::create_campaign(call.env, c);
        if (created) {
            const auto url = "/campaigns/" + std::to_string(created->campaign.id);
            claim.succeeded(url);
            return redirect(call, url);
        }
        errors = campaign_refusal(page, created.error(), c);
    }
    render_campaigns(page, 422, errors);
}

void campaign(ApiCall& call) {
    const auto page = make_page(call);
    const auto id = capture_number(call, "id");
    if (!id) {
        return error_page(page, 404, page.t("error.no_campaign"));
    }
    const auto details = ops::campaign_details(call.env, *id);
    if (!details) {
        return error_page(page, 404, details.error());
    }
    const auto& d = *details;
    const auto& c = d.campaign;
    const auto counts = store::DeliveriesRepo(call.env.db).week_counts(c.id);
    const int current = d.plan.week_at(call.env.now);
    Html body = tag("p", {},
                    badge(page.t("status." + c.status), c.status == "active" ? "ok" : "warn") +
                        text(" " + c.commodity + " · " + std::to_string(c.weeks) + " " +
                             page.t("campaign.weeks_word") + " · " + page.t("day." + c.send_day) +
                             " " + c.send_time + " (" + c.timezone + ")"));
    const std::string base = "/campaigns/" + std::to_string(c.id);
    body +=
        tag("p", {},
            tag("a", {{"href", base + "/report"}}, text(page.t("campaign.report"))) + text(" · ") +
                tag("a", {{"href", base + "/deliveries"}}, text(page.t("campaign.deliveries"))));
    if (call.principal && ops::allowed(call.principal->role, ops::Role::staff) &&
        c.status != "cancelled") {
        Html actions;
        if (c.status == "active") {
            actions += tag("a", {{"class", "button secondary"}, {"href", base + "/confirm/pause"}},
                           text(page.t("campaign.pause")));
        } else {
            actions += tag("a", {{"class", "button secondary"}, {"href", base + "/confirm/resume"}},
                           text(page.t("campaign.resume")));
        }
        actions += text(" ") +
                   tag("a", {{"class", "button secondary"}, {"href", base + "/confirm/cancel"}},
                       text(page.t("campaign.cancel")));
        body += tag("p", {}, actions);
    }
    Html rows;
    for (int week = 1; week <= c.weeks; ++week) {
        const auto it = counts.find(week);
        const store::WeekCounts wc = it == counts.end() ? store::WeekCounts{} : it->second;
        const bool opened = it != counts.end();
        const std::string state = week < current ? "closed" : week == current ? "open" : "upcoming";
        Html messages;
        const auto written = d.written(week);
        for (const auto& language : d.languages) {
            const bool has = std::find(written.begin(), written.end(), language) != written.end();
            messages += badge(language + (has ? " ✓" : " — " + page.t("week.missing")),
                              has ? "ok" : "warn") +
                        text(" ");
        }
        rows +=
            tag("tr", {},
                tag("th", {{"scope", "row"}},
                    tag("a", {{"href", base + "/weeks/" + std::to_string(week)}},
                        text(page.t("overview.week") + " " + std::to_string(week)))) +
                    tag("td", {}, text(local_time(d.plan.opens_at(week), d.plan.zone, page.lang))) +
                    tag("td", {},
                        badge(page.t("week." + state), state == "open"     ? "ok"
                                                       : state == "closed" ? "idle"
                                                                           : "warn")) +
                    tag("td", {}, messages) +
                    tag("td", {},
                        opened ? progress_bar(page, wc) + progress_words(page, wc)
                               : text(page.t("week.not_opened"))));
    }
    Html head;
    for (const char* key :
         {"week.week", "week.opens_heading", "week.state", "week.messages", "week.progress"}) {
        head += tag("th", {{"scope", "col"}}, text(page.t(key)));
    }
    body += tag("h2", {}, text(page.t("campaign.timeline")));
    body += tag("table", {}, tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, rows));
    send_page(page, 200, layout(page, c.name, body, "nav.campaigns"));
}

void confirm_transition(ApiCall& call, const std::string& action) {
    const auto page = make_page(call);
    const auto id = capture_number(call, "id");
    if (!id) {
        return error_page(page, 404, page.t("error.no_campaign"));
    }
    const auto details = ops::campaign_details(call.env, *id);
    if (!details) {
        return error_page(page, 404, details.error());
    }
    const std::string base = "/campaigns/" + std::to_string(*id);
    Html body = tag("p", {}, text(page.t("confirm." + action)));
    body += post_form(page, base + "/" + action, {}, page.t("campaign." + action),
                      action == "cancel" ? "danger" : "");
    body += tag("p", {}, tag("a", {{"href", base}}, text(page.t("confirm.back"))));
    send_page(page, 200,
              layout(page, page.t("campaign." + action) + ": " + details->campaign.name, body,
                     "nav.campaigns"));
}

void transition(ApiCall& call, const std::string& action) {
    const auto page = make_page(call);
    const auto id = capture_number(call, "id");
    if (!id) {
        return error_page(page, 404, page.t("error.no_campaign"));
    }
    auto t = ops::change_campaign_status(call.env, *id, action);
    if (!t && t.error().kind != ops::ErrorKind::conflict) {
        return error_page(page, 404, t.error());
    }
    // A conflict (already paused by a first click on a slow link) lands on the campaign too.
    redirect(call, "/campaigns/" + std::to_string(*id));
}

} // namespace kibaru::web::pages
