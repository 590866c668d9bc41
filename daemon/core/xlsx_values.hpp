// Cell values as staff typed them. A workbook stores a phone typed as 76123456 as a number, and
// may write it back as 7.6123456E7; a date as a count of days since 1900 with a date format on
// the cell. These turn the stored form back into what the person typed and saw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kibaru::core {

// What a cell's number format makes of its number.
enum class NumberFormat : std::uint8_t { number, date, time, date_time };

// The built-in number format `id` (ECMA-376 part 1, 18.8.30): 14-17 dates, 18-21 and 45-47
// times, 22 date and time, 27-36 and 50-58 East Asian dates; anything else a number.
NumberFormat builtin_number_format(int id);
// A custom format code: a date when it shows a day, month or year (d, m, y outside quotes,
// brackets and escapes), a time when it shows hours or seconds; `m` next to h or s is minutes.
NumberFormat number_format_of_code(std::string_view code);

// "C5" -> 2 (columns from 0); -1 when `reference` does not start with one to three letters.
int column_index(std::string_view reference);

// A number as typed: integers without exponent or ".0" (2.2376123456E10 -> "22376123456"),
// others with at most 15 significant digits, as Excel shows them (1250.5; 0.1+0.2 -> "0.3").
// Text that is not a number is returned as it is.
std::string number_text(std::string_view stored);

// A serial day count shown as `format` says: "2024-01-15", "07:30", "2024-01-15 07:30:15".
// In the 1900 date system serial 60 is 1900-02-29, a day that never was but that Excel counts
// (Lotus 1-2-3 did); in the 1904 system serial 0 is 1904-01-01. std::nullopt outside years
// 1899-9999 or for a plain number format.
std::optional<std::string> serial_text(double serial, NumberFormat format, bool date1904);

// Decodes the `_xHHHH_` escapes a workbook writes for characters XML cannot hold (a carriage
// return is `_x000D_`; a literal "_x" is written `_x005F_x`).
std::string unescape_xstring(std::string text);

} // namespace kibaru::core
