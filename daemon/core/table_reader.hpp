// Opens what staff give as a table, a CSV file or an .xlsx workbook, as one RecordReader. The
// kind is found from the first bytes (a workbook is a zip archive), not from the file's name:
// uploads arrive under any name, and a CSV saved as "liste.xlsx" still reads.
#pragma once

#include "core/csv.hpp"
#include "core/record_reader.hpp"
#include "core/xlsx.hpp"

#include <cstddef>
#include <iosfwd>
#include <memory>

namespace kibaru::core {

struct TableOptions {
    std::size_t max_record_bytes = 16u << 20; // a CSV record, a sheet row
    char separator = CsvReader::k_detect;     // CSV only: `,` `;` tab, or found from the header
    bool windows1252 = true;                  // CSV only: a record not UTF-8 is Windows-1252
    XlsxLimits xlsx;                          // its max_record_bytes is the one above
};

// A workbook is read into memory whole (at most xlsx.max_file_bytes, the zip directory being at
// its end); a CSV is streamed from `in`, which must outlive the reader.
std::unique_ptr<RecordReader> open_table(std::istream& in, const TableOptions& options = {});

} // namespace kibaru::core
