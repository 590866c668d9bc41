// A whole number written in full ("12", "-3"), as a path segment or a query parameter carries
// it: nothing before or after the digits, no "+", no spaces, within int64. std::stoll would
// read "12x" as 12 and throw on "", so the console and the API read ids and cursors from a URL
// with this instead.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kibaru::util {

inline std::optional<std::int64_t> whole_number(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

} // namespace kibaru::util
