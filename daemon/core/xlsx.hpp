// The first sheet of an .xlsx workbook, read row by row like a CSV file (RecordReader): each
// record is one row, its line the row's number in the sheet, so a reject names the row staff
// see in Excel. Cells land in their own column (an empty first column stays an empty field);
// rows with nothing in them are skipped like blank lines; numbers and dates read as they were
// typed (core/xlsx_values.hpp).
//
// The workbook's bytes are in memory; the sheet is inflated and parsed a chunk at a time, so a
// million rows cost no more memory than one. Only the table of shared texts is held whole, and
// bounded. Every limit below refuses the file with a message saying which.
#pragma once

#include "core/record_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kibaru::core {

struct XlsxLimits {
    std::size_t max_file_bytes = 64u << 20;        // the .xlsx file itself
    std::uint64_t max_inflated_bytes = 1ull << 30; // every part read, uncompressed (zip bombs)
    std::size_t max_shared_strings = 4u << 20;     // distinct texts in the workbook
    std::size_t max_shared_string_bytes = 256u << 20;
    std::size_t max_record_bytes = 16u << 20; // one row, as the CSV reader's record
    std::size_t max_columns = 16384;          // Excel's own: A to XFD
};

// Whether `head`, the first bytes of a file, is a zip archive (an .xlsx), or an OLE2 compound
// file (an old .xls, or an .xlsx saved with a password: Excel encrypts into that container).
bool looks_like_workbook(std::string_view head);

class XlsxReader final : public RecordReader {
public:
    explicit XlsxReader(std::string workbook, XlsxLimits limits = {});
    ~XlsxReader() override;
    XlsxReader(const XlsxReader&) = delete;
    XlsxReader& operator=(const XlsxReader&) = delete;

    Status next(CsvRecord& record) override;
    const std::string& error_message() const override { return m_error; }
    const Refusal& error_why() const override { return m_why; }
    std::size_t error_line() const override { return m_error_line; }
    // The share of the sheet read so far, scaled to the file's size.
    std::size_t bytes_consumed() const override;

private:
    class Sheet;
    bool open();

    std::string m_bytes;
    XlsxLimits m_limits;
    struct Parts;
    std::unique_ptr<Parts> m_parts; // the zip, the sheet's parser and its rows
    bool m_opened = false;
    bool m_done = false;
    std::string m_error;
    Refusal m_why;
    std::size_t m_error_line = 0;
};

} // namespace kibaru::core
