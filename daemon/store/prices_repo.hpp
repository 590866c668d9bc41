// Market prices as data (the `prices` table): what `prices import` writes, `prices list`
// shows, an SMS `PRIX <commodity> <market>` is answered from and `messages render
// --from-prices` fills messages with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {

class Database;

struct PriceRow {
    std::string date; // YYYY-MM-DD
    std::string commodity;
    std::string market;     // as written when first imported
    std::string market_key; // folded: one market whatever its spelling
    double price_min = 0;
    double price_max = 0;
    std::string unit = "kg";
    std::string trend; // "", "up", "down", "stable" or the file's own word
};

class PricesRepo {
public:
    explicit PricesRepo(Database& db) : m_db(db) {}

    // Adds the row, or replaces the one of the same commodity, market and date. A market keeps
    // the spelling it was first imported with. True when it replaced one.
    bool upsert(const PriceRow& row, const std::string& now);

    // Newest first; empty filters match everything.
    std::vector<PriceRow> list(const std::string& commodity, const std::string& market_key,
                               std::int64_t limit) const;

    // The latest price of `commodity` at the market `market_key`, on or before `date` (a
    // YYYY-MM-DD; "" for no bound).
    std::optional<PriceRow> latest(const std::string& commodity, const std::string& market_key,
                                   const std::string& date = "") const;

    // The markets with a price of `commodity`, as written, each once; the most recent first.
    std::vector<std::string> markets(const std::string& commodity) const;

private:
    Database& m_db;
};

} // namespace kibaru::store
