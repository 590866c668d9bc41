// Where and how listings and exports write, alike for every command: `--excel` beside
// `--format` (CSV as French Excel opens it), `--format xlsx` only with `--output FILE`, and
// `--output FILE` written whole or not at all. Flags in, choices out; the rows come from ops/.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace kibaru::app {

// Adds `--excel` to `command`, whose `--format` option `format_option` (bound to `format` and
// offering csv) must be added before it, so that its value is set first. Given, `--excel` turns
// `format` into util::k_excel_csv_name (and so implies csv); beside an explicit `--format`
// other than csv it fails the parse (exit 2). `format` must outlive parsing. Main thread.
void add_excel_flag(CLI::App& command, CLI::Option& format_option, std::string& format);

// The help text of `--excel`, for commands that write CSV without a `--format` choice.
extern const char* const k_excel_help;

// Refuses `--format xlsx` without `--output`: a workbook is binary and must not reach a terminal
// or a pipe by accident. Throws CLI::ValidationError (exit 2); call from a command's callback.
void require_output_for_xlsx(const std::string& format, const std::string& output);

// Runs `write` on standard output when `output` is empty; else on OUTPUT.partial, renamed to
// OUTPUT once `write` has returned, so an interrupted export never leaves half a file. Throws
// std::runtime_error naming the file when it cannot be written (exit 1). Main thread.
void write_output(const std::string& output, const std::function<void(std::ostream&)>& write);

} // namespace kibaru::app
