// Rows in the three formats every listing command offers: an aligned table for people,
// CSV and JSON (an array of objects keyed by the column names) for scripts. CSV and JSON stream
// row by row, so a million contacts never sit in memory; the table buffers to align columns.
// CSV also comes as French Excel opens it on a double click (`--excel`).
#pragma once

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace kibaru::util {

// JSON that keeps keys in insertion order, so objects read in column order.
using Json = nlohmann::ordered_json;

// excel_csv: CSV for Excel on a French-language Windows, which reads a double-clicked file with
// the system's list separator (`;`) and decimal comma, and as ANSI unless a BOM says UTF-8. So:
// a UTF-8 BOM, `;` between fields, `,` in decimal numbers, and CRLF line ends (RFC 4180's, and
// what Windows tools expect; our own CSV reader takes either).
enum class Format { table, csv, json, excel_csv };

// The name `--excel` gives the CSV format (app/format_options.hpp); no `--format` offers it.
inline constexpr const char* k_excel_csv_name = "excel-csv";

// Parses "table", "csv", "json" or k_excel_csv_name (CLI11 has already restricted the choice).
Format parse_format(const std::string& name);

class RowWriter {
public:
    virtual ~RowWriter() = default;
    // Cells are strings or numbers; numbers are right-aligned in tables and unquoted in JSON.
    virtual void row(const std::vector<Json>& cells) = 0;
    // Writes what is buffered and closes the document (the JSON array, the table's totals).
    virtual void finish() = 0;
};

std::unique_ptr<RowWriter> make_row_writer(Format format, std::ostream& out,
                                           std::vector<std::string> columns);

// One JSON object, pretty-printed, for `show`, `preview` and `status`.
void write_json_object(std::ostream& out, const Json& object);

} // namespace kibaru::util
