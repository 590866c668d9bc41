// The console speaks French by default and English one click away: every string of its pages
// is a key of one catalogue with both languages (a test fails when a page uses a key the
// catalogue lacks, or a key lacks a language). Numbers and money are written the French way in
// French (36 285 XOF, with a narrow no-break space), dates in the campaign's time zone with its
// name. Pure computation.
#pragma once

#include "core/refusal.hpp"
#include "core/time.hpp"

#include <date/tz.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::web::pages {

enum class Lang { fr, en };

Lang parse_lang(std::string_view code); // "en" -> en, anything else -> fr
std::string_view lang_code(Lang lang);

struct Entry {
    std::string_view key;
    std::string_view fr;
    std::string_view en;
};
const std::vector<Entry>& catalogue();
// Parts of catalogue(): the refusals' sentences (i18n_rejects.cpp), the message editor's texts
// (i18n_editor.cpp) and the market prices page's (i18n_prices.cpp).
const std::vector<Entry>& reject_entries();
const std::vector<Entry>& editor_entries();
const std::vector<Entry>& prices_entries();

// The text of `key` in `lang`; an unknown key shows as itself between brackets.
std::string tr(Lang lang, std::string_view key);
// `text` with {1}, {2}... (up to {9}) replaced by args[0], args[1]...; a placeholder without
// its value stays as written.
std::string fill(std::string_view text, const std::vector<std::string>& args);
// A refusal in `lang`: the catalogue's sentence "reject.<code>" filled with its values, or
// `english` (the operations layer's text) when it has no code; the reasons given with it
// (`also`) follow, each said so too.
std::string explain(Lang lang, const core::Refusal& why, const std::string& english);

std::string number(std::int64_t value, Lang lang);        // 36 285 / 36,285
std::string decimal(double value, int digits, Lang lang); // 97,5 / 97.5
// An amount of money: without decimals when whole, else with two (36 285 / 12,50).
std::string amount(double value, Lang lang);
std::string money(double amount, std::string_view currency, Lang lang); // amount + currency
// "mar. 8 janv. 2019, 08:00 (Africa/Bamako)" / "Tue 8 Jan 2019, 08:00 (Africa/Bamako)".
std::string local_time(core::Instant at, const date::time_zone* zone, Lang lang);
// `why` with its value at `index`, a UTC instant as the operations layer gives it
// ("2019-01-15T08:00:00Z"), written as local_time in `zone`: a refusal says a week's closing time
// as the page's header does. A value that is not an instant, or is missing, stays as it is.
core::Refusal with_local_time(core::Refusal why, std::size_t index, const date::time_zone* zone,
                              Lang lang);

} // namespace kibaru::web::pages
