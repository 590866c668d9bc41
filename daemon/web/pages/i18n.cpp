#include "web/pages/i18n.hpp"

#include <cmath>
#include <cstdio>

namespace kibaru::web::pages {

Lang parse_lang(std::string_view code) {
    return code == "en" ? Lang::en : Lang::fr;
}

std::string_view lang_code(Lang lang) {
    return lang == Lang::en ? "en" : "fr";
}

std::string tr(Lang lang, std::string_view key) {
    for (const auto& e : catalogue()) {
        if (e.key == key) {
            return std::string(lang == Lang::en ? e.en : e.fr);
        }
    }
    return "[" + std::string(key) + "]";
}

std::string explain(Lang lang, const core::Refusal& why, const std::string& english) {
    if (why.code.empty()) {
        return english;
    }
    std::string said = fill(tr(lang, "reject." + std::string(why.code)), why.args);
    for (const auto& more : why.also) {
        said += lang == Lang::fr ? " ; " : "; ";
        said += explain(lang, more, "");
    }
    return said;
}

std::string fill(std::string_view text, const std::vector<std::string>& args) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{' && i + 2 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '9' &&
            text[i + 2] == '}') {
            const auto n = static_cast<std::size_t>(text[i + 1] - '1');
            if (n < args.size()) {
                out += args[n];
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

namespace {

std::string grouped(std::uint64_t value, std::string_view separator) {
    std::string digits = std::to_string(value);
    std::string out;
    const auto n = digits.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0 && (n - i) % 3 == 0) {
            out += separator;
        }
        out += digits[i];
    }
    return out;
}

constexpr std::string_view k_narrow_space = "\u202F"; // French thousands separator

} // namespace

std::string number(std::int64_t value, Lang lang) {
    const bool negative = value < 0;
    const auto magnitude =
        negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    return (negative ? "-" : "") + grouped(magnitude, lang == Lang::fr ? k_narrow_space : ",");
}

std::string decimal(double value, int digits, Lang lang) {
    const double scale = std::pow(10.0, digits);
    const auto scaled = static_cast<std::int64_t>(std::llround(value * scale));
    const auto whole = scaled / static_cast<std::int64_t>(scale);
    const auto fraction = std::llabs(scaled % static_cast<std::int64_t>(scale));
    std::string out = number(whole, lang);
    if (digits > 0) {
        std::string decimals = std::to_string(fraction);
        decimals.insert(
            0,
            static_cast<std::size_t>(digits) -
                std::min<std::size_t>(decimals.size(), static_cast<std::size_t>(digits)),
            '0');
        out += (lang == Lang::fr ? "," : ".") + decimals;
    }
    return out;
}

std::string amount(double value, Lang lang) {
    const bool whole = std::fabs(value - std::round(value)) < 0.005;
    return decimal(value, whole ? 0 : 2, lang);
}

std::string money(double value, std::string_view currency, Lang lang) {
    return amount(value, lang) + " " + std::string(currency);
}

std::string local_time(core::Instant at, const date::time_zone* zone, Lang lang) {
    static const char* const fr_days[] = {"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."};
    static const char* const en_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const fr_months[] = {"janv.", "févr.", "mars",  "avr.", "mai",  "juin",
                                            "juil.", "août",  "sept.", "oct.", "nov.", "déc."};
    static const char* const en_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto local = date::make_zoned(zone, at).get_local_time();
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::weekday wd{day};
    const date::hh_mm_ss clock{local - day};
    char time[8];
    std::snprintf(time, sizeof time, "%02d:%02d", static_cast<int>(clock.hours().count()),
                  static_cast<int>(clock.minutes().count()));
    const auto month = static_cast<unsigned>(ymd.month()) - 1;
    const bool fr = lang == Lang::fr;
    return std::string(fr ? fr_days[wd.c_encoding()] : en_days[wd.c_encoding()]) + " " +
           std::to_string(static_cast<unsigned>(ymd.day())) + " " +
           (fr ? fr_months[month] : en_months[month]) + " " +
           std::to_string(static_cast<int>(ymd.year())) + ", " + time + " (" +
           std::string(zone->name()) + ")";
}

core::Refusal with_local_time(core::Refusal why, std::size_t index, const date::time_zone* zone,
                              Lang lang) {
    if (zone != nullptr && index < why.args.size()) {
        if (const auto at = core::parse_instant(why.args[index])) {
            why.args[index] = local_time(*at, zone, lang);
        }
    }
    return why;
}

} // namespace kibaru::web::pages
