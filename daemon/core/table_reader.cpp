#include "core/table_reader.hpp"

#include <istream>
#include <string>
#include <string_view>

namespace kibaru::core {

namespace {

// The first bytes of `in`, which is left where it was: every caller's stream (a file, an upload
// in memory) can seek; put back is the fallback for one that cannot.
std::string peek_head(std::istream& in, std::size_t size) {
    const auto start = in.tellg();
    std::string head(size, '\0');
    in.read(head.data(), static_cast<std::streamsize>(size));
    head.resize(static_cast<std::size_t>(in.gcount()));
    in.clear();
    if (start == std::streampos(-1) || !in.seekg(start)) {
        in.clear();
        for (auto c = head.rbegin(); c != head.rend(); ++c) {
            in.putback(*c);
        }
    }
    return head;
}

// At most `limit` + 1 bytes: enough to tell that a file is over the limit without reading a
// file of any size into memory.
std::string read_up_to(std::istream& in, std::size_t limit) {
    std::string bytes;
    std::string chunk(1u << 20, '\0');
    while (bytes.size() <= limit && in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        bytes.append(chunk, 0, static_cast<std::size_t>(in.gcount()));
    }
    if (bytes.size() > limit + 1) {
        bytes.resize(limit + 1);
    }
    return bytes;
}

} // namespace

std::unique_ptr<RecordReader> open_table(std::istream& in, const TableOptions& options) {
    if (looks_like_workbook(peek_head(in, 8))) {
        XlsxLimits limits = options.xlsx;
        limits.max_record_bytes = options.max_record_bytes;
        return std::make_unique<XlsxReader>(read_up_to(in, limits.max_file_bytes), limits);
    }
    return std::make_unique<CsvReader>(in, options.max_record_bytes, options.separator,
                                       options.windows1252);
}

} // namespace kibaru::core
