// Rows in the three formats every listing command offers: an aligned table for people,
// CSV and JSON (an array of objects keyed by the column names) for scripts. CSV and JSON stream
// row by row, so a million contacts never sit in memory; the table buffers to align columns.
#pragma once

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace kibaru::util {

// JSON that keeps keys in insertion order, so objects read in column order.
using Json = nlohmann::ordered_json;

enum class Format { table, csv, json };

// Parses "table", "csv" or "json" (CLI11 has already restricted the choice).
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
