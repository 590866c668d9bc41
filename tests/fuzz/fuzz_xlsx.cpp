// The .xlsx reader on arbitrary bytes, with small limits: it must never crash, must end
// (record, end or error, in bounded steps), and every record it gives stays inside the limits:
// line numbers only grow, fields are UTF-8, no row is blank, wider or longer than allowed.
//
// Random bytes are rarely a zip, and a mutated zip fails its checksums before its XML is read.
// So an input whose first byte is odd is taken as the workbook's parts, separated by lines of
// "----" (xl/workbook.xml, its relationships, xl/styles.xml, xl/sharedStrings.xml, then the
// sheet), and packed into a zip here with libzip: the fuzzer then works on the XML itself. An
// even first byte: the bytes are the file as uploaded (corpus/fuzz_xlsx/*.xlsx).
#include "core/table_reader.hpp"
#include "core/utf8.hpp"
#include "core/xlsx.hpp"
#include "fuzz_check.hpp"

#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using kibaru::core::CsvRecord;
using kibaru::core::RecordReader;
using kibaru::core::XlsxLimits;
using kibaru::core::XlsxReader;

namespace {

// `parts` stored (not deflated) in a zip archive built in memory.
std::string pack(const std::vector<std::pair<const char*, std::string_view>>& parts) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
    FUZZ_CHECK(out != nullptr);
    zip_source_keep(out); // it outlives the archive written into it
    zip_t* archive = zip_open_from_source(out, ZIP_TRUNCATE, &error);
    FUZZ_CHECK(archive != nullptr);
    for (const auto& [name, content] : parts) {
        zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
        const zip_int64_t index = zip_file_add(archive, name, source, ZIP_FL_OVERWRITE);
        FUZZ_CHECK(index >= 0);
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    }
    FUZZ_CHECK(zip_close(archive) == 0);
    std::string bytes;
    FUZZ_CHECK(zip_source_open(out) == 0);
    char buffer[4096];
    zip_int64_t got = 0;
    while ((got = zip_source_read(out, buffer, sizeof buffer)) > 0) {
        bytes.append(buffer, static_cast<std::size_t>(got));
    }
    zip_source_close(out);
    zip_source_free(out);
    zip_error_fini(&error);
    return bytes;
}

std::string workbook_from_parts(std::string_view input) {
    static const char* const names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                        "xl/styles.xml", "xl/sharedStrings.xml",
                                        "xl/worksheets/sheet1.xml"};
    std::vector<std::pair<const char*, std::string_view>> parts;
    for (const char* name : names) {
        const auto end = input.find("\n----\n");
        parts.emplace_back(name, input.substr(0, end));
        input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 6);
    }
    return pack(parts);
}

void check_reader(RecordReader& reader, const XlsxLimits& limits) {
    CsvRecord record;
    std::size_t previous_line = 0;
    for (int n = 0; n < 100000; ++n) {
        const auto status = reader.next(record);
        if (status != RecordReader::Status::record) {
            FUZZ_CHECK(status == RecordReader::Status::end || !reader.error_message().empty());
            FUZZ_CHECK(reader.next(record) == status); // it stays ended or failed
            return;
        }
        FUZZ_CHECK(record.line > previous_line); // rows only move forward
        previous_line = record.line;
        FUZZ_CHECK(!record.fields.empty() && record.fields.size() <= limits.max_columns);
        FUZZ_CHECK(record.invalid_utf8_field < 0);
        bool blank = true;
        std::size_t bytes = 0;
        for (const auto& field : record.fields) {
            FUZZ_CHECK(kibaru::core::is_valid_utf8(field));
            blank = blank && kibaru::core::trim(field).empty();
            bytes += field.size();
        }
        FUZZ_CHECK(!blank);
        FUZZ_CHECK(bytes <= limits.max_record_bytes);
    }
    FUZZ_CHECK(false); // more rows than the input could ever hold
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    XlsxLimits limits;
    limits.max_file_bytes = 1u << 20;
    limits.max_inflated_bytes = 4u << 20;
    limits.max_shared_strings = 1000;
    limits.max_shared_string_bytes = 64u << 10;
    limits.max_record_bytes = 64u << 10;
    limits.max_columns = 256;

    const bool parts = !input.empty() && (static_cast<unsigned char>(input[0]) & 1) != 0;
    std::string workbook = parts ? workbook_from_parts(input.substr(1)) : std::string(input);
    XlsxReader reader(workbook, limits);
    check_reader(reader, limits);

    if (!parts) {
        // As the importers open it: a workbook by its first bytes, anything else as CSV.
        std::istringstream in(workbook);
        kibaru::core::TableOptions options;
        options.max_record_bytes = limits.max_record_bytes;
        options.xlsx = limits;
        auto table = kibaru::core::open_table(in, options);
        CsvRecord record;
        for (int n = 0; n < 100000 && table->next(record) == RecordReader::Status::record; ++n) {
        }
    }
    return 0;
}
