#include "core/schedule.hpp"

#include "core/utf8.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace kibaru::core {

using namespace std::chrono;

namespace {

int two_digits(std::string_view text, std::size_t at) {
    if (at + 2 > text.size() || !std::isdigit(static_cast<unsigned char>(text[at])) ||
        !std::isdigit(static_cast<unsigned char>(text[at + 1]))) {
        return -1;
    }
    return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

} // namespace

Result<LocalClock> parse_local_clock(std::string_view text) {
    const int hours = two_digits(text, 0);
    const int minutes = two_digits(text, 3);
    if (text.size() != 5 || text[2] != ':' || hours < 0 || minutes < 0 || minutes > 59 ||
        hours > 24 || (hours == 24 && minutes != 0)) {
        return Error{"\"" + std::string(text) + "\" is not a time of day HH:MM (e.g. 08:00)"};
    }
    return LocalClock{hours * 60 + minutes};
}

std::string format_local_clock(LocalClock clock) {
    std::string out = "00:00";
    out[0] = static_cast<char>('0' + clock.minutes / 600);
    out[1] = static_cast<char>('0' + (clock.minutes / 60) % 10);
    out[3] = static_cast<char>('0' + (clock.minutes % 60) / 10);
    out[4] = static_cast<char>('0' + clock.minutes % 10);
    return out;
}

Result<weekday> parse_weekday(std::string_view text) {
    static constexpr std::array<std::array<std::string_view, 4>, 7> k_names = {{
        {"sun", "sunday", "dim", "dimanche"},
        {"mon", "monday", "lun", "lundi"},
        {"tue", "tuesday", "mar", "mardi"},
        {"wed", "wednesday", "mer", "mercredi"},
        {"thu", "thursday", "jeu", "jeudi"},
        {"fri", "friday", "ven", "vendredi"},
        {"sat", "saturday", "sam", "samedi"},
    }};
    const std::string name = ascii_lower(text);
    for (unsigned day = 0; day < k_names.size(); ++day) {
        const auto& names = k_names[day];
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            return weekday{day};
        }
    }
    return Error{"\"" + std::string(text) + "\" is not a day of the week (mon, tue, ... sun)"};
}

std::string_view weekday_name(weekday day) {
    static constexpr std::array<std::string_view, 7> k_short = {"sun", "mon", "tue", "wed",
                                                                "thu", "fri", "sat"};
    return k_short[day.c_encoding()];
}

Result<year_month_day> parse_date(std::string_view text) {
    const int century = two_digits(text, 0);
    const int year2 = two_digits(text, 2);
    const int month = two_digits(text, 5);
    const int day = two_digits(text, 8);
    if (text.size() == 10 && text[4] == '-' && text[7] == '-' && century >= 0 && year2 >= 0 &&
        month > 0 && day > 0) {
        const year_month_day date{year{century * 100 + year2}, std::chrono::month{unsigned(month)},
                                  std::chrono::day{unsigned(day)}};
        if (date.ok()) {
            return date;
        }
    }
    return Error{"\"" + std::string(text) + "\" is not a date YYYY-MM-DD (e.g. 2019-01-08)"};
}

Result<const date::time_zone*> find_zone(std::string_view name) {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return Error{"\"" + std::string(name) +
                     "\" is not a time zone of the tz database (e.g. Africa/Bamako)"};
    }
}

Result<SendHours> parse_send_hours(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) {
        return Error{"\"" + std::string(text) + "\" is not HH:MM-HH:MM (e.g. 07:00-20:00)"};
    }
    auto from = parse_local_clock(text.substr(0, dash));
    auto to = parse_local_clock(text.substr(dash + 1));
    if (!from || !to || from->minutes >= to->minutes) {
        return Error{"\"" + std::string(text) +
                     "\" is not HH:MM-HH:MM with the start before the end (e.g. 07:00-20:00)"};
    }
    return SendHours{*from, *to};
}

Instant WeekPlan::opens_at(int k) const {
    const sys_days start_day{start};
    const sys_days first = start_day + (send_day - weekday{start_day});
    const date::local_seconds local{(first + days{7 * (k - 1)}).time_since_epoch() +
                                    minutes{send_time.minutes}};
    // choose::earliest: a time in a DST gap maps to the gap's end, a repeated time to its first.
    return floor<seconds>(zone->to_sys(local, date::choose::earliest));
}

int WeekPlan::week_at(Instant at) const {
    if (at < opens_at(1)) {
        return 0;
    }
    // Local weeks are 7 days ± a DST hour: estimate from the elapsed time, then correct.
    int k = 1 + static_cast<int>(duration_cast<hours>(at - opens_at(1)).count() / (24 * 7));
    k = std::clamp(k, 1, weeks + 1);
    while (k > 1 && at < opens_at(k)) {
        --k;
    }
    while (k <= weeks && at >= opens_at(k + 1)) {
        ++k;
    }
    return k;
}

bool in_send_hours(Instant at, const date::time_zone* zone, SendHours hours) {
    const auto local = zone->to_local(at);
    const auto minute_of_day =
        static_cast<int>(duration_cast<minutes>(local - floor<days>(local)).count());
    return minute_of_day >= hours.from.minutes && minute_of_day < hours.to.minutes;
}

} // namespace kibaru::core
