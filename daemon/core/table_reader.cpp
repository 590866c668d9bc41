#include "core/table_reader.hpp"

#include <istream>
#include <string>
#include <string_view>
#include <utility>

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

// A file that cannot be read as a table at all: its one error, for the file as a whole.
class RefusedTable final : public RecordReader {
public:
    RefusedTable(std::string message, Refusal why)
        : m_message(std::move(message)), m_why(std::move(why)) {}
    Status next(CsvRecord&) override { return Status::error; }
    const std::string& error_message() const override { return m_message; }
    const Refusal& error_why() const override { return m_why; }
    std::size_t error_line() const override { return 0; }
    std::size_t bytes_consumed() const override { return 0; }

private:
    std::string m_message;
    Refusal m_why;
};

// Excel's "Texte Unicode (*.txt)" and Notepad's "Unicode" are UTF-16, which starts with a
// byte order mark: read as CSV, its header would come out as "ÿþp" and stop there.
bool looks_like_utf16(std::string_view head) {
    return head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF");
}

} // namespace

std::unique_ptr<RecordReader> open_table(std::istream& in, const TableOptions& options) {
    const auto head = peek_head(in, 8);
    if (looks_like_utf16(head)) {
        return std::make_unique<RefusedTable>(
            "is UTF-16 text (Excel's \"Texte Unicode\"): save it from Excel as \"CSV UTF-8\" or "
            "\"CSV (separateur: point-virgule)\", or as a workbook (.xlsx)",
            Refusal{"file_utf16"});
    }
    if (looks_like_workbook(head)) {
        XlsxLimits limits = options.xlsx;
        limits.max_record_bytes = options.max_record_bytes;
        return std::make_unique<XlsxReader>(read_up_to(in, limits.max_file_bytes), limits);
    }
    return std::make_unique<CsvReader>(in, options.max_record_bytes, options.separator,
                                       options.windows1252);
}

} // namespace kibaru::core
