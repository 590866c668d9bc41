// Reports: a chart of the campaign's weeks (delivered, failed, expired, in doubt) drawn as SVG
// by the server, readable printed; the weeks as a table; the deliveries one by one with filters
// and paging; CSV downloads of both.
#include "ops/reports.hpp"
#include "core/delivery.hpp"
#include "core/gateway.hpp"
#include "ops/campaigns.hpp"
#include "ops/contacts.hpp"
#include "util/whole_number.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kibaru::web::pages {

using html::tag;
using html::text;

namespace {

std::int64_t cell(const std::vector<util::Json>& row, const std::vector<std::string>& columns,
                  const std::string& name) {
    const auto at = std::find(columns.begin(), columns.end(), name) - columns.begin();
    const auto& value = row[static_cast<std::size_t>(at)];
    return value.is_number() ? value.get<std::int64_t>() : 0;
}

// Stacked bars, one per week; each part also named in its <title> and in the legend, and the
// table below says every number in words: the chart is never the only way to read them.
Html chart(const Page& page, const ops::CampaignReport& report) {
    const std::vector<std::pair<std::string, std::string>> parts = {{"delivered", "#0b5d3b"},
                                                                    {"sent", "#6fae8f"},
                                                                    {"failed", "#a11d21"},
                                                                    {"expired", "#8d897f"},
                                                                    {"unknown", "#d99a00"}};
    std::int64_t highest = 1;
    for (const auto& row : report.weeks) {
        highest = std::max(highest, cell(row, report.columns, "targeted"));
    }
    const int weeks = static_cast<int>(report.weeks.size());
    const double width = 640, height = 240, left = 50, bottom = 44, top = 10;
    const double slot = (width - left - 10) / std::max(weeks, 1);
    Html bars;
    for (int i = 0; i < weeks; ++i) {
        const auto& row = report.weeks[static_cast<std::size_t>(i)];
        double y = height - bottom;
        for (const auto& [state, colour] : parts) {
            const auto n = cell(row, report.columns, state);
            if (n == 0) {
                continue;
            }
            const double h =
                (height - bottom - top) * static_cast<double>(n) / static_cast<double>(highest);
            y -= h;
            bars += tag("rect",
                        {{"x", std::to_string(left + i * slot + slot * 0.15)},
                         {"y", std::to_string(y)},
                         {"width", std::to_string(slot * 0.7)},
                         {"height", std::to_string(h)},
                         {"fill", colour}},
                        tag("title", {},
                            text(page.t("overview.week") + " " + std::to_string(i + 1) + ": " +
                                 number(n, page.lang) + " " + page.t("state." + state))));
        }
        if (weeks <= 26 || (i + 1) % 5 == 0) {
            bars += tag("text",
                        {{"x", std::to_string(left + i * slot + slot / 2)},
                         {"y", std::to_string(height - bottom + 14)},
                         {"font-size", "10"},
                         {"text-anchor", "middle"}},
                        text(std::to_string(i + 1)));
        }
    }
    Html axis =
        tag("line",
            {{"x1", std::to_string(left)},
             {"y1", std::to_string(height - bottom)},
             {"x2", std::to_string(width - 10)},
             {"y2", std::to_string(height - bottom)},
             {"stroke", "#1d1d1b"}},
            {}) +
        tag("text", {{"x", "4"}, {"y", std::to_string(top + 10)}, {"font-size", "10"}},
            text(number(highest, page.lang))) +
        tag("text", {{"x", "4"}, {"y", std::to_string(height - bottom)}, {"font-size", "10"}},
            text("0"));
    Html legend;
    double x = left;
    for (const auto& [state, colour] : parts) {
        legend += tag("rect",
                      {{"x", std::to_string(x)},
                       {"y", std::to_string(height - 15)},
                       {"width", "10"},
                       {"height", "10"},
                       {"fill", colour}},
                      {}) +
                  tag("text",
                      {{"x", std::to_string(x + 14)},
                       {"y", std::to_string(height - 6)},
                       {"font-size", "11"}},
                      text(page.t("state." + state)));
        x += 115;
    }
    return tag("svg",
               {{"class", "chart"},
                {"viewBox", "0 0 640 240"},
                {"width", "100%"},
                {"role", "img"},
                {"aria-labelledby", "chart-title"}},
               tag("title", {{"id", "chart-title"}}, text(page.t("report.chart"))) + axis + bars +
                   legend);
}

} // namespace

void report(ApiCall& call) {
    const auto page = make_page(call);
    const auto id = capture_number(call, "id");
    if (!id) {
        return error_page(page, 404, page.t("error.no_campaign"));
    }
    auto r = ops::campaign_report(call.env, *id);
    auto details = ops::campaign_details(call.env, *id);
    if (!r || !details) {
        return error_page(page, 404, !r ? r.error() : details.error());
    }
    const std::string base = "/campaigns/" + std::to_string(*id);
    Html body =
        tag("p", {},
            tag("a", {{"href", base}}, text(details->campaign.name)) + text(" · ") +
                tag("a",
                    {{"href", "/api/v1/campaigns/" + std::to_string(*id) + "/report?format=csv"},
                     {"download", ""}},
                    text(page.t("report.csv_weeks"))) +
                text(" · ") +
                tag("a",
                    {{"href", "/api/v1/deliveries?campaign=" + std::to_string(*id) + "&format=csv"},
                     {"download", ""}},
                    text(page.t("report.csv_deliveries"))) +
                text(" · ") +
                tag("a", {{"href", base + "/deliveries"}}, text(page.t("campaign.deliveries"))));
    body += chart(page, *r);
    const std::vector<std::string> shown = {"week",     "targeted", "sent",    "delivered",
                                            "failed",   "expired",  "unknown", "delivery_rate",
                                            "segments", "cost"};
    Html head;
    for (const auto& column : shown) {
        head += tag("th", {{"scope", "col"}, {"class", column == "week" ? "" : "n"}},
                    text(page.t("report." + column)));
    }
    Html rows;
    auto row_html = [&](const std::vector<util::Json>& row) {
        Html cells;
        for (const auto& column : shown) {
            const auto at = static_cast<std::size_t>(
                std::find(r->columns.begin(), r->columns.end(), column) - r->columns.begin());
            const auto& v = row[at];
            std::string words;
            if (v.is_null()) {
                words = "—";
            } else if (column == "cost") {
                words = money(v.get<double>(), call.env.config.sms.currency, page.lang);
            } else if (column == "delivery_rate") {
                words = decimal(v.get<double>(), 1, page.lang) + " %";
            } else if (v.is_number()) {
                words = number(v.get<std::int64_t>(), page.lang);
            } else {
                words = v.get<std::string>();
                if (words == "total") {
                    words = page.t("report.total");
                }
            }
            cells += column == "week" ? tag("th", {{"scope", "row"}}, text(words))
                                      : tag("td", {{"class", "n"}}, text(words));
        }
        return tag("tr", {}, cells);
    };
    for (const auto& row : r->weeks) {
        rows += row_html(row);
    }
    rows += row_html(r->total);
    body += tag("table", {},
                tag("caption", {}, text(page.t("report.caption"))) +
                    tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, rows));
    send_page(page, 200,
              layout(page, page.t("report.title") + " — " + details->campaign.name, body,
                     "nav.campaigns"));
}

void deliveries(ApiCall& call) {
    const auto page = make_page(call);
    const auto id = capture_number(call, "id");
    if (!id) {
        return error_page(page, 404, page.t("error.no_campaign"));
    }
    store::DeliveryFilter filter;
    filter.campaign = *id;
    filter.limit = 100;
    const std::string week = call.param("week"), state = call.param("status"),
                      phone = call.param("phone");
    // A filter that cannot be read is said so by its field, and nothing is listed: never every
    // delivery in place of the ones asked for.
    std::vector<FieldError> errors;
    if (!week.empty()) {
        const auto number = util::whole_number(week);
        if (number && *number >= std::numeric_limits<int>::min() &&
            *number <= std::numeric_limits<int>::max()) {
            filter.week = static_cast<int>(*number);
        } else {
            errors.push_back({"week", page.t("week.week") + ": " + page.t("form.number")});
        }
    }
    filter.after = util::whole_number(call.param("after", "0")).value_or(0);
    if (!state.empty()) {
        filter.state = state;
    }
    if (!phone.empty()) {
        if (auto e164 = ops::normalize_phone(call.env, phone, "phone", "")) {
            filter.phone = *e164;
        } else {
            errors.push_back(
                {"phone", page.t("contact.phone") + page.t("punct.colon") +
                              explain(page.lang, e164.error().why, e164.error().message)});
        }
    }
    std::vector<std::pair<std::string, std::string>> states = {{"", page.t("contacts.any_status")}};
    for (const auto value : core::k_delivery_states) {
        const std::string s(core::to_string(value));
        states.emplace_back(s, page.t("state." + s));
    }
    const std::string base = "/campaigns/" + std::to_string(*id);
    Html body =
        tag("form", {{"method", "get"}, {"action", base + "/deliveries"}},
            tag("div", {{"class", "row"}},
                field("week", page.t("week.week"), week, errors, "number") +
                    select_field("status", page.t("contact.status"), state, states, {}) +
                    field("phone", page.t("contact.phone"), phone, errors, "tel") +
                    tag("div", {},
                        tag("button", {{"type", "submit"}}, text(page.t("contacts.find"))))));
    Html rows;
    std::int64_t last = 0;
    int count = 0;
    if (errors.empty()) {
        ops::for_each_delivery(call.env, filter, [&](const store::DeliveryRow& d) {
            rows +=
                tag("tr", {},
                    tag("td", {{"class", "n"}}, text(std::to_string(d.week))) +
                        tag("td", {}, tag("a", {{"href", "/contacts/" + d.phone}}, text(d.phone))) +
                        tag("td", {}, text(page.t("state." + d.state))) +
                        tag("td", {{"class", "n"}}, text(std::to_string(d.attempts))) +
                        tag("td", {}, text(d.updated_at)) + tag("td", {}, text(d.error)));
            last = d.id;
            ++count;
        });
    }
    Html head;
    for (const char* key : {"week.week", "contact.phone", "contact.status", "delivery.attempts",
                            "delivery.updated", "delivery.detail"}) {
        head += tag("th", {{"scope", "col"}}, text(page.t(key)));
    }
    body += tag("table", {}, tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, rows));
    if (count == filter.limit) {
        std::string next = base + "/deliveries?after=" + std::to_string(last);
        for (const auto& [name, value] :
             {std::pair{"week", week}, {"status", state}, {"phone", phone}}) {
            if (!value.empty()) {
                next += "&" + std::string(name) + "=" + core::url_encode(value);
            }
        }
        body +=
            tag("p", {}, tag("a", {{"href", next}, {"rel", "next"}}, text(page.t("page.next"))));
    }
    body += tag("p", {},
                tag("a",
                    {{"href", "/api/v1/deliveries?campaign=" + std::to_string(*id) +
                                  (week.empty() ? "" : "&week=" + core::url_encode(week)) +
                                  (state.empty() ? "" : "&status=" + core::url_encode(state)) +
                                  "&format=csv"},
                     {"download", ""}},
                    text(page.t("report.csv_deliveries"))));
    send_page(page, errors.empty() ? 200 : 422,
              layout(page, page.t("campaign.deliveries"), body, "nav.campaigns", errors));
}

} // namespace kibaru::web::pages
