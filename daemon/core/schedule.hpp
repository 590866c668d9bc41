// Campaign week math over the tz database (Howard Hinnant's date/tz): when week k opens and
// closes, which week is open at an instant, and whether an instant is inside the daily send
// hours. All computation; the tz database is read once by date/tz and cached.
//
// Week 1 opens on the first send day on or after the start date, at the send time, in the
// campaign's zone; week k opens 7·(k−1) local days later at the same local time, and closes when
// week k+1 opens. Local times that do not exist (a daylight-saving gap) open at the end of the
// gap; ambiguous ones (the repeated hour) at their first occurrence.
#pragma once

#include "core/result.hpp"
#include "core/time.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace kibaru::core {

struct LocalClock {
    int minutes = 0; // minutes after local midnight, 0..1440
};

// "08:00" -> 480. Fails with a message naming the text.
Result<LocalClock> parse_local_clock(std::string_view text);
std::string format_local_clock(LocalClock clock);

// "tue", "Tuesday", "mar", "mardi" (French) -> weekday. Fails naming the text.
Result<std::chrono::weekday> parse_weekday(std::string_view text);
std::string_view weekday_name(std::chrono::weekday day); // "mon" .. "sun"

// "2019-01-08" -> that date. Fails naming the text.
Result<std::chrono::year_month_day> parse_date(std::string_view text);

// The named zone of the tz database, or an Error naming it.
Result<const date::time_zone*> find_zone(std::string_view name);

struct SendHours {
    LocalClock from;
    LocalClock to; // exclusive
};

// "07:00-20:00". Fails unless from < to within one day.
Result<SendHours> parse_send_hours(std::string_view text);

struct WeekPlan {
    std::chrono::year_month_day start{std::chrono::year{1970}, std::chrono::January,
                                      std::chrono::day{1}};
    std::chrono::weekday send_day{std::chrono::Tuesday};
    LocalClock send_time;
    const date::time_zone* zone = nullptr;
    int weeks = 21;

    // When week `k` (1-based; k = weeks + 1 gives the end of the last week) opens.
    Instant opens_at(int k) const;
    Instant closes_at(int k) const { return opens_at(k + 1); }
    // The week open at `at`: 0 before week 1 opens, weeks + 1 once the last week has closed.
    int week_at(Instant at) const;
};

// True when `at`, in `zone`'s local time, falls inside `hours`.
bool in_send_hours(Instant at, const date::time_zone* zone, SendHours hours);

} // namespace kibaru::core
