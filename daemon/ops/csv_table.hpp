// A small CSV read whole into rows of column -> value, for files of a few hundred rows (weekly
// messages, template data, prices): the header must hold the required columns and may hold the
// optional ones (or, with any_columns, anything). Read as Excel writes it too (`;` or tab
// between fields, Windows-1252 text), or from the first sheet of an .xlsx workbook (its lines
// are then the sheet's rows). Every problem names the file, the line and the column.
#pragma once

#include "ops/error.hpp"

#include <array>
#include <cstddef>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kibaru::core {
class RecordReader;
}

namespace kibaru::ops {

// The codes its refusals carry as data (core/refusal.hpp), for the console's French; their args
// are in brackets, `at` being "file:line".
inline constexpr std::array<std::string_view, 7> k_table_refusal_codes = {
    "table_empty",          // [file]
    "table_unknown_column", // [at, column, the columns it may have]
    "table_column_twice",   // [at, column]
    "table_column_missing", // [at, column]
    "table_not_utf8",       // [at, column]
    "table_row_width",      // [at, fields, fields in the header]
    "table_bad_week",       // [at, value]
};

struct CsvTable {
    std::vector<std::string> columns;
    std::vector<std::pair<std::size_t, std::map<std::string, std::string>>> rows; // line, row
    std::size_t windows1252_rows = 0; // rows that were not UTF-8, read as Windows-1252
    bool has(const std::string& column) const;
};

// Other names of a column, as staff write them: {"commodity", {"produit", "filière"}}.
using ColumnAliases = std::vector<std::pair<std::string, std::vector<std::string>>>;

// A header names a required or optional column by its name or one of its `aliases`, whatever
// the case, accents, and spaces or dashes for underscores ("Prix min" is price_min when
// aliased so; "Price_Min" always); rows are keyed by the column's own name. With any_columns,
// other columns are kept under the header's text, trimmed.
// Fails (invalid) on an empty file, an unknown, missing or repeated column, a row with the
// wrong number of fields, invalid UTF-8 or a broken quote, as "name:line: what".
Result<CsvTable> read_csv_table(std::istream& in, const std::string& name,
                                const std::vector<std::string>& required,
                                const std::vector<std::string>& optional, bool any_columns,
                                const ColumnAliases& aliases = {});

// A file that cannot be read as a table at all (UTF-16, a broken workbook, an unclosed quote):
// malformed (CLI exit 1, HTTP 400), as "name:line: what" then `then`, its reason as data with
// that place first (core::k_file_refusal_codes).
Error unreadable_table(const std::string& name, const core::RecordReader& reader,
                       const std::string& then = "");

// "12" -> 12; anything else is invalid, as "origin: week: "x" is not a week number".
Result<int> parse_week(const std::string& origin, const std::string& text);

} // namespace kibaru::ops
