#include "app/output_options.hpp"

#include "util/rows.hpp"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <system_error>

namespace kibaru::app {

const char* const k_excel_help =
    "CSV for Excel on a French-language Windows, to open with a double click: UTF-8 with a BOM, "
    "; between fields, decimal commas, CRLF line ends";

void add_excel_flag(CLI::App& command, CLI::Option& format_option, std::string& format) {
    command.add_flag_callback(
        "--excel",
        [&format_option, &format] {
            if (format_option.count() > 0 && format != "csv") {
                throw CLI::ValidationError("--excel",
                                           "writes CSV; it cannot go with --format " + format);
            }
            format = util::k_excel_csv_name;
        },
        std::string(k_excel_help) + " (implies --format csv)");
}

void require_output_for_xlsx(const std::string& format, const std::string& output) {
    if (format == "xlsx" && output.empty()) {
        throw CLI::ValidationError("--format xlsx",
                                   "a workbook is a binary file: give --output FILE.xlsx");
    }
}

void write_output(const std::string& output, const std::function<void(std::ostream&)>& write) {
    if (output.empty()) {
        write(std::cout);
        return;
    }
    const std::string partial = output + ".partial";
    try {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw std::runtime_error(output + ": cannot write: " + std::strerror(errno));
        }
        write(out);
        if (!out.flush()) {
            throw std::runtime_error(output + ": write failed");
        }
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        throw;
    }
    std::error_code renamed;
    std::filesystem::rename(partial, output, renamed);
    if (renamed) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        throw std::runtime_error(output + ": cannot write: " + renamed.message());
    }
}

} // namespace kibaru::app
