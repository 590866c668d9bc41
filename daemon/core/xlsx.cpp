#include "core/xlsx.hpp"

#include "core/utf8.hpp"
#include "core/xlsx_parts.hpp"
#include "core/xlsx_values.hpp"
#include "core/xlsx_xml.hpp"
#include "core/xlsx_zip.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>
#include <vector>

namespace kibaru::core {

namespace {

constexpr std::string_view k_ole2_magic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
// Far beyond any sheet's rows, far from overflowing the count of rows after it.
constexpr std::size_t k_max_row_number = std::size_t{1} << 40;

std::optional<std::size_t> parse_size(std::string_view text) {
    text = trim(text);
    std::size_t value = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// 0 -> "A", 27 -> "AB": to name a cell in a message.
std::string column_name(std::size_t column) {
    std::string name;
    for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26) {
        name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
    }
    return name;
}

// An ISO 8601 date cell (t="d", rare): the date alone when it has no time of day.
std::string iso_date_text(std::string_view text) {
    const auto t = text.find('T');
    if (t == std::string_view::npos) {
        return std::string(text);
    }
    if (text.substr(t + 1).starts_with("00:00:00")) {
        return std::string(text.substr(0, t));
    }
    std::string out(text);
    out[t] = ' ';
    return out;
}

} // namespace

bool looks_like_workbook(std::string_view head) {
    return head.starts_with(std::string_view("PK\x03\x04", 4)) ||
           head.starts_with(std::string_view("PK\x05\x06", 4)) || // an empty archive
           head.starts_with(k_ole2_magic);
}

// The rows of sheetData, one at a time: a row complete, the parser pauses until it is taken.
class XlsxReader::Sheet final : public XmlPart::Handler {
public:
    Sheet(SharedStrings strings, std::vector<NumberFormat> formats, bool date1904,
          const XlsxLimits& limits)
        : m_strings(std::move(strings)), m_formats(std::move(formats)), m_date1904(date1904),
          m_limits(limits) {}

    void start(XmlPart& part, std::string_view name, const char** attributes) override {
        if (name == "sheetData") {
            m_in_data = true;
        } else if (!m_in_data) {
            return;
        } else if (name == "row") {
            start_row(xml_attribute(attributes, "r"));
        } else if (name == "c" && m_in_row) {
            start_cell(part, attributes);
        } else if (!m_in_cell) {
            return;
        } else if (name == "v") {
            m_collecting = true;
        } else if (name == "is") {
            m_inline = true;
        } else if (name == "t") {
            m_collecting = m_inline && m_phonetic == 0;
        } else if (name == "rPh") {
            ++m_phonetic;
        }
    }

    void end(XmlPart& part, std::string_view name) override {
        if (!m_in_data) {
            return;
        }
        if (name == "v" || name == "t") {
            m_collecting = false;
        } else if (name == "rPh") {
            m_phonetic -= m_phonetic > 0 ? 1 : 0;
        } else if (name == "is") {
            m_inline = false;
        } else if (name == "c" && m_in_cell) {
            end_cell(part);
        } else if (name == "row" && m_in_row) {
            end_row(part);
        } else if (name == "sheetData") {
            part.finish(); // merged cells, page setup and the rest say nothing about the data
        }
    }

    void text(XmlPart& part, std::string_view text) override {
        if (!m_collecting) {
            return;
        }
        if (m_text.size() + text.size() > m_limits.max_record_bytes) {
            return part.fail("cell " + cell_name() + " is longer than " +
                             size_text(m_limits.max_record_bytes) + ": refused");
        }
        m_text += text;
    }

    // A complete row, taken by next().
    bool ready = false;
    std::size_t row = 0;
    std::vector<std::string> fields;

    // The row being read (0 outside rows), for messages.
    std::size_t current_row() const { return m_in_row ? row : 0; }

private:
    void start_row(std::string_view number) {
        // Rows are numbered in the sheet, and skipped rows are simply absent; a row without a
        // number, or with one out of order or absurd (Excel stops at 1,048,576), follows the
        // previous one. Line numbers only grow.
        const auto r = parse_size(number);
        row = r && *r > m_last_row && *r <= k_max_row_number ? *r : m_last_row + 1;
        m_in_row = true;
        m_next_column = 0;
        m_row_bytes = 0;
        fields.clear();
    }

    void start_cell(XmlPart& part, const char** attributes) {
        const int column = column_index(xml_attribute(attributes, "r"));
        m_column = column >= 0 ? static_cast<std::size_t>(column) : m_next_column;
        if (m_column >= m_limits.max_columns) {
            return part.fail("cell " + cell_name() + " is beyond column " +
                             column_name(m_limits.max_columns - 1) + ": refused");
        }
        m_type = xml_attribute(attributes, "t");
        const auto style = parse_size(xml_attribute(attributes, "s"));
        m_style = style ? *style : 0;
        m_in_cell = true;
        m_inline = false;
        m_collecting = false;
        m_phonetic = 0;
        m_text.clear();
    }

    void end_cell(XmlPart& part) {
        m_in_cell = false;
        m_collecting = false;
        m_next_column = m_column + 1;
        std::string value = cell_value(part);
        if (value.empty()) {
            return;
        }
        m_row_bytes += value.size();
        if (m_row_bytes > m_limits.max_record_bytes) {
            return part.fail("row " + std::to_string(row) + " is longer than " +
                             size_text(m_limits.max_record_bytes) + ": refused");
        }
        if (fields.size() <= m_column) {
            fields.resize(m_column + 1);
        }
        fields[m_column] = std::move(value);
    }

    std::string cell_value(XmlPart& part) {
        if (m_text.empty()) {
            return ""; // a cell with a style and no value, of whatever type
        }
        if (m_type == "s") {
            const auto index = parse_size(m_text);
            if (!index || *index >= m_strings.size()) {
                part.fail("cell " + cell_name() + " refers to text number " + m_text +
                          ", which the workbook does not have (the file is damaged)");
                return "";
            }
            return std::string(m_strings[*index]);
        }
        if (m_type == "inlineStr" || m_type == "str") {
            return unescape_xstring(std::move(m_text));
        }
        if (m_type == "b") {
            return m_text == "1" ? "TRUE" : m_text == "0" ? "FALSE" : m_text;
        }
        if (m_type == "d") {
            return iso_date_text(m_text);
        }
        if (m_type == "e") {
            return m_text; // #N/A, #DIV/0!: as Excel shows them
        }
        // A number; a date when the cell's style formats it as one.
        const NumberFormat format =
            m_style < m_formats.size() ? m_formats[m_style] : NumberFormat::number;
        if (format != NumberFormat::number) {
            double serial = 0;
            const auto text = trim(m_text);
            const auto r = std::from_chars(text.data(), text.data() + text.size(), serial);
            if (r.ec == std::errc{} && r.ptr == text.data() + text.size()) {
                if (auto shown = serial_text(serial, format, m_date1904)) {
                    return std::move(*shown);
                }
            }
        }
        return number_text(m_text);
    }

    void end_row(XmlPart& part) {
        m_in_row = false;
        m_last_row = row;
        const bool blank = std::all_of(fields.begin(), fields.end(),
                                       [](const std::string& f) { return trim(f).empty(); });
        if (blank) {
            return; // like a blank CSV line
        }
        // Excel writes no cell for an empty one: a row ending in empty cells is as wide as the
        // header all the same, as the same row saved as CSV would be.
        if (m_header_width == 0) {
            m_header_width = fields.size();
        }
        if (fields.size() < m_header_width) {
            fields.resize(m_header_width);
        }
        ready = true;
        part.pause();
    }

    std::string cell_name() const { return column_name(m_column) + std::to_string(row); }

    const SharedStrings m_strings;
    const std::vector<NumberFormat> m_formats;
    const bool m_date1904;
    const XlsxLimits& m_limits;

    bool m_in_data = false;
    bool m_in_row = false;
    std::size_t m_last_row = 0;
    std::size_t m_header_width = 0;
    std::size_t m_next_column = 0;
    std::size_t m_row_bytes = 0;

    bool m_in_cell = false;
    std::size_t m_column = 0;
    std::string m_type;
    std::size_t m_style = 0;
    bool m_inline = false;
    bool m_collecting = false;
    int m_phonetic = 0;
    std::string m_text;
};

struct XlsxReader::Parts {
    std::unique_ptr<Zip> zip; // first: the sheet's parser reads from it
    std::unique_ptr<Sheet> sheet;
    std::unique_ptr<XmlPart> xml;
};

XlsxReader::XlsxReader(std::string workbook, XlsxLimits limits)
    : m_bytes(std::move(workbook)), m_limits(limits) {}

XlsxReader::~XlsxReader() = default;

bool XlsxReader::open() {
    // Past its size and container, what a workbook can get wrong (a broken zip, a part that is
    // not XML, a cell beyond the limits) is one reason for staff: save it again from Excel; the
    // reader's own words go with it.
    auto refuse = [this](std::string message, std::string_view code,
                         std::vector<std::string> args) {
        m_error = std::move(message);
        m_why = {code, std::move(args)};
        return false;
    };
    auto fail = [&](const std::string& message) {
        return refuse(message, "file_workbook_unreadable", {message});
    };
    if (m_bytes.size() > m_limits.max_file_bytes) {
        const auto limit = size_text(m_limits.max_file_bytes);
        return refuse("the workbook is larger than " + limit + ": refused",
                      "file_workbook_too_large", {limit});
    }
    if (std::string_view(m_bytes).starts_with(k_ole2_magic)) {
        return refuse("is an encrypted workbook or an old .xls file: save it in Excel as .xlsx "
                      "without a password, or as CSV",
                      "file_old_or_encrypted", {});
    }
    auto zip = Zip::open(m_bytes, m_limits.max_inflated_bytes);
    if (!zip) {
        return fail(zip.error().message);
    }
    // A tag and its attributes: small in any real workbook; a cell's text is not a tag and is
    // bounded by max_record_bytes on its own.
    const std::size_t max_tag = m_limits.max_record_bytes + (64u << 10);
    const auto parts = read_workbook_parts(**zip, max_tag);
    if (!parts) {
        return fail(parts.error().message);
    }
    std::vector<NumberFormat> formats;
    if (!parts->styles.empty()) {
        auto read = read_cell_formats(**zip, parts->styles, max_tag);
        if (!read) {
            return fail(read.error().message);
        }
        formats = std::move(*read);
    }
    SharedStrings strings;
    if (!parts->shared_strings.empty()) {
        auto read =
            read_shared_strings(**zip, parts->shared_strings,
                                {m_limits.max_shared_strings, m_limits.max_shared_string_bytes,
                                 m_limits.max_record_bytes});
        if (!read) {
            return fail(read.error().message);
        }
        strings = std::move(*read);
    }
    auto entry = (*zip)->open_entry(parts->sheet);
    if (!entry) {
        return fail(entry.error().message);
    }
    m_parts = std::make_unique<Parts>();
    m_parts->zip = std::move(*zip);
    m_parts->sheet =
        std::make_unique<Sheet>(std::move(strings), std::move(formats), parts->date1904, m_limits);
    m_parts->xml = std::make_unique<XmlPart>(std::move(*entry), *m_parts->sheet, max_tag);
    return true;
}

XlsxReader::Status XlsxReader::next(CsvRecord& record) {
    if (!m_error.empty()) {
        return Status::error;
    }
    if (!m_opened) {
        m_opened = true;
        if (!open()) {
            return Status::error;
        }
    }
    auto& sheet = *m_parts->sheet;
    for (;;) {
        if (sheet.ready) {
            sheet.ready = false;
            record.line = sheet.row;
            record.fields.swap(sheet.fields);
            record.invalid_utf8_field = -1; // expat hands out UTF-8 only
            record.windows1252 = false;
            return Status::record;
        }
        if (m_done) {
            return Status::end;
        }
        switch (m_parts->xml->step()) {
        case XmlPart::Step::paused:
        case XmlPart::Step::more:
            break;
        case XmlPart::Step::done:
            m_done = true;
            break;
        case XmlPart::Step::failed:
            m_error = m_parts->xml->error();
            m_why = {"file_workbook_unreadable", {m_error}};
            m_error_line = sheet.current_row();
            return Status::error;
        }
    }
}

std::size_t XlsxReader::bytes_consumed() const {
    if (!m_parts) {
        return 0;
    }
    const auto& entry = m_parts->xml->entry();
    if (m_done || entry.declared_size() == 0) {
        return m_done ? m_bytes.size() : 0;
    }
    const double share = static_cast<double>(std::min(entry.inflated(), entry.declared_size())) /
                         static_cast<double>(entry.declared_size());
    return static_cast<std::size_t>(share * static_cast<double>(m_bytes.size()));
}

} // namespace kibaru::core
