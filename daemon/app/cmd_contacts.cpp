// `contacts import|list|export|optout|optin`.
#include "app/commands.hpp"
#include "app/contact_import.hpp"
#include "app/context.hpp"
#include "app/output.hpp"
#include "core/contact.hpp"
#include "store/audit_log.hpp"
#include "store/contacts_repo.hpp"
#include "store/sqlite.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace kibaru::app {

namespace {

std::vector<std::string> contact_columns(bool with_dates) {
    std::vector<std::string> columns(core::k_contact_columns.begin(),
                                     core::k_contact_columns.end());
    columns.emplace_back("status");
    if (with_dates) {
        columns.emplace_back("created_at");
        columns.emplace_back("updated_at");
    }
    return columns;
}

std::vector<Json> contact_cells(const store::ContactRow& row, bool with_dates) {
    const auto& c = row.contact;
    std::vector<Json> cells = {c.phone,       c.name,     c.organisation, c.kind,    c.region,
                               c.commodities, c.language, c.tags,         row.status};
    if (with_dates) {
        cells.emplace_back(row.created_at);
        cells.emplace_back(row.updated_at);
    }
    return cells;
}

int run_import(Context& context, const ImportOptions& options) {
    const auto report = import_contacts(context, options);
    std::cout << options.path << ": " << report.rows << " rows: " << report.inserted << " new, "
              << report.updated << " updated, " << report.rejected << " rejected, "
              << report.duplicates << " duplicate phones (the later row wins)\n";
    if (options.dry_run) {
        std::cout << "dry run: nothing was written\n";
    } else if (!report.written) {
        std::cout << "--strict: " << report.rejected << " rows rejected, nothing was written\n";
        return k_runtime;
    }
    return report.rejected > 0 ? k_partial : k_ok;
}

int run_list(Context& context, const store::ContactFilter& filter, const std::string& format) {
    auto writer = make_row_writer(parse_format(format), std::cout, contact_columns(false));
    store::ContactsRepo(context.db()).for_each(filter, [&](const store::ContactRow& row) {
        writer->row(contact_cells(row, false));
    });
    writer->finish();
    return k_ok;
}

int run_export(Context& context, const std::string& path) {
    store::ContactsRepo repo(context.db());
    std::size_t count = 0;
    auto write_all = [&](std::ostream& out) {
        auto writer = make_row_writer(Format::csv, out, contact_columns(true));
        repo.for_each({}, [&](const store::ContactRow& row) {
            writer->row(contact_cells(row, true));
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
    const core::PhoneNormalizer phones(context.config().contacts.default_region);
    auto phone = phones.any_e164(raw_phone);
    if (!phone) {
        throw UsageError("phone \"" + raw_phone + "\" " + phone.error().message);
    }
    auto& db = context.db();
    store::Transaction tx(db);
    const auto previous = store::ContactsRepo(db).set_status(*phone, status, context.now_text(),
                                                             "cli", context.actor());
    if (!previous) {
        std::cerr << "kibaru: no contact has phone " << *phone << '\n';
        return k_runtime;
    }
    if (*previous == status) {
        std::cout << *phone << " is already " << status << "\n";
        return k_ok;
    }
    const std::string action = status == "opted_out" ? "contacts.optout" : "contacts.optin";
    store::AuditLog(db).append(context.now_text(), context.actor(), action, *phone,
                               nlohmann::json{{"from", *previous}, {"to", status}}.dump());
    tx.commit();
    spdlog::info("contact {} is now {} (was {})", *phone, status, *previous);
    std::cout << *phone << ": " << *previous << " -> " << status << "\n";
    return k_ok;
}

} // namespace

void register_contacts_commands(CLI::App& app, CommandSink& sink) {
    auto* contacts = app.add_subcommand("contacts", "import, list, export and opt contacts out/in");
    contacts->require_subcommand(1);

    auto import_options = std::make_shared<ImportOptions>();
    auto* import = contacts->add_subcommand(
        "import", "add or update contacts from a CSV file "
                  "(columns: phone,name,organisation,kind,region,commodities,language,tags)");
    import->add_option("FILE", import_options->path, "contacts CSV (UTF-8, header row)")
        ->required();
    import->add_flag("--strict", import_options->strict, "write nothing if any row is rejected");
    import->add_flag("--dry-run", import_options->dry_run,
                     "validate and report what would happen; write nothing");
    import->add_option("--rejects", import_options->rejects_path,
                       "write rejected rows, with line, field and reason, to this CSV file");
    import->callback([&sink, import_options] {
        sink.action = [import_options](Context& c) { return run_import(c, *import_options);
};
} // namespace kibaru::app
);

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
        "--status", [filter](const std::string& v) { filter->status = v; }, "active or opted_out")
    ->check(CLI::IsMember({"active", "opted_out"}));
list->add_option("--format", *format, "table, csv or json")
    ->check(CLI::IsMember({"table", "csv", "json"}));
list->callback([&sink, filter, format] {
    sink.action = [filter, format](Context& c) { return run_list(c, *filter, *format); };
});

auto export_path = std::make_shared<std::string>();
auto* exporter = contacts->add_subcommand(
    "export", "write all contacts as CSV (import columns plus status, created_at, updated_at)");
exporter->add_option("FILE", *export_path, "output file, or - for standard output")->required();
exporter->callback([&sink, export_path] {
    sink.action = [export_path](Context& c) { return run_export(c, *export_path); };
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
