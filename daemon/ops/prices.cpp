#include "ops/prices.hpp"

#include "core/callbacks.hpp"
#include "core/csv.hpp"
#include "core/keywords.hpp"
#include "core/schedule.hpp"
#include "core/utf8.hpp"
#include "ops/audit_trail.hpp"
#include "ops/campaign_lookup.hpp"
#include "ops/csv_table.hpp"
#include "store/campaigns_repo.hpp"
#include "store/sqlite.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

namespace kibaru::ops {

namespace {

// "650", "650.5", "650,5" (French Excel) or "1 250" (a space between thousands); nothing for
// anything else, for a negative price, and for "1,250" or "1.250", which mean 1250 to some
// and 1.25 to others: a price read wrong would go out to producers.
std::optional<double> parse_price(const std::string& written) {
    std::string text;
    for (std::size_t i = 0; i < written.size(); ++i) {
        if (written[i] == ' ') {
            continue;
        }
        if (written.compare(i, 2, "\xC2\xA0") == 0 || written.compare(i, 3, "\xE2\x80\xAF") == 0) {
            i += written[i + 1] == '\xA0' ? 1 : 2; // a no-break space, as Excel writes thousands
            continue;
        }
        text += written[i] == ',' ? '.' : written[i];
    }
    const auto point = text.find('.');
    if (point != std::string::npos && text.size() - point - 1 == 3 && point > 0) {
        return std::nullopt; // "1,250": thousands or decimals?
    }
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) {
        return std::nullopt;
    }
    return value;
}

std::string number_text(double value) {
    if (value == std::floor(value) && value < 1e12) {
        return std::to_string(static_cast<long long>(value));
    }
    char buffer[32];
    const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, ec == std::errc() ? ptr : buffer);
}

// The trend in the words of the market SMS producers already read (French, in Bambara
// messages too); a word of the file's own is kept as it is.
std::string trend_words(const std::string& trend) {
    static const std::map<std::string, std::string> k_trends = {
        {"up", "hausse"}, {"down", "baisse"}, {"stable", "stable"}};
    const auto it = k_trends.find(trend);
    return it == k_trends.end() ? trend : it->second;
}

// "2019-01-19", or "19/01/2019" as French Excel writes a date cell into a CSV: the ISO date.
std::optional<std::string> read_date(const std::string& written) {
    const std::string text(core::trim(written));
    if (core::parse_date(text)) {
        return text;
    }
    int day = 0;
    int month = 0;
    int year = 0;
    char a = 0;
    char b = 0;
    std::istringstream in(text);
    if (text.size() == 10 && in >> day >> a >> month >> b >> year && a == '/' && b == '/' &&
        in.peek() == std::char_traits<char>::eof()) {
        char iso[16];
        std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
        if (core::parse_date(iso)) {
            return std::string(iso);
        }
    }
    return std::nullopt;
}

// "sesame, rice, fonio": the commodities [keywords] knows, for an error message.
std::string known_commodities(const core::KeywordsConfig& keywords) {
    std::string known;
    for (const auto& [commodity, words] : keywords.commodity_words) {
        known += (known.empty() ? "" : ", ") + commodity;
    }
    return known;
}

std::string unknown_commodity(const std::string& written, const core::KeywordsConfig& keywords) {
    return "\"" + written + "\" is not a known commodity (" + known_commodities(keywords) +
           "; [keywords] commodity_words)";
}

core::Refusal unknown_commodity_why(const std::string& written,
                                    const core::KeywordsConfig& keywords) {
    return {"price_unknown_commodity", {written, known_commodities(keywords)}};
}

std::string not_a_price(const std::string& written) {
    return "\"" + written + "\" is not a price (write 1250 or 1250,5; not 1,250)";
}

} // namespace

std::string canonical_commodity(const core::KeywordsConfig& keywords, const std::string& word) {
    const auto folded = core::fold_keyword(word);
    for (const auto& [name, words] : keywords.commodity_words) {
        if (core::fold_keyword(name) == folded) {
            return name;
        }
        for (const auto& w : words) {
            if (core::fold_keyword(w) == folded) {
                return name;
            }
        }
    }
    return "";
}

Result<PricesImport> import_prices(const Env& env, std::istream& in, const std::string& name) {
    auto table = read_csv_table(in, name, {"date", "commodity", "market", "price_min", "price_max"},
                                {"unit", "trend"}, false,
                                {{"commodity", {"produit", "filière", "culture"}},
                                 {"market", {"marché"}},
                                 {"price_min", {"prix min", "prix minimum", "min"}},
                                 {"price_max", {"prix max", "prix maximum", "max"}},
                                 {"unit", {"unité"}},
                                 {"trend", {"tendance"}}});
    if (!table) {
        return table.error();
    }
    PricesImport result;
    result.windows1252_rows = table->windows1252_rows;
    std::vector<store::PriceRow> rows;
    for (auto& [line, cells] : table->rows) {
        auto reject = [&, line = line](const std::string& field, const std::string& reason,
                                       core::Refusal why) {
            result.rejects.push_back({line, field, reason, false, nullptr, std::move(why)});
        };
        store::PriceRow row;
        const auto date = read_date(cells["date"]);
        if (!date) {
            reject("date",
                   "\"" + cells["date"] +
                       "\" is not a date (YYYY-MM-DD, or DD/MM/YYYY as French Excel writes it)",
                   {"price_bad_date", {cells["date"]}});
            continue;
        }
        row.date = *date;
        row.commodity = canonical_commodity(env.config.keywords, cells["commodity"]);
        if (row.commodity.empty()) {
            reject("commodity", unknown_commodity(cells["commodity"], env.config.keywords),
                   unknown_commodity_why(cells["commodity"], env.config.keywords));
            continue;
        }
        row.market = cells["market"];
        row.market_key = core::fold_keyword(row.market);
        if (row.market_key.empty()) {
            reject("market", "the market is empty", {"price_no_market"});
            continue;
        }
        const auto low = parse_price(cells["price_min"]);
        const auto high = parse_price(cells["price_max"]);
        if (!low) {
            reject("price_min", not_a_price(cells["price_min"]),
                   {"price_not_a_price", {cells["price_min"]}});
            continue;
        }
        if (!high) {
            reject("price_max", not_a_price(cells["price_max"]),
                   {"price_not_a_price", {cells["price_max"]}});
            continue;
        }
        if (*high < *low) {
            reject("price_max", "is below price_min",
                   {"price_max_below_min", {cells["price_min"], cells["price_max"]}});
            continue;
        }
        row.price_min = *low;
        row.price_max = *high;
        if (table->has("unit") && !cells["unit"].empty()) {
            row.unit = cells["unit"];
        }
        if (table->has("trend")) {
            row.trend = cells["trend"];
        }
        rows.push_back(std::move(row));
    }
    store::Transaction tx(env.db);
    store::PricesRepo repo(env.db);
    for (const auto& row : rows) {
        (repo.upsert(row, env.now_text()) ? result.replaced : result.added) += 1;
    }
    record(env, "prices.imported", name,
           {{"added", result.added},
            {"replaced", result.replaced},
            {"rejected", result.rejects.size()}});
    tx.commit();
    return result;
}

Result<std::vector<store::PriceRow>> list_prices(const Env& env, const std::string& written,
                                                 const std::string& market, std::int64_t limit) {
    const auto commodity =
        written.empty() ? std::string() : canonical_commodity(env.config.keywords, written);
    if (!written.empty() && commodity.empty()) {
        return with_why(invalid(unknown_commodity(written, env.config.keywords), "commodity"),
                        unknown_commodity_why(written, env.config.keywords));
    }
    store::PricesRepo repo(env.db);
    std::string key;
    if (!market.empty()) {
        std::vector<std::string> known;
        for (const auto& [name, words] : env.config.keywords.commodity_words) {
            if (commodity.empty() || name == commodity) {
                for (const auto& m : repo.markets(name)) {
                    known.push_back(m);
                }
            }
        }
        key = core::fold_keyword(core::match_name(market, known));
        if (key.empty()) {
            return std::vector<store::PriceRow>{};
        }
    }
    return repo.list(commodity, key, limit);
}

std::vector<store::PriceRow> prices_for_request(const Env& env, const std::string& commodity,
                                                const std::string& market,
                                                const std::string& region) {
    store::PricesRepo repo(env.db);
    const auto markets = repo.markets(commodity);
    // A price dated after today (a row typed a year ahead, a table imported early) is not yet a
    // market's price: a producer is told the latest known today.
    const auto today = env.now_text().substr(0, 10);
    auto latest_at = [&](const std::string& written) -> std::optional<store::PriceRow> {
        const auto name = core::match_name(written, markets);
        if (name.empty()) {
            return std::nullopt;
        }
        return repo.latest(commodity, core::fold_keyword(name), today);
    };
    if (!market.empty()) {
        if (auto found = latest_at(market)) {
            return {*found};
        }
        return {};
    }
    if (!region.empty()) {
        if (auto found = latest_at(region)) {
            return {*found};
        }
    }
    std::vector<store::PriceRow> recent;
    for (const auto& name : markets) {
        if (recent.size() == 3) {
            break;
        }
        if (auto found = repo.latest(commodity, core::fold_keyword(name), today)) {
            recent.push_back(*found);
        }
    }
    return recent;
}

std::vector<std::string> price_columns() {
    return {"date", "commodity", "market", "price_min", "price_max", "unit", "trend"};
}

std::vector<util::Json> price_cells(const store::PriceRow& row) {
    auto price = [](double value) {
        return value == std::floor(value) && std::abs(value) < 1e15
                   ? util::Json(static_cast<std::int64_t>(value))
                   : util::Json(value);
    };
    return {row.date, row.commodity, row.market, price(row.price_min), price(row.price_max),
            row.unit, row.trend};
}

std::string price_line(const store::PriceRow& row) {
    // 2019-01-12 -> 12/01: the year is this one's; the day first, as in Mali.
    const std::string day =
        row.date.size() == 10 ? row.date.substr(8, 2) + "/" + row.date.substr(5, 2) : row.date;
    std::string line = row.market + " " + day + ": " + number_text(row.price_min);
    if (row.price_max != row.price_min) {
        line += "-" + number_text(row.price_max);
    }
    line += " F/" + row.unit;
    if (!row.trend.empty()) {
        line += " (" + trend_words(row.trend) + ")";
    }
    return line;
}

Result<std::string> price_values_csv(const Env& env, std::int64_t campaign_id,
                                     const std::string& market) {
    store::CampaignsRepo campaigns(env.db);
    auto campaign = load_campaign(campaigns, campaign_id);
    if (!campaign) {
        return campaign.error();
    }
    const auto plan = campaign_plan(*campaign);
    const auto commodity = canonical_commodity(env.config.keywords, campaign->commodity);
    store::PricesRepo repo(env.db);
    const auto name = core::match_name(market, repo.markets(commodity));
    if (name.empty()) {
        return invalid("no price of " + campaign->commodity + " at " + market +
                           " (prices list --commodity " + campaign->commodity + ")",
                       "market");
    }
    std::string csv = core::csv_line(
        std::vector<std::string>{"week", "market", "price_min", "price_max", "unit", "trend"});
    int weeks = 0;
    for (int week = 1; week <= campaign->weeks; ++week) {
        // The local day the week opens on, as its prices are dated.
        const auto opens = date::make_zoned(plan.zone, plan.opens_at(week)).get_local_time();
        const std::string day = date::format("%F", date::floor<date::days>(opens));
        const auto price = repo.latest(commodity, core::fold_keyword(name), day);
        if (!price) {
            continue;
        }
        csv += core::csv_line(std::vector<std::string>{
            std::to_string(week), price->market, number_text(price->price_min),
            number_text(price->price_max), "FCFA/" + price->unit, trend_words(price->trend)});
        ++weeks;
    }
    if (weeks == 0) {
        return invalid("no price of " + campaign->commodity + " at " + name +
                           " dated on or before any week of campaign " +
                           std::to_string(campaign_id),
                       "market");
    }
    return csv;
}

} // namespace kibaru::ops
