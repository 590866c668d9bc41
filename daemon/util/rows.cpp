#include "util/rows.hpp"

#include "core/csv.hpp"
#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ostream>

namespace kibaru::util {

Format parse_format(const std::string& name) {
    if (name == "csv") {
        return Format::csv;
    }
    if (name == "json") {
        return Format::json;
    }
    if (name == k_excel_csv_name) {
        return Format::excel_csv;
    }
    return Format::table;
}

namespace {

std::string cell_text(const Json& cell) {
    if (cell.is_string()) {
        return cell.get<std::string>();
    }
    if (cell.is_null()) {
        return "";
    }
    return cell.dump();
}

class CsvWriter final : public RowWriter {
public:
    CsvWriter(std::ostream& out, std::vector<std::string> columns) : m_out(out) {
        m_out << core::csv_line(columns);
    }
    void row(const std::vector<Json>& cells) override {
        m_line.clear();
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) {
                m_line.push_back(',');
            }
            core::append_csv_field(m_line, cell_text(cells[i]));
        }
        m_line.push_back('\n');
        m_out << m_line;
    }
    void finish() override { m_out.flush(); }

private:
    std::ostream& m_out;
    std::string m_line;
};

// Excel runs a cell that starts like a formula, and these files are opened by a double click:
// an inbound SMS or a gateway's error text reading `=HYPERLINK(...)` must stay text. A leading
// apostrophe is OWASP's advice against CSV injection. A number or phone (`+22376123456`,
// `-5.5`) is no formula and is left as it is.
bool looks_like_formula(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    const char first = text.front();
    if (first == '=' || first == '@' || first == '\t' || first == '\r') {
        return true;
    }
    if (first != '+' && first != '-') {
        return false;
    }
    // A lone sign ("-" for nothing) is text to Excel too.
    return text.find_first_not_of("0123456789 .", 1) != std::string_view::npos;
}

std::string excel_cell_text(const Json& cell) {
    if (cell.is_number_float()) {
        std::string text = cell.dump();
        std::replace(text.begin(), text.end(), '.', ','); // French Excel's decimal separator
        return text;
    }
    if (cell.is_string() && looks_like_formula(cell.get_ref<const std::string&>())) {
        return "'" + cell.get<std::string>();
    }
    return cell_text(cell);
}

class ExcelCsvWriter final : public RowWriter {
public:
    ExcelCsvWriter(std::ostream& out, const std::vector<std::string>& columns) : m_out(out) {
        m_out << "\xEF\xBB\xBF"; // UTF-8 BOM: without it Excel reads the file as ANSI
        write_line(std::vector<Json>(columns.begin(), columns.end()));
    }
    void row(const std::vector<Json>& cells) override { write_line(cells); }
    void finish() override { m_out.flush(); }

private:
    void write_line(const std::vector<Json>& cells) {
        m_line.clear();
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) {
                m_line.push_back(';');
            }
            // With `;` between fields, a `;` in a value is what needs quoting.
            core::append_csv_field(m_line, excel_cell_text(cells[i]), ';');
        }
        m_line.append("\r\n");
        m_out << m_line;
    }

    std::ostream& m_out;
    std::string m_line;
};

class JsonWriter final : public RowWriter {
public:
    JsonWriter(std::ostream& out, std::vector<std::string> columns)
        : m_out(out), m_columns(std::move(columns)) {}
    void row(const std::vector<Json>& cells) override {
        Json object = Json::object();
        for (std::size_t i = 0; i < cells.size() && i < m_columns.size(); ++i) {
            object[m_columns[i]] = cells[i];
        }
        m_out << (m_first ? "[\n  " : ",\n  ") << object.dump();
        m_first = false;
    }
    void finish() override {
        m_out << (m_first ? "[]\n" : "\n]\n");
        m_out.flush();
    }

private:
    std::ostream& m_out;
    std::vector<std::string> m_columns;
    bool m_first = true;
};

class TableWriter final : public RowWriter {
public:
    TableWriter(std::ostream& out, std::vector<std::string> columns)
        : m_out(out), m_columns(std::move(columns)), m_numeric(m_columns.size(), true) {}
    void row(const std::vector<Json>& cells) override {
        std::vector<std::string> texts;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            texts.push_back(core::utf8_prefix(cell_text(cells[i]), 48));
            if (i < m_numeric.size() && !cells[i].is_number() && !cells[i].is_null()) {
                m_numeric[i] = false;
            }
        }
        m_rows.push_back(std::move(texts));
    }
    void finish() override {
        std::vector<std::size_t> widths;
        for (const auto& c : m_columns) {
            widths.push_back(core::utf8_length(c));
        }
        for (const auto& r : m_rows) {
            for (std::size_t i = 0; i < r.size() && i < widths.size(); ++i) {
                widths[i] = std::max(widths[i], core::utf8_length(r[i]));
            }
        }
        auto print = [&](const std::vector<std::string>& cells, bool header) {
            std::string line;
            for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
                const std::size_t pad = widths[i] - core::utf8_length(cells[i]);
                const bool right = !header && m_numeric[i];
                if (i > 0) {
                    line += "  ";
                }
                if (right) {
                    line.append(pad, ' ');
                }
                line += cells[i];
                if (!right && i + 1 < cells.size()) {
                    line.append(pad, ' ');
                }
            }
            m_out << line << '\n';
        };
        print(m_columns, true);
        for (const auto& r : m_rows) {
            print(r, false);
        }
        if (m_rows.empty()) {
            m_out << "(none)\n";
        }
        m_out.flush();
    }

private:
    std::ostream& m_out;
    std::vector<std::string> m_columns;
    std::vector<bool> m_numeric;
    std::vector<std::vector<std::string>> m_rows;
};

} // namespace

std::unique_ptr<RowWriter> make_row_writer(Format format, std::ostream& out,
                                           std::vector<std::string> columns) {
    switch (format) {
    case Format::csv:
        return std::make_unique<CsvWriter>(out, std::move(columns));
    case Format::json:
        return std::make_unique<JsonWriter>(out, std::move(columns));
    case Format::excel_csv:
        return std::make_unique<ExcelCsvWriter>(out, columns);
    case Format::table:
        break;
    }
    return std::make_unique<TableWriter>(out, std::move(columns));
}

void write_json_object(std::ostream& out, const Json& object) {
    out << object.dump(2) << '\n';
}

} // namespace kibaru::util
