#include "ops/csv_table.hpp"

#include "core/callbacks.hpp"
#include "core/table_reader.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <sstream>

namespace kibaru::ops {

namespace {

// "Prix min", "PRIX-MIN", "prix_min" -> "PRIX_MIN"; "Marché" -> "MARCHE".
std::string header_key(std::string_view text) {
    std::string key = core::fold_keyword(core::trim(text));
    std::replace_if(
        key.begin(), key.end(), [](char c) { return c == ' ' || c == '-'; }, '_');
    return key;
}

// The column (of `known`) that `written` names, or "".
std::string column_named(std::string_view written, const std::vector<std::string>& known,
                         const ColumnAliases& aliases) {
    const auto key = header_key(written);
    for (const auto& column : known) {
        if (header_key(column) == key) {
            return column;
        }
    }
    for (const auto& [column, words] : aliases) {
        for (const auto& word : words) {
            if (header_key(word) == key) {
                return column;
            }
        }
    }
    return "";
}

} // namespace

Error unreadable_table(const std::string& name, const core::RecordReader& reader,
                       const std::string& then) {
    const std::size_t line = reader.error_line();
    const std::string at = line == 0 ? name : name + ":" + std::to_string(line);
    const auto& why = reader.error_why();
    std::vector<std::string> args{at};
    args.insert(args.end(), why.args.begin(), why.args.end());
    return with_why(Error{ErrorKind::malformed, at + ": " + reader.error_message() + then, ""},
                    {why.code, std::move(args)});
}

bool CsvTable::has(const std::string& column) const {
    return std::find(columns.begin(), columns.end(), column) != columns.end();
}

Result<CsvTable> read_csv_table(std::istream& in, const std::string& name,
                                const std::vector<std::string>& required,
                                const std::vector<std::string>& optional, bool any_columns,
                                const ColumnAliases& aliases) {
    // As Excel writes it too: `;` or tab between fields (found from the header), Windows-1252;
    // or the first sheet of an .xlsx workbook.
    const auto reader = core::open_table(in);
    using Status = core::RecordReader::Status;
    core::CsvRecord record;
    auto status = reader->next(record);
    if (status == Status::error) {
        return unreadable_table(name, *reader);
    }
    if (status == Status::end) {
        return with_why(invalid(name + ": the file is empty (a header row is required)"),
                        {"table_empty", {name}});
    }
    CsvTable table;
    // The header's own line: 1 but after blank lines, or in a sheet whose table starts lower.
    const std::string header_line = name + ":" + std::to_string(record.line);
    const std::string header_at = header_line + ": header: ";
    std::vector<std::string> known = required;
    known.insert(known.end(), optional.begin(), optional.end());
    for (const auto& field : record.fields) {
        std::string column = column_named(field, known, aliases);
        if (column.empty() && !any_columns) {
            std::string names;
            for (const auto& k : known) {
                names += (names.empty() ? "" : ", ") + k;
            }
            const std::string typed(core::trim(field));
            return with_why(invalid(header_at + "unknown column \"" + typed +
                                        "\" (the columns are " + names + ")",
                                    "header"),
                            {"table_unknown_column", {header_line, typed, names}});
        }
        if (column.empty()) {
            column = core::trim(field);
        }
        if (table.has(column)) {
            return with_why(
                invalid(header_at + "column \"" + column + "\" appears twice", "header"),
                {"table_column_twice", {header_line, column}});
        }
        table.columns.push_back(column);
    }
    for (const auto& column : required) {
        if (!table.has(column)) {
            return with_why(
                invalid(header_at + "the \"" + column + "\" column is missing", "header"),
                {"table_column_missing", {header_line, column}});
        }
    }
    while ((status = reader->next(record)) == Status::record) {
        const std::string line = name + ":" + std::to_string(record.line);
        const std::string at = line + ": ";
        if (record.invalid_utf8_field >= 0) {
            const auto& column = table.columns[static_cast<std::size_t>(record.invalid_utf8_field)];
            return with_why(invalid(at + column + ": is not valid UTF-8"),
                            {"table_not_utf8", {line, column}});
        }
        if (record.fields.size() != table.columns.size()) {
            const auto fields = std::to_string(record.fields.size());
            const auto width = std::to_string(table.columns.size());
            return with_why(
                invalid(at + "row: has " + fields + " fields but the header has " + width),
                {"table_row_width", {line, fields, width}});
        }
        table.windows1252_rows += record.windows1252 ? 1 : 0;
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < record.fields.size(); ++i) {
            row[table.columns[i]] = record.fields[i];
        }
        table.rows.emplace_back(record.line, std::move(row));
    }
    if (status == Status::error) {
        return unreadable_table(name, *reader);
    }
    return table;
}

Result<int> parse_week(const std::string& origin, const std::string& text) {
    const std::string value(core::trim(text));
    int week = 0;
    std::istringstream in(value);
    if (value.empty() || !(in >> week) || !in.eof()) {
        return with_why(invalid(origin + ": week: \"" + value + "\" is not a week number", "week"),
                        {"table_bad_week", {origin, value}});
    }
    return week;
}

} // namespace kibaru::ops
