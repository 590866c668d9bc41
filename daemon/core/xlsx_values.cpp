#include "core/xlsx_values.hpp"

#include "core/utf8.hpp"

#include <charconv>
#include <chrono>
#include <cmath>

namespace kibaru::core {

namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_folded(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(text[i]) != prefix[i]) {
            return false;
        }
    }
    return true;
}

void append_padded(std::string& out, long long value, int width) {
    const std::string digits = std::to_string(value);
    for (auto n = static_cast<int>(digits.size()); n < width; ++n) {
        out.push_back('0');
    }
    out += digits;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// The code unit of an `_xHHHH_` escape at the start of `text`, or -1.
int escape_at(std::string_view text) {
    if (text.size() < 7 || text[0] != '_' || lower(text[1]) != 'x' || text[6] != '_') {
        return -1;
    }
    int value = 0;
    for (std::size_t i = 2; i < 6; ++i) {
        const int d = hex_digit(text[i]);
        if (d < 0) {
            return -1;
        }
        value = value * 16 + d;
    }
    return value;
}

} // namespace

NumberFormat builtin_number_format(int id) {
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) {
        return NumberFormat::date;
    }
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) {
        return NumberFormat::time;
    }
    return id == 22 ? NumberFormat::date_time : NumberFormat::number;
}

NumberFormat number_format_of_code(std::string_view code) {
    bool date = false;
    bool month_or_minute = false;
    bool time = false;
    for (std::size_t i = 0; i < code.size(); ++i) {
        const char c = code[i];
        if (c == '"') { // literal text: "kg", "sacs"
            const auto close = code.find('"', i + 1);
            i = close == std::string_view::npos ? code.size() : close;
            continue;
        }
        if (c == '\\' || c == '_' || c == '*') { // an escaped character, a space or a fill
            ++i;
            continue;
        }
        if (c == '[') { // [Red], [$-40C], [$FCFA]; but [h] [mm] [ss] are elapsed times
            const auto close = code.find(']', i + 1);
            const auto inside = code.substr(
                i + 1, close == std::string_view::npos ? std::string_view::npos : close - i - 1);
            bool elapsed = !inside.empty();
            for (const char e : inside) {
                elapsed = elapsed && (lower(e) == 'h' || lower(e) == 'm' || lower(e) == 's');
            }
            time = time || elapsed;
            i = close == std::string_view::npos ? code.size() : close;
            continue;
        }
        const std::string_view rest = code.substr(i);
        if (starts_with_folded(rest, "am/pm")) {
            i += 4;
            time = true;
            continue;
        }
        if (starts_with_folded(rest, "a/p")) {
            i += 2;
            time = true;
            continue;
        }
        switch (lower(c)) {
        case 'd':
        case 'y':
            date = true;
            break;
        case 'm':
            month_or_minute = true;
            break;
        case 'h':
        case 's':
            time = true;
            break;
        default:
            break;
        }
    }
    date = date || (month_or_minute && !time);
    if (date) {
        return time ? NumberFormat::date_time : NumberFormat::date;
    }
    return time ? NumberFormat::time : NumberFormat::number;
}

int column_index(std::string_view reference) {
    int column = 0;
    std::size_t letters = 0;
    for (; letters < reference.size() && letters <= 3; ++letters) {
        const char c = lower(reference[letters]);
        if (c < 'a' || c > 'z') {
            break;
        }
        column = column * 26 + (c - 'a' + 1);
    }
    if (letters == 0 || letters > 3) {
        return -1;
    }
    return column - 1;
}

std::string number_text(std::string_view stored) {
    const std::string_view text = trim(stored);
    double value = 0;
    const char* end = text.data() + text.size();
    const auto parsed = std::from_chars(text.data(), end, value);
    if (text.empty() || parsed.ec != std::errc{} || parsed.ptr != end || !std::isfinite(value)) {
        return std::string(stored);
    }
    if (value == 0) {
        return "0"; // and not "-0"
    }
    char buffer[64];
    // Integers print whole (shortest round trip, never with an exponent below 10^21): a phone
    // stored as 2.2376123456E10 is 22376123456.
    const auto printed =
        std::trunc(value) == value && std::fabs(value) < 1e21
            ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
            : std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 15);
    return std::string(buffer, printed.ptr);
}

std::optional<std::string> serial_text(double serial, NumberFormat format, bool date1904) {
    using namespace std::chrono;
    if (format == NumberFormat::number || !std::isfinite(serial) || serial < 0 || serial > 3e6) {
        return std::nullopt;
    }
    const double whole = std::floor(serial);
    auto day = static_cast<long long>(whole);
    auto seconds = std::llround((serial - whole) * 86400.0);
    if (seconds >= 86400) {
        ++day;
        seconds -= 86400;
    }
    std::string out;
    if (format != NumberFormat::time) {
        if (!date1904 && day == 60) {
            out = "1900-02-29";
        } else {
            // 1900 system: day 1 is 1900-01-01, and every day after the phantom 29 February is
            // counted one too many.
            const sys_days epoch = date1904   ? sys_days{year{1904} / January / 1}
                                   : day < 60 ? sys_days{year{1899} / December / 31}
                                              : sys_days{year{1899} / December / 30};
            const year_month_day ymd{epoch + days{day}};
            const int y = static_cast<int>(ymd.year());
            if (y > 9999) {
                return std::nullopt;
            }
            append_padded(out, y, 4);
            out.push_back('-');
            append_padded(out, static_cast<unsigned>(ymd.month()), 2);
            out.push_back('-');
            append_padded(out, static_cast<unsigned>(ymd.day()), 2);
        }
        if (format == NumberFormat::date || seconds == 0) {
            return out;
        }
        out.push_back(' ');
    }
    append_padded(out, seconds / 3600, 2);
    out.push_back(':');
    append_padded(out, seconds / 60 % 60, 2);
    if (seconds % 60 != 0) {
        out.push_back(':');
        append_padded(out, seconds % 60, 2);
    }
    return out;
}

std::string unescape_xstring(std::string text) {
    if (text.find('_') == std::string::npos) {
        return text; // the usual case: nothing to decode
    }
    std::string out;
    out.reserve(text.size());
    const std::string_view view = text;
    for (std::size_t i = 0; i < view.size();) {
        const int unit = escape_at(view.substr(i));
        if (unit < 0) {
            out.push_back(view[i++]);
            continue;
        }
        auto cp = static_cast<std::uint32_t>(unit);
        std::size_t used = 7;
        if (cp >= 0xD800 && cp <= 0xDBFF) { // a UTF-16 pair, escaped in two halves
            const int low = escape_at(view.substr(i + 7));
            if (low < 0xDC00 || low > 0xDFFF) {
                out.append(view.substr(i, 7)); // half a character: leave it as written
                i += 7;
                continue;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
            used = 14;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            out.append(view.substr(i, 7));
            i += 7;
            continue;
        }
        append_utf8(out, static_cast<char32_t>(cp));
        i += used;
    }
    return out;
}

} // namespace kibaru::core
