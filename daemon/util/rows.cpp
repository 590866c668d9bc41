#include "util/rows.hpp"

#include "core/csv.hpp"
#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace kibaru::util {

Format parse_format(const std::string& name) {
    if (name == "csv") {
        return Format::csv;
    }
    if (name == "json") {
        return Format::json;
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
    case Format::table:
        break;
    }
    return std::make_unique<TableWriter>(out, std::move(columns));
}

void write_json_object(std::ostream& out, const Json& object) {
    out << object.dump(2) << '\n';
}

} // namespace kibaru::util
