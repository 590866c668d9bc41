// `contacts import|list|export|optout|optin`: parse, call the operation, print.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output_options.hpp"
#include "core/csv.hpp"
#include "core/phone.hpp"
#include "ops/contact_import.hpp"
#include "ops/contacts.hpp"
#include "store/contacts_repo.hpp"
#include "util/rows.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace kibaru::app {

namespace {

struct ImportOptions {
    std::string path;
    ops::ImportOptions import;
    std::string rejects_path;       // where to write rejected rows as CSV ("" for none)
    std::size_t max_reported = 100; // problems printed on stderr; the rejects file gets all
};

// Prints the first problems on stderr as FILE:LINE: FIELD: REASON, writes every rejected row
// with its line, field and reason to the rejects file, and shows progress on long files.
class CliImportListener final : public ops::ImportListener {
public:
    CliImportListener(const ImportOptions& options, std::uintmax_t size)
        : m_options(options), m_size(size), m_tty(isatty(STDERR_FILENO) == 1) {
        // Writable, checked now without emptying it: a file whose header is refused leaves an
        // earlier rejects file as it was.
        if (!options.rejects_path.empty() &&
            !std::ofstream(options.rejects_path, std::ios::binary | std::ios::app)) {
            throw UsageError("--rejects: cannot write " + options.rejects_path);
        }
    }

    void header(const std::vector<std::string>& fields) override {
        if (!m_options.rejects_path.empty()) {
            m_rejects.open(m_options.rejects_path, std::ios::binary | std::ios::trunc);
            if (!m_rejects) {
                throw UsageError("--rejects: cannot write " + m_options.rejects_path);
            }
            std::vector<std::string> columns = fields;
            columns.insert(columns.end(), {"reject_line", "reject_field", "reject_reason"});
            m_rejects << core::csv_line(columns);
        }
    }

    void problem(const ops::ImportProblem& p) override {
        if (++m_reported <= m_options.max_reported) {
            std::cerr << m_options.path << ":" << p.line << ": " << p.field << ": " << p.reason
                      << '\n';
        }
        if (p.record && m_rejects.is_open()) {
            std::vector<std::string> fields = p.record->fields;
            fields.insert(fields.end(), {std::to_string(p.line), p.field, p.reason});
            m_rejects << core::csv_line(fields);
        }
    }

    // Files over a few MiB: at most every 10 % of the bytes.
    void progress(std::size_t bytes, std::size_t rows) override {
        if (m_size < (4u << 20)) {
            return;
        }
        const auto percent =
            static_cast<int>(100.0 * static_cast<double>(bytes) / static_cast<double>(m_size));
        if (percent / 10 == m_last / 10) {
            return;
        }
        m_last = percent;
        m_shown = true;
        std::cerr << m_options.path << ": " << rows << " rows read (" << percent << "%)"
                  << (m_tty ? "\r" : "\n") << std::flush;
    }

    void finish() {
        if (m_shown && m_tty) {
            std::cerr << '\n';
        }
        if (m_reported > m_options.max_reported) {
            std::cerr << m_options.path << ": " << m_reported - m_options.max_reported
                      << " more problems not shown"
                      << (m_options.rejects_path.empty() ? " (use --rejects FILE to get them all)"
                                                         : "")
                      << '\n';
        }
    }

private:
    const ImportOptions& m_options;
    std::uintmax_t m_size;
    bool m_tty;
    bool m_shown = false;
    int m_last = 0;
    std::size_t m_reported = 0;
    std::ofstream m_rejects;
};

int run_import(Context& context, const ImportOptions& options) {
    std::ifstream in(options.path, std::ios::binary);
    if (!in) {
        throw UsageError(options.path + ": cannot read the file");
    }
    std::error_code size_error;
    CliImportListener listener(options, std::filesystem::file_size(options.path, size_error));
    auto result = ops::import_contacts(context.env(), in, options.path, options.import, listener);
    listener.finish();
    const auto report = unwrap(std::move(result));
    if (report.windows1252_rows > 0) {
        // Said once: Excel on a French Windows saves "CSV" in its code page, not UTF-8.
        std::cerr << options.path << ": not UTF-8: read as Windows-1252 ("
                  << report.windows1252_rows << (report.windows1252_rows == 1 ? " row" : " rows")
                  << ")\n";
    }
    std::cout << options.path << ": " << report.rows << " rows: " << report.inserted << " new, "
              << report.updated << " updated, " << report.rejected << " rejected, "
              << report.duplicates << " duplicate phones (the later row wins)\n";
    if (report.opted_out > 0) {
        std::cout << options.path << ": " << report.opted_out
                  << " contacts opted out by the status column (a file never opts anyone back "
                     "in: contacts optin does)\n";
    }
    if (options.import.dry_run) {
        std::cout << "dry run: nothing was written\n";
    } else if (!report.written) {
        std::cout << "--strict: " << report.rejected << " rows rejected, nothing was written\n";
        return k_runtime;
    }
    return report.rejected > 0 ? k_partial : k_ok;
}

int run_list(Context& context, const store::ContactFilter& filter, const std::string& format) {
    auto writer =
        util::make_row_writer(util::parse_format(format), std::cout, ops::contact_columns(false));
    const auto plan = core::numbering_plan(context.config().contacts);
    store::ContactsRepo(context.db()).for_each(filter, [&](const store::ContactRow& row) {
        writer->row(ops::contact_cells(row, false, plan));
    });
    writer->finish();
    return k_ok;
}

int run_export(Context& context, const std::string& path, bool excel) {
    store::ContactsRepo repo(context.db());
    std::size_t count = 0;
    const auto plan = core::numbering_plan(context.config().contacts);
    auto write_all = [&](std::ostream& out) {
        auto writer = util::make_row_writer(excel ? util::Format::excel_csv : util::Format::csv,
                                            out, ops::contact_columns(true));
        repo.for_each({}, [&](const store::ContactRow& row) {
            writer->row(ops::contact_cells(row, true, plan));
            ++count;
        });
        writer->finish();
    };
    if (path == "-") {
        write_all(std::cout);
        return k_ok;
    }
    // Written beside the target and renamed, so an interrupted export never leaves half a file.
    const std::string temporary = path + ".partial";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw UsageError(path + ": cannot write the export file");
        }
        write_all(out);
        if (!out.flush()) {
            throw std::runtime_error(path + ": write failed");
        }
    }
    std::filesystem::rename(temporary, path);
    std::cerr << path << ": " << count << " contacts exported\n";
    return k_ok;
}

int run_set_status(Context& context, const std::string& raw_phone, const std::string& status) {
    auto change = ops::set_contact_status(context.env(), raw_phone, status, "cli");
    if (!change && change.error().kind == ops::ErrorKind::not_found) {
        std::cerr << "kibaru: " << change.error().message << '\n';
        return k_runtime;
    }
    const auto done = unwrap(std::move(change));
    if (done.previous == done.status) {
        std::cout << done.phone << " is already " << done.status << "\n";
        return k_ok;
    }
    std::cout << done.phone << ": " << done.previous << " -> " << done.status << "\n";
    return k_ok;
}

} // namespace

void register_contacts_commands(CLI::App& app, CommandSink& sink) {
    auto* contacts = app.add_subcommand("contacts", "import, list, export and opt contacts out/in");
    contacts->require_subcommand(1);

    auto import_options = std::make_shared<ImportOptions>();
    auto* importing = contacts->add_subcommand(
        "import", "add or update contacts from a CSV or .xlsx file "
                  "(columns: phone,name,organisation,kind,region,commodities,language,tags)");
    importing
        ->add_option("FILE", import_options->path,
                     "contacts CSV with a header row (UTF-8 or, as Excel saves it on a French "
                     "Windows, Windows-1252 with ; between fields and French column names)")
        ->required();
    importing->add_flag("--strict", import_options->import.strict,
                        "write nothing if any row is rejected");
    importing->add_flag("--dry-run", import_options->import.dry_run,
                        "validate and report what would happen; write nothing");
    importing->add_option("--rejects", import_options->rejects_path,
                          "write rejected rows, with line, field and reason, to this CSV file");
    importing
        ->add_option_function<std::string>(
            "--separator",
            [import_options](const std::string& v) {
                import_options->import.separator = v == "tab" ? '\t' : v[0];
            },
            "the field separator: , ; or tab (default: found from the header line)")
        ->check(CLI::IsMember({",", ";", "tab"}));
    importing->callback([&sink, import_options] {
        sink.action = [import_options](Context& c) { return run_import(c, *import_options); };
    });

    auto filter = std::make_shared<store::ContactFilter>();
    auto format = std::make_shared<std::string>("table");
    auto* list = contacts->add_subcommand("list", "list contacts, optionally filtered");
    list->add_option_function<std::string>(
        "--commodity", [filter](const std::string& v) { filter->commodity = v; },
        "only contacts growing this commodity (e.g. sesame)");
    list->add_option_function<std::string>(
        "--region", [filter](const std::string& v) { filter->region = v; },
        "only contacts in this region (case-insensitive)");
    list->add_option_function<std::string>(
            "--status", [filter](const std::string& v) { filter->status = v; },
            "active or opted_out")
        ->check(CLI::IsMember({"active", "opted_out"}));
    auto* list_format_option = list->add_option("--format", *format, "table, csv or json")
                                   ->check(CLI::IsMember({"table", "csv", "json"}));
    add_excel_flag(*list, *list_format_option, *format);
    list->callback([&sink, filter, format] {
        sink.action = [filter, format](Context& c) { return run_list(c, *filter, *format); };
    });

    auto export_path = std::make_shared<std::string>();
    auto* exporter = contacts->add_subcommand(
        "export", "write all contacts as CSV (import columns plus status, created_at, updated_at)");
    exporter->add_option("FILE", *export_path, "output file, or - for standard output")->required();
    auto export_excel = std::make_shared<bool>(false);
    exporter->add_flag("--excel", *export_excel, k_excel_help);
    exporter->callback([&sink, export_path, export_excel] {
        sink.action = [export_path, export_excel](Context& c) {
            return run_export(c, *export_path, *export_excel);
        };
    });

    for (const auto& [name, status, help] :
         {std::tuple{"optout", "opted_out", "stop all sends to a phone"},
          std::tuple{"optin", "active", "resume sends to a phone that had opted out"}}) {
        auto phone = std::make_shared<std::string>();
        auto* command = contacts->add_subcommand(name, help);
        command->add_option("PHONE", *phone, "the phone number, written any usual way")->required();
        command->callback([&sink, phone, status = std::string(status)] {
            sink.action = [phone, status](Context& c) { return run_set_status(c, *phone, status); };
        });
    }
}

} // namespace kibaru::app
