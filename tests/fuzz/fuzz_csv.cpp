// The contact and price CSV reader on arbitrary bytes: it must never crash, must end (record,
// end or error), and every UTF-8 record it reads must survive our own writer: csv_line(fields)
// read back gives the same fields. Read again as Excel's files are (separator found from the
// header, Windows-1252 where a record is not UTF-8), every record it gives is valid UTF-8 and
// the separator is one of the three.
#include "core/csv.hpp"
#include "core/utf8.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>

using kibaru::core::CsvReader;
using kibaru::core::CsvRecord;

namespace {

// What the reader skips as a blank line when it is written unquoted: only commas and spaces.
bool all_blank(const CsvRecord& record) {
    for (const auto& field : record.fields) {
        if (!kibaru::core::trim(field).empty()) {
            return false;
        }
    }
    return true;
}

void dump(const char* what, const CsvRecord& record) {
    std::fprintf(stderr, "%s (line %zu):", what, record.line);
    for (const auto& field : record.fields) {
        std::fprintf(stderr, " [");
        for (const unsigned char c : field) {
            std::fprintf(stderr, c >= 32 && c < 127 ? "%c" : "\\x%02x", c);
        }
        std::fprintf(stderr, "]");
    }
    std::fprintf(stderr, "\n");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    CsvReader reader(in, 4096);
    CsvRecord record;
    std::size_t previous_line = 0;
    for (int n = 0; n < 10000; ++n) {
        const auto status = reader.next(record);
        if (status != CsvReader::Status::record) {
            FUZZ_CHECK(status == CsvReader::Status::end || !reader.error_message().empty());
            break;
        }
        FUZZ_CHECK(record.line > previous_line); // line numbers only move forward
        previous_line = record.line;
        FUZZ_CHECK(!record.fields.empty());
        if (all_blank(record) || record.invalid_utf8_field >= 0) {
            // Blank lines are skipped, so an all-blank record cannot round-trip; records that
            // are not UTF-8 are rejected by every caller, and we never write one.
            continue;
        }
        std::istringstream again(kibaru::core::csv_line(record.fields));
        CsvReader reread(again);
        CsvRecord copy;
        const auto again_status = reread.next(copy);
        if (again_status != CsvReader::Status::record) {
            dump("read", record);
            std::fprintf(stderr, "re-read: %s\n", reread.error_message().c_str());
        }
        FUZZ_CHECK(again_status == CsvReader::Status::record);
        if (copy.fields != record.fields) {
            dump("read", record);
            dump("re-read", copy);
        }
        FUZZ_CHECK(copy.fields == record.fields);
        FUZZ_CHECK(reread.next(copy) == CsvReader::Status::end);
    }
    std::istringstream excel(std::string(reinterpret_cast<const char*>(data), size));
    CsvReader lenient(excel, 4096, CsvReader::k_detect, true);
    for (int n = 0; n < 10000 && lenient.next(record) == CsvReader::Status::record; ++n) {
        FUZZ_CHECK(record.invalid_utf8_field < 0);
        for (const auto& field : record.fields) {
            FUZZ_CHECK(kibaru::core::is_valid_utf8(field));
        }
        const char separator = lenient.separator();
        FUZZ_CHECK(separator == ',' || separator == ';' || separator == '\t');
    }
    return 0;
}
