#include "util/xlsx_writer.hpp"

#include "core/time.hpp"
#include "core/utf8.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace kibaru::util {

namespace {

// Excel's limits: rows per sheet (the header takes one) and characters per cell.
constexpr lxw_row_t k_max_rows = LXW_ROW_MAX;
constexpr std::size_t k_max_cell_chars = 32000;
// Column widths in characters: wide enough for a date, never wider than a screen's third.
constexpr std::size_t k_time_chars = 23; // "2019-01-08 09:00:00 UTC"
constexpr std::size_t k_max_width = 50;

std::optional<lxw_datetime> to_datetime(const std::string& text) {
    const auto at = core::parse_instant(text);
    if (!at) {
        return std::nullopt;
    }
    const auto day = std::chrono::floor<std::chrono::days>(*at);
    const std::chrono::year_month_day date(day);
    const auto seconds = (*at - day).count();
    lxw_datetime out{};
    out.year = static_cast<int>(date.year());
    out.month = static_cast<int>(static_cast<unsigned>(date.month()));
    out.day = static_cast<int>(static_cast<unsigned>(date.day()));
    out.hour = static_cast<int>(seconds / 3600);
    out.min = static_cast<int>(seconds / 60 % 60);
    out.sec = static_cast<double>(seconds % 60);
    return out;
}

// "deliveries", then "deliveries (2)", ... within Excel's 31 characters.
std::string sheet_name(const std::string& base, std::size_t index) {
    if (index == 1) {
        return base.substr(0, LXW_SHEETNAME_MAX);
    }
    const std::string suffix = " (" + std::to_string(index) + ")";
    return base.substr(0, LXW_SHEETNAME_MAX - suffix.size()) + suffix;
}

lxw_col_t col(std::size_t index) {
    return static_cast<lxw_col_t>(index);
}

} // namespace

struct XlsxWriter::State {
    std::string path;
    std::string partial; // written here, renamed to path by finish()
    XlsxSheet sheet;
    lxw_workbook* workbook = nullptr;
    lxw_worksheet* worksheet = nullptr;                       // the sheet being filled
    std::vector<std::pair<lxw_worksheet*, lxw_row_t>> sheets; // each with its last data row
    lxw_format* header = nullptr;
    std::vector<lxw_format*> cells;  // per column: its number or date format, or none
    std::vector<lxw_format*> totals; // the same, bold
    lxw_row_t next_row = 1;
    bool has_footer = false;
    std::vector<std::size_t> widths; // characters, per column

    // Here rather than in ~XlsxWriter, so that a constructor that throws cleans up too.
    ~State() {
        if (workbook != nullptr) {
            lxw_workbook_free(workbook); // frees without writing anything
            std::error_code ignored;
            std::filesystem::remove(partial, ignored);
        }
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error(path + ": " + what);
    }
    void check(lxw_error error) const {
        if (error != LXW_NO_ERROR) {
            fail(std::string("cannot write the workbook: ") + lxw_strerror(error));
        }
    }

    // In constant-memory mode the filter must be set while the sheet's last row is the one
    // held open: before the footer, or before moving on to the next sheet.
    void add_filter() {
        auto& [worksheet_done, last] = sheets.back();
        if (!sheet.columns.empty()) {
            check(worksheet_autofilter(worksheet_done, 0, 0, last, col(sheet.columns.size() - 1)));
        }
    }

    void add_sheet() {
        if (!sheets.empty()) {
            add_filter();
        }
        const std::string name = sheet_name(sheet.name, sheets.size() + 1);
        worksheet = workbook_add_worksheet(workbook, name.c_str());
        if (worksheet == nullptr) {
            fail("cannot add the sheet \"" + name + "\"");
        }
        sheets.emplace_back(worksheet, 0);
        // Frozen and set before any row: in constant-memory mode rows leave as they are written.
        worksheet_freeze_panes(worksheet, 1, 0);
        for (std::size_t i = 0; i < sheet.columns.size(); ++i) {
            check(worksheet_write_string(worksheet, 0, col(i), sheet.columns[i].name.c_str(),
                                         header));
        }
        next_row = 1;
    }

    void write(lxw_row_t at, const std::vector<Json>& row,
               const std::vector<lxw_format*>& formats) {
        for (std::size_t i = 0; i < row.size() && i < sheet.columns.size(); ++i) {
            const Json& cell = row[i];
            lxw_format* format = formats[i];
            std::size_t chars = 0;
            if (cell.is_number()) {
                check(worksheet_write_number(worksheet, at, col(i), cell.get<double>(), format));
                chars = cell.dump().size();
            } else if (cell.is_string()) {
                const auto& text = cell.get_ref<const std::string&>();
                const auto date = sheet.columns[i].utc_time ? to_datetime(text) : std::nullopt;
                if (date) {
                    auto value = *date;
                    check(worksheet_write_datetime(worksheet, at, col(i), &value, format));
                    chars = k_time_chars;
                } else if (!text.empty()) {
                    const std::string shown = core::utf8_prefix(text, k_max_cell_chars);
                    check(worksheet_write_string(worksheet, at, col(i), shown.c_str(), format));
                    chars = core::utf8_length(shown);
                }
            } else if (!cell.is_null()) {
                const std::string shown = core::utf8_prefix(cell.dump(), k_max_cell_chars);
                check(worksheet_write_string(worksheet, at, col(i), shown.c_str(), format));
                chars = core::utf8_length(shown);
            }
            widths[i] = std::max(widths[i], chars);
        }
    }

    void add_chart() {
        const XlsxChart& spec = *sheet.chart;
        const lxw_row_t last = sheets.front().second;
        const std::string name = sheet_name(sheet.name, 1);
        lxw_chart* chart = workbook_add_chart(workbook, spec.stacked ? LXW_CHART_COLUMN_STACKED
                                                                     : LXW_CHART_COLUMN);
        if (chart == nullptr) {
            fail("cannot add the chart");
        }
        for (std::size_t s = 0; s < spec.series.size(); ++s) {
            lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
            if (series == nullptr) {
                fail("cannot add a chart series");
            }
            chart_series_set_categories(series, name.c_str(), 1, col(spec.categories), last,
                                        col(spec.categories));
            chart_series_set_values(series, name.c_str(), 1, col(spec.series[s]), last,
                                    col(spec.series[s]));
            chart_series_set_name_range(series, name.c_str(), 0, col(spec.series[s]));
            if (s < spec.colors.size()) {
                lxw_chart_fill fill{};
                fill.color = spec.colors[s];
                chart_series_set_fill(series, &fill);
            }
        }
        chart_title_set_name(chart, spec.title.c_str());
        chart_axis_set_name(chart->x_axis, spec.x_axis.c_str());
        chart_axis_set_name(chart->y_axis, spec.y_axis.c_str());
        chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
        // Below the rows (and the totals), where a reader scrolling down the weeks meets it.
        lxw_chart_options options{};
        options.x_scale = 2.0;
        options.y_scale = 1.5;
        const lxw_row_t at = last + (has_footer ? 3 : 2) + (sheet.note.empty() ? 0 : 2);
        check(worksheet_insert_chart_opt(sheets.front().first, at, 1, chart, &options));
    }
};

XlsxWriter::XlsxWriter(std::string path, XlsxSheet sheet) : m_state(std::make_unique<State>()) {
    State& s = *m_state;
    s.path = std::move(path);
    s.partial = s.path + ".partial";
    s.sheet = std::move(sheet);
    s.widths.assign(s.sheet.columns.size(), 0);
    {
        // libxlsxwriter opens the file only when closing the workbook: find out now.
        std::ofstream probe(s.partial, std::ios::binary | std::ios::trunc);
        if (!probe) {
            s.fail(std::string("cannot write: ") + std::strerror(errno));
        }
    }
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    s.workbook = workbook_new_opt(s.partial.c_str(), &options);
    if (s.workbook == nullptr) {
        std::remove(s.partial.c_str());
        s.fail("cannot start the workbook");
    }
    std::string title = s.sheet.title;
    lxw_doc_properties properties{};
    properties.title = title.data();
    workbook_set_properties(s.workbook, &properties);

    s.header = workbook_add_format(s.workbook);
    format_set_bold(s.header);
    format_set_bottom(s.header, LXW_BORDER_THIN);
    for (const auto& column : s.sheet.columns) {
        const std::string number_format =
            column.utc_time ? R"(yyyy-mm-dd hh:mm:ss "UTC")" : column.number_format;
        lxw_format* plain = nullptr;
        if (!number_format.empty()) {
            plain = workbook_add_format(s.workbook);
            format_set_num_format(plain, number_format.c_str());
        }
        lxw_format* bold = workbook_add_format(s.workbook);
        format_set_bold(bold);
        if (!number_format.empty()) {
            format_set_num_format(bold, number_format.c_str());
        }
        s.cells.push_back(plain);
        s.totals.push_back(bold);
    }
    s.add_sheet();
}

XlsxWriter::~XlsxWriter() = default;

void XlsxWriter::row(const std::vector<Json>& cells) {
    State& s = *m_state;
    if (s.next_row == k_max_rows) {
        s.add_sheet();
    }
    s.write(s.next_row, cells, s.cells);
    s.sheets.back().second = s.next_row;
    ++s.next_row;
}

void XlsxWriter::footer(const std::vector<Json>& cells) {
    State& s = *m_state;
    if (s.next_row == k_max_rows) {
        s.add_sheet();
    }
    s.add_filter();
    s.write(s.next_row, cells, s.totals);
    s.has_footer = true;
}

void XlsxWriter::finish() {
    State& s = *m_state;
    for (std::size_t i = 0; i < s.sheet.columns.size(); ++i) {
        // +3 leaves room for the filter's drop-down arrow beside the header's name.
        const std::size_t chars =
            std::max(s.widths[i] + 1, core::utf8_length(s.sheet.columns[i].name) + 3);
        const double width = static_cast<double>(std::min(chars, k_max_width));
        for (const auto& [worksheet, last] : s.sheets) {
            s.check(worksheet_set_column(worksheet, col(i), col(i), width, nullptr));
        }
    }
    if (!s.has_footer) {
        s.add_filter();
    }
    if (!s.sheet.note.empty()) {
        // One row below the last written (the totals, or a blank row under the data).
        s.check(
            worksheet_write_string(s.worksheet, s.next_row + 1, 0, s.sheet.note.c_str(), nullptr));
    }
    if (s.sheet.chart && s.sheets.size() == 1 && s.sheets.front().second > 0) {
        s.add_chart();
    }
    lxw_workbook* workbook = s.workbook;
    s.workbook = nullptr; // closed below whatever happens: the destructor must not free it
    const lxw_error closed = workbook_close(workbook);
    if (closed != LXW_NO_ERROR) {
        std::error_code ignored;
        std::filesystem::remove(s.partial, ignored);
        s.check(closed);
    }
    std::error_code renamed;
    std::filesystem::rename(s.partial, s.path, renamed);
    if (renamed) {
        std::error_code ignored;
        std::filesystem::remove(s.partial, ignored);
        s.fail("cannot write: " + renamed.message());
    }
}

} // namespace kibaru::util
