// Market prices as data: `prices import` (a CSV of date, commodity, market, price_min,
// price_max[, unit, trend]; each refused row named by line, field and reason, the others
// imported), `prices list`, and the price an SMS asks for (PRIX SESAME KITA), written as the
// reply a producer reads.
#pragma once

#include "ops/contact_import.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"
#include "store/prices_repo.hpp"
#include "util/rows.hpp"

#include <array>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::ops {

// The codes its refused rows (and list_prices' unknown commodity) carry as data
// (core/refusal.hpp), for the console's French; their args are in brackets.
inline constexpr std::array<std::string_view, 5> k_price_refusal_codes = {
    "price_bad_date",          // [the date as written]
    "price_unknown_commodity", // [the commodity as written, the known ones]
    "price_no_market",         // []
    "price_not_a_price",       // [the price as written]
    "price_max_below_min",     // [price_min, price_max as written]
};

struct PricesImport {
    std::int64_t added = 0;
    std::int64_t replaced = 0; // same commodity, market and date as a row already there
    std::vector<ImportProblem> rejects;
    std::size_t windows1252_rows = 0; // rows read as Windows-1252 (not valid UTF-8; CSV)
};

// Reads the whole file, then writes the valid rows in one transaction (audited as
// prices.imported). Fails (invalid) only when the file cannot be read as a table: no header,
// a missing or unknown column, invalid UTF-8; refused rows are in `rejects`.
Result<PricesImport> import_prices(const Env& env, std::istream& in, const std::string& name);

// The canonical commodity (`sesame`) a word designates among [keywords] commodity_words and
// the canonical names themselves; "" when none.
std::string canonical_commodity(const core::KeywordsConfig& keywords, const std::string& word);

// Newest first. `commodity` is a name or one of its commodity_words ("riz"); `market` is
// matched as PRIX matches it (case, accents, one typo). Fails (invalid, field "commodity") on a
// commodity [keywords] does not know: an empty list would read as "no prices".
Result<std::vector<store::PriceRow>> list_prices(const Env& env, const std::string& commodity,
                                                 const std::string& market, std::int64_t limit);

// The prices an SMS asking for `commodity` at `market` is answered with, as known today (none
// dated after env.now): that market's latest (matched case-, accent- and typo-tolerantly), or
// without a market the contact's `region` if it has prices, else the three markets with the
// most recent prices. Empty when none.
std::vector<store::PriceRow> prices_for_request(const Env& env, const std::string& commodity,
                                                const std::string& market,
                                                const std::string& region);

// The values `messages render --from-prices` fills a template with, as the CSV `--data` would
// give: for each week of the campaign, the latest price of its commodity at `market` on or
// before the day the week opens (week, market, price_min, price_max, unit as "FCFA/kg", trend
// in French words). Fails: not_found (campaign), invalid (no price of it at that market for
// any week, naming the market and the commodity).
Result<std::string> price_values_csv(const Env& env, std::int64_t campaign_id,
                                     const std::string& market);

// `prices list` and GET /api/v1/prices: date, commodity, market, price_min, price_max, unit,
// trend; whole prices as integers (650, not 650.0).
std::vector<std::string> price_columns();
std::vector<util::Json> price_cells(const store::PriceRow& row);

// "KITA 12/01: 600-650 F/kg (hausse)" — one line per price, short enough for one SMS.
std::string price_line(const store::PriceRow& row);

} // namespace kibaru::ops
