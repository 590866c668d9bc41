#include "store/prices_repo.hpp"

#include "store/sqlite.hpp"

namespace kibaru::store {

namespace {

constexpr const char* k_columns =
    "date, commodity, market, market_key, price_min, price_max, unit, trend";

PriceRow read_row(const Statement& s) {
    return {s.column_text(0),   s.column_text(1),   s.column_text(2), s.column_text(3),
            s.column_double(4), s.column_double(5), s.column_text(6), s.column_text(7)};
}

} // namespace

bool PricesRepo::upsert(const PriceRow& row, const std::string& now) {
    auto existing = m_db.prepare(
        "SELECT count(*) FROM prices WHERE commodity = ?1 AND market_key = ?2 AND date = ?3");
    existing.bind_all(row.commodity, row.market_key, row.date);
    existing.step();
    const bool replaced = existing.column_int(0) > 0;
    // One market, one name: the spelling it was first imported with ("Kita", not a later
    // "KITA"), so that replies and listings read the same whatever each file wrote.
    auto first =
        m_db.prepare("SELECT market FROM prices WHERE market_key = ?1 ORDER BY id LIMIT 1");
    first.bind_all(row.market_key);
    const std::string market = first.step() ? first.column_text(0) : row.market;
    auto s = m_db.prepare(
        "INSERT INTO prices (date, commodity, market, market_key, price_min, price_max, unit, "
        "trend, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT (commodity, market_key, date) DO UPDATE SET price_min = excluded.price_min, "
        "price_max = excluded.price_max, unit = excluded.unit, trend = excluded.trend, "
        "imported_at = excluded.imported_at");
    s.bind_all(row.date, row.commodity, market, row.market_key, row.price_min, row.price_max,
               row.unit, row.trend, now);
    s.run();
    return replaced;
}

std::vector<PriceRow> PricesRepo::list(const std::string& commodity, const std::string& market_key,
                                       std::int64_t limit) const {
    auto s = m_db.prepare(std::string("SELECT ") + k_columns +
                          " FROM prices WHERE (?1 = '' OR commodity = ?1) AND (?2 = '' OR "
                          "market_key = ?2) ORDER BY date DESC, commodity, market_key LIMIT ?3");
    s.bind_all(commodity, market_key, limit);
    std::vector<PriceRow> rows;
    while (s.step()) {
        rows.push_back(read_row(s));
    }
    return rows;
}

std::optional<PriceRow> PricesRepo::latest(const std::string& commodity,
                                           const std::string& market_key,
                                           const std::string& date) const {
    // Cached: a price query from a producer runs these for each SMS.
    auto& s = m_db.cached(std::string("SELECT ") + k_columns +
                          " FROM prices WHERE commodity = ?1 AND market_key = ?2 AND (?3 = '' OR "
                          "date <= ?3) ORDER BY date DESC LIMIT 1");
    s.bind_all(commodity, market_key, date);
    std::optional<PriceRow> row;
    if (s.step()) {
        row = read_row(s);
    }
    s.reset(); // no read snapshot left open on the daemon's connection
    return row;
}

std::vector<std::string> PricesRepo::markets(const std::string& commodity) const {
    // Each price SMS lists its commodity's markets. A GROUP BY read the commodity's whole
    // history (some 18,000 rows a year); this walks the (commodity, market, date) index from one
    // market to the next and seeks each one's latest row: its cost grows with the markets, not
    // with the weeks. A market keeps one name (upsert writes the first spelling on every row of
    // it), so its latest row gives it.
    auto& s = m_db.cached(
        "WITH RECURSIVE m(key) AS (SELECT (SELECT min(market_key) FROM prices WHERE commodity = "
        "?1) UNION ALL SELECT (SELECT min(market_key) FROM prices WHERE commodity = ?1 AND "
        "market_key > m.key) FROM m WHERE m.key IS NOT NULL) "
        "SELECT p.market FROM m JOIN prices p ON p.rowid = (SELECT rowid FROM prices WHERE "
        "commodity = ?1 AND market_key = m.key ORDER BY date DESC LIMIT 1) "
        "ORDER BY p.date DESC, m.key");
    s.bind_all(commodity);
    std::vector<std::string> names;
    while (s.step()) {
        names.push_back(s.column_text(0));
    }
    return names;
}

} // namespace kibaru::store
