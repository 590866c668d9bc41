// RFC 4180 CSV: a streaming reader (BOM, LF/CRLF, quoted commas, quotes and newlines) that keeps
// the physical line number of each record for error messages, and a writer that quotes only what
// needs quoting. The reader holds one record at a time, so a million-row file costs no memory.
// It also reads CSV as Excel writes it on a French Windows: `;` (or tab) between fields, found
// from the header line, and Windows-1252 text where a record is not valid UTF-8.
#pragma once

#include "core/record_reader.hpp"

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

// The separator a header line uses: the most frequent of `,` `;` and tab outside quotes (`,`
// when there is none, or a tie with it).
char detect_separator(std::string_view header_line);

// CsvRecord::line is the physical line where the record starts.
class CsvReader final : public RecordReader {
public:
    static constexpr char k_detect = 0;

    // Records longer than `max_record_bytes` are refused: a missing closing quote would
    // otherwise swallow the whole file into one field. `separator`: `,` `;` or tab, or k_detect
    // to take it from the first line. With `windows1252`, a record that is not valid UTF-8 is
    // read as Windows-1252 (and says so); without, its first such field is named.
    explicit CsvReader(std::istream& in, std::size_t max_record_bytes = 16u << 20,
                       char separator = ',', bool windows1252 = false);

    // The separator in use (once the first record is read, when it was detected).
    char separator() const { return m_separator; }
    // How many records were read as Windows-1252.
    std::size_t windows1252_records() const { return m_windows1252_records; }

    // Reads the next record, skipping blank lines (and lines of nothing but commas).
    // On Status::error the input is malformed past repair (unterminated quote, text after a
    // closing quote, oversized record); error_message() and error_line() say where, and the
    // caller should stop reading.
    Status next(CsvRecord& record) override;

    const std::string& error_message() const override { return m_error; }
    const Refusal& error_why() const override { return m_why; }
    std::size_t error_line() const override { return m_error_line; }
    std::size_t bytes_consumed() const override { return m_consumed; }

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
    Refusal m_why;
    std::size_t m_error_line = 0;
    char m_separator;
    bool m_windows1252;
    std::size_t m_windows1252_records = 0;
};

// The name of a separator for messages: "comma", "semicolon", "tab".
std::string_view separator_name(char separator);

// Appends one CSV field to `out`, quoted when it holds the separator, a quote, CR or LF, or
// starts with a byte-order mark.
void append_csv_field(std::string& out, std::string_view field, char separator = ',');

// One CSV line (fields joined by commas, LF-terminated).
std::string csv_line(std::span<const std::string> fields);

} // namespace kibaru::core
