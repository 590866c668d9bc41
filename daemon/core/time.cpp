#include "core/time.hpp"

#include <date/date.h>

#include <array>
#include <sstream>

namespace kibaru::core {

std::string format_utc(Instant at) {
    return date::format("%Y-%m-%dT%H:%M:%SZ", at);
}

Result<Instant> parse_instant(std::string_view text) {
    static constexpr std::array<const char*, 8> k_formats = {
        "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%Ez", "%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M%Ez",
        "%Y-%m-%dT%H:%M:%S",  "%Y-%m-%d %H:%M:%S",    "%Y-%m-%dT%H:%M",  "%Y-%m-%d"};
    const std::string input(text);
    for (const char* format : k_formats) {
        std::istringstream in(input);
        std::chrono::sys_seconds at{};
        in >> date::parse(format, at);
        if (!in.fail() && in.peek() == std::char_traits<char>::eof()) {
            return at;
        }
    }
    return Error{"\"" + input + "\" is not an ISO 8601 instant (e.g. 2019-01-08T09:00:00Z)"};
}

} // namespace kibaru::core
