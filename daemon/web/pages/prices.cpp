// The market prices page: the prices that answer producers' "PRIX SESAME KITA" and fill the
// message templates, newest first, filtered by commodity and market as PRIX matches them; and,
// for staff, the week's price table imported from the browser (CSV from Excel or .xlsx) as
// `kibaru prices import` does it — the valid rows written, each refused row named by line and
// column in the page's language. A row of the same commodity, market and date replaces the one
// there, so a file sent twice leaves the same prices (each import is audited): the form needs
// no one-time id.
#include "ops/prices.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"

#include <cstdint>
#include <sstream>

namespace kibaru::web::pages {

using html::tag;
using html::text;
using html::void_tag;

namespace {

// The newest this many prices are shown; a filter finds older ones.
constexpr std::int64_t k_shown = 200;
// The refused rows of one import listed on the page (the CLI lists them all).
constexpr std::size_t k_listed_rejects = 500;

struct Imported {
    std::string file;
    ops::PricesImport result;
};

// 2019-01-12 as staff read it: 12/01/2019 in French, as stored in English.
std::string date_text(const std::string& iso, Lang lang) {
    if (lang != Lang::fr || iso.size() != 10) {
        return iso;
    }
    return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

std::string trend_text(const Page& page, const std::string& trend) {
    if (trend == "up" || trend == "down" || trend == "stable") {
        return page.t("prices.trend_" + trend);
    }
    return trend; // the file's own word
}

// The column at fault by the name staff know it by.
std::string column_text(const Page& page, const std::string& field) {
    for (const char* known : {"date", "commodity", "market", "price_min", "price_max"}) {
        if (field == known) {
            return page.t("prices.col_" + field);
        }
    }
    return field;
}

Html prices_table(const Page& page, const std::vector<store::PriceRow>& rows) {
    if (rows.empty()) {
        return tag("p", {}, text(page.t("prices.empty")));
    }
    Html head;
    for (const char* key : {"prices.col_date", "prices.col_commodity", "prices.col_market",
                            "prices.range", "prices.trend"}) {
        head += tag("th", {{"scope", "col"}}, text(page.t(key)));
    }
    Html body;
    for (const auto& r : rows) {
        body += tag("tr", {},
                    tag("td", {}, text(date_text(r.date, page.lang))) +
                        tag("td", {}, text(r.commodity)) +
                        tag("th", {{"scope", "row"}}, text(r.market)) +
                        tag("td", {{"class", "n"}},
                            text(amount(r.price_min, page.lang) + " – " +
                                 amount(r.price_max, page.lang) + " FCFA/" + r.unit)) +
                        tag("td", {}, text(trend_text(page, r.trend))));
    }
    Html table = tag("table", {},
                     tag("caption", {}, text(page.t("prices.caption"))) +
                         tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, body));
    if (static_cast<std::int64_t>(rows.size()) == k_shown) {
        table += tag("p", {{"class", "hint"}},
                     text(fill(page.t("prices.only_newest"), {std::to_string(k_shown)})));
    }
    return table;
}

// What an import did: its counts, then each refused row.
Html import_outcome(const Page& page, const Imported& imported) {
    const auto& r = imported.result;
    const auto refused = static_cast<std::int64_t>(r.rejects.size());
    Html out = tag("p", {},
                   text(fill(page.t("prices.imported"),
                             {imported.file, number(r.added, page.lang),
                              number(r.replaced, page.lang), number(refused, page.lang)})));
    if (r.rejects.empty()) {
        return out;
    }
    Html rows;
    for (std::size_t i = 0; i < r.rejects.size() && i < k_listed_rejects; ++i) {
        const auto& p = r.rejects[i];
        rows += tag("tr", {},
                    tag("td", {{"class", "n"}}, text(std::to_string(p.line))) +
                        tag("td", {}, text(column_text(page, p.field))) +
                        tag("td", {}, text(explain(page.lang, p.why, p.reason))));
    }
    Html head;
    for (const char* key : {"import.line", "import.field", "import.reason"}) {
        head += tag("th", {{"scope", "col"}}, text(page.t(key)));
    }
    out += tag("table", {},
               tag("caption", {}, text(page.t("prices.rejects_caption"))) +
                   tag("thead", {}, tag("tr", {}, head)) + tag("tbody", {}, rows));
    if (r.rejects.size() > k_listed_rejects) {
        out += tag("p", {},
                   text(fill(page.t("prices.more_rejects"),
                             {number(static_cast<std::int64_t>(r.rejects.size() - k_listed_rejects),
                                     page.lang),
                              std::to_string(k_listed_rejects)})));
    }
    return out;
}

void render_prices(const Page& page, int status, std::vector<FieldError> errors,
                   const Imported* imported) {
    auto& call = page.call;
    const auto& config = call.env.config;
    // The filters come with a GET; after an import the page shows the newest of every kind.
    const std::string commodity = imported ? "" : call.param("commodity");
    const std::string market = imported ? "" : call.param("market");
    auto listed = ops::list_prices(call.env, commodity, market, k_shown);
    if (!listed) {
        errors.push_back(
            {"commodity", page.t("prices.col_commodity") + page.t("punct.colon") +
                              explain(page.lang, listed.error().why, listed.error().message)});
    }
    std::vector<std::pair<std::string, std::string>> commodities = {
        {"", page.t("prices.any_commodity")}};
    for (const auto& [name, words] : config.keywords.commodity_words) {
        commodities.emplace_back(name, name);
    }
    Html body = tag("p", {}, text(page.t("prices.explain")));
    if (imported) {
        body += import_outcome(page, *imported);
    }
    body += tag(
        "form", {{"method", "get"}, {"action", "/prices"}, {"role", "search"}},
        tag("div", {{"class", "row"}},
            select_field("commodity", page.t("prices.col_commodity"), commodity, commodities,
                         errors) +
                field("market", page.t("prices.col_market"), market, {}, "search",
                      page.t("prices.market_hint")) +
                tag("div", {}, tag("button", {{"type", "submit"}}, text(page.t("prices.find"))))));
    body += prices_table(page, listed ? *listed : std::vector<store::PriceRow>{});
    if (call.principal && ops::allowed(call.principal->role, ops::Role::staff)) {
        body += tag("h2", {}, text(page.t("prices.import")));
        body += tag("p", {}, text(page.t("prices.import_explain")));
        body += tag(
            "form", {{"method", "post"}, {"action", "/prices"}, {"enctype", "multipart/form-data"}},
            void_tag("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", page.csrf}}) +
                field("file", page.t("prices.file"), "", errors, "file", "",
                      {{"accept", ".csv,.xlsx,text/csv,application/"
                                  "vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
                       {"required", "required"}}) +
                tag("p", {}, tag("button", {{"type", "submit"}}, text(page.t("prices.send")))));
    }
    send_page(page, status, layout(page, page.t("prices.title"), body, "nav.prices", errors));
}

} // namespace

void prices(ApiCall& call) {
    render_prices(make_page(call), 200, {}, nullptr);
}

void import_prices(ApiCall& call) {
    const auto page = make_page(call);
    const auto parts = posted_parts(call);
    if (!parts || !parts->count("file") || parts->at("file").content.empty()) {
        return render_prices(page, 422, {{"file", page.t("prices.no_file")}}, nullptr);
    }
    const auto& file = parts->at("file");
    const std::string name = file.filename.empty() ? "prices.csv" : file.filename;
    std::istringstream in(file.content);
    auto result = ops::import_prices(call.env, in, name);
    if (!result) {
        // The whole file refused (not a table, a column missing): nothing was imported.
        return render_prices(
            page, 422,
            {{"file", explain(page.lang, result.error().why, result.error().message) +
                          page.t("import.nothing_imported")}},
            nullptr);
    }
    const Imported imported{name, std::move(*result)};
    render_prices(page, 200, {}, &imported);
}

} // namespace kibaru::web::pages
