// RFC 4180 CSV: a streaming reader (BOM, LF/CRLF, quoted commas, quotes and newlines) that keeps
// the physical line number of each record for error messages, and a writer that quotes only what
// needs quoting. The reader holds one record at a time, so a million-row file costs no memory.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

struct CsvRecord {
    std::size_t line = 0;            // physical line where the record starts, from 1
    std::vector<std::string> fields; // raw field values, quotes removed
    int invalid_utf8_field = -1;     // index of the first field that is not UTF-8, or -1
};

class CsvReader {
public:
    enum class Status { record, end, error };

    // Records longer than `max_record_bytes` are refused: a missing closing quote would
    // otherwise swallow the whole file into one field.
    explicit CsvReader(std::istream& in, std::size_t max_record_bytes = 16u << 20);

    // Reads the next record, skipping blank lines (and lines of nothing but commas).
    // On Status::error the input is malformed past repair (unterminated quote, text after a
    // closing quote, oversized record); error_message() and error_line() say where, and the
    // caller should stop reading.
    Status next(CsvRecord& record);

    const std::string& error_message() const { return m_error; }
    std::size_t error_line() const { return m_error_line; }
    std::size_t bytes_consumed() const { return m_consumed; }

private:
    int get(); // next byte, or -1 at end of input
    int peek();

    std::istream& m_in;
    std::size_t m_max_record;
    std::vector<char> m_buf;
    std::size_t m_pos = 0;
    std::size_t m_len = 0;
    std::size_t m_consumed = 0;
    std::size_t m_line = 1;
    bool m_started = false;
    std::string m_error;
    std::size_t m_error_line = 0;
};

// Appends one CSV field to `out`, quoted when it holds a comma, quote, CR or LF, or starts with
// a byte-order mark.
void append_csv_field(std::string& out, std::string_view field);

// One CSV line (fields joined by commas, LF-terminated).
std::string csv_line(std::span<const std::string> fields);

} // namespace kibaru::core
