#include "core/backup_plan.hpp"

#include <date/date.h>

#include <algorithm>
#include <sstream>
#include <utility>

namespace kibaru::core {

namespace {

constexpr std::string_view k_prefix = "kibaru-";
constexpr std::string_view k_suffix = ".db";
constexpr std::string_view k_stamp = "%Y%m%dT%H%MZ"; // 20261201T0300Z: 14 characters
constexpr std::size_t k_stamp_size = 14;

// The scheduled backups among `names`, with their instants, oldest first.
std::vector<std::pair<Instant, std::string>> dated(const std::vector<std::string>& names) {
    std::vector<std::pair<Instant, std::string>> out;
    for (const auto& name : names) {
        if (const auto at = parse_backup_file_name(name)) {
            out.emplace_back(*at, name);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

std::string backup_file_name(Instant at) {
    const auto minute = std::chrono::floor<std::chrono::minutes>(at);
    return std::string(k_prefix) + date::format(std::string(k_stamp).c_str(), minute) +
           std::string(k_suffix);
}

std::optional<Instant> parse_backup_file_name(std::string_view name) {
    if (name.size() != k_prefix.size() + k_stamp_size + k_suffix.size() ||
        name.substr(0, k_prefix.size()) != k_prefix ||
        name.substr(name.size() - k_suffix.size()) != k_suffix) {
        return std::nullopt;
    }
    const std::string stamp(name.substr(k_prefix.size(), k_stamp_size));
    // date::parse accepts fewer digits than the field's width: the fixed shape is checked here.
    for (std::size_t i = 0; i < stamp.size(); ++i) {
        const bool letter = i == 8 || i == 13;
        const char c = stamp[i];
        if (letter ? c != (i == 8 ? 'T' : 'Z') : (c < '0' || c > '9')) {
            return std::nullopt;
        }
    }
    // Read by hand: date::parse of a time without seconds trips GCC 12's
    // -Wmaybe-uninitialized inside date.h.
    const auto number = [&](std::size_t from, std::size_t digits) {
        unsigned value = 0;
        for (std::size_t i = from; i < from + digits; ++i) {
            value = value * 10 + static_cast<unsigned>(stamp[i] - '0');
        }
        return value;
    };
    const date::year_month_day day{date::year{static_cast<int>(number(0, 4))},
                                   date::month{number(4, 2)}, date::day{number(6, 2)}};
    const auto hour = number(9, 2);
    const auto minute = number(11, 2);
    if (!day.ok() || hour > 23 || minute > 59) { // 20261301: no such month
        return std::nullopt;
    }
    const Instant at =
        date::sys_days{day} + std::chrono::hours{hour} + std::chrono::minutes{minute};
    return at;
}

std::optional<Instant> newest_backup(const std::vector<std::string>& names, Instant now) {
    std::optional<Instant> newest;
    for (const auto& [at, name] : dated(names)) {
        if (at <= now) {
            newest = at;
        }
    }
    return newest;
}

bool backup_due(const std::vector<std::string>& names, Instant now, int every_hours) {
    if (every_hours <= 0) {
        return false;
    }
    const auto newest = newest_backup(names, now);
    return !newest || now - *newest >= std::chrono::hours(every_hours);
}

std::vector<std::string> backups_to_delete(const std::vector<std::string>& names, int keep) {
    const auto backups = dated(names);
    const auto kept = static_cast<std::size_t>(std::max(keep, 1));
    std::vector<std::string> doomed;
    for (std::size_t i = 0; i + kept < backups.size(); ++i) {
        doomed.push_back(backups[i].second);
    }
    return doomed;
}

} // namespace kibaru::core
