// The first page: each running campaign's current week as progress, the gateway's health, the
// next openings, and the warnings that need someone.
#include "ops/overview.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"
#include "web/pages/widgets.hpp"

namespace kibaru::web::pages {

using html::tag;
using html::text;

void overview(ApiCall& call) {
    const auto page = make_page(call);
    const auto o = ops::overview(call.env);
    Html warnings;
    Html cards;
    for (const auto& p : o.campaigns) {
        const auto& c = p.campaign;
        const std::string link = "/campaigns/" + std::to_string(c.id);
        Html card =
            tag("h2", {},
                tag("a", {{"href", link}}, text(c.name)) + text(" ") +
                    badge(page.t("status." + c.status), c.status == "active" ? "ok" : "warn"));
        if (p.current_week == 0) {
            card += tag("p", {}, text(page.t("overview.not_started")));
        } else {
            card += tag("p", {},
                        text(page.t("overview.week") + " " + std::to_string(p.current_week) +
                             " / " + std::to_string(c.weeks)));
            card += progress_bar(page, p.counts) + progress_words(page, p.counts);
        }
        if (p.next_opening) {
            card += tag("p", {{"class", "muted"}},
                        text(page.t("overview.next_opening") + " " +
                             local_time(*p.next_opening, p.plan.zone, page.lang)));
        }
        cards += tag("section", {{"class", "card"}}, card);
        auto missing = [&](const std::vector<std::string>& languages, int week) {
            for (const auto& language : languages) {
                warnings += tag("li", {{"class", "warning"}},
                                text(c.name + ", " + page.t("overview.week") + " " +
                                     std::to_string(week) + page.t("punct.colon") +
                                     page.t("warning.missing_message") + " (" + language + ") ") +
                                    tag("a", {{"href", link + "/weeks/" + std::to_string(week)}},
                                        text(page.t("warning.write_it"))));
            }
        };
        if (p.current_week >= 1) {
            missing(p.missing_now, p.current_week);
        }
        missing(p.missing_next, p.current_week + 1);
        if (const auto doubt = count_of(p.counts, core::DeliveryState::unknown); doubt > 0) {
            warnings += tag("li", {{"class", "warning"}},
                            text(c.name + page.t("punct.colon") + number(doubt, page.lang) + " " +
                                 page.t("warning.in_doubt")));
        }
    }
    Html gateways;
    for (const auto& g : o.gateways) {
        Html state;
        if (!g.known) {
            state = badge(page.t("gateway.no_outage"), "ok");
        } else if (g.outage) {
            state = badge(page.t("gateway.outage"), "bad") +
                    text(" " + page.t("gateway.since") + " " + g.since + page.t("punct.colon") +
                         g.last_error);
            warnings +=
                tag("li", {{"class", "warning"}},
                    text(page.t("gateway.one") + " " + g.name + " " + page.t("gateway.outage") +
                         " " + page.t("gateway.since") + " " + g.since));
        } else {
            state = badge(page.t("gateway.recovered"), "ok") +
                    text(" " + page.t("gateway.since") + " " + g.since);
        }
        gateways +=
            tag("li", {}, tag("strong", {}, text(g.name)) + text(" (" + g.profile + ") ") + state);
    }
    Html body;
    if (!warnings.empty()) {
        body += tag("section", {{"aria-labelledby", "warnings"}},
                    tag("h2", {{"id", "warnings"}}, text(page.t("overview.warnings"))) +
                        tag("ul", {}, warnings));
    }
    body += tag("h2", {}, text(page.t("overview.campaigns")));
    body += cards.empty()
                ? tag("p", {},
                      text(page.t("overview.no_campaign")) + text(" ") +
                          tag("a", {{"href", "/campaigns"}}, text(page.t("overview.create_one"))))
                : tag("div", {{"class", "grid"}}, cards);
    body += tag("h2", {}, text(page.t("overview.gateway"))) +
            tag("ul", {{"class", "gateways"}}, gateways);
    send_page(page, 200, layout(page, page.t("nav.overview"), body, "nav.overview"));
}

} // namespace kibaru::web::pages
