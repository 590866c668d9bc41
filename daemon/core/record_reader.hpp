// What the importers read rows from: a CSV file or the first sheet of a workbook, one record at a
// time. Both say where each record came from (the CSV line, the sheet row), so a reject names the
// place staff will look for it.
#pragma once

#include "core/refusal.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

// The codes of a file that cannot be read as a table at all (error_why()); their args are in
// brackets, after the place (the file and line) that the caller, who knows the file's name, puts
// first.
inline constexpr std::array<std::string_view, 9> k_file_refusal_codes = {
    "file_utf16",               // []
    "file_quote_inside_field",  // []
    "file_quote_never_closed",  // []
    "file_text_after_quote",    // []
    "file_record_too_long",     // [MiB]
    "file_quoted_too_long",     // [MiB]
    "file_old_or_encrypted",    // [] an .xls, or an .xlsx saved with a password
    "file_workbook_too_large",  // [size]
    "file_workbook_unreadable", // [what the reader found, in English]
};

struct CsvRecord {
    std::size_t line = 0;            // physical line (CSV) or sheet row (xlsx), from 1
    std::vector<std::string> fields; // raw field values, quotes removed
    int invalid_utf8_field = -1;     // index of the first field that is not UTF-8, or -1
    bool windows1252 = false;        // read as Windows-1252 (it was not valid UTF-8)
};

class RecordReader {
public:
    enum class Status { record, end, error };

    virtual ~RecordReader() = default;

    // Reads the next record, skipping blank ones. On Status::error the input is unusable past
    // that point; error_message() and error_line() say why and where (line 0: the file as a
    // whole), and the caller should stop reading.
    virtual Status next(CsvRecord& record) = 0;
    virtual const std::string& error_message() const = 0;
    // The same reason as data (a code of k_file_refusal_codes and its values), for the
    // console's French.
    virtual const Refusal& error_why() const = 0;
    virtual std::size_t error_line() const = 0;
    // How far into the file reading has got, in bytes of the file, for progress reports.
    virtual std::size_t bytes_consumed() const = 0;
};

} // namespace kibaru::core
