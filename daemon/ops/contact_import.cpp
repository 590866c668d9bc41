#include "ops/contact_import.hpp"

#include "core/contact.hpp"
#include "core/csv.hpp"
#include "core/table_reader.hpp"
#include "ops/audit_trail.hpp"
#include "ops/csv_table.hpp"
#include "store/contacts_repo.hpp"
#include "store/page_cache.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <filesystem>
#include <future>
#include <istream>
#include <thread>
#include <variant>

namespace kibaru::ops {

namespace {

constexpr std::size_t k_batch_rows = 4096;

struct Batch {
    std::vector<core::CsvRecord> records;
    std::vector<std::variant<core::Contact, core::FieldError>> results;
};

} // namespace

Result<ImportReport> import_contacts(const Env& env, std::istream& in, const std::string& name,
                                     const ImportOptions& options, ImportListener& listener) {
    // A CSV as Excel writes it too (`;` or tab between fields, Windows-1252 text), or the first
    // sheet of an .xlsx workbook.
    core::TableOptions table;
    table.separator = options.separator;
    const auto reader_ptr = core::open_table(in, table);
    auto& reader = *reader_ptr;
    const auto* csv = dynamic_cast<const core::CsvReader*>(&reader);
    using Status = core::RecordReader::Status;
    core::CsvRecord header;
    auto status = reader.next(header);
    if (status == Status::error) {
        return unreadable_table(name, reader, "; nothing imported");
    }
    if (status == Status::end) {
        return with_why(invalid(name + ": the file is empty (a header row is required)", "file"),
                        {"table_empty", {name}});
    }
    std::vector<core::Refusal> header_why;
    auto columns = core::ContactColumns::from_header(header.fields, &header_why);
    if (!columns) {
        const std::string at = name + ":" + std::to_string(header.line);
        for (auto& why : header_why) {
            why.args.insert(why.args.begin(), at);
        }
        core::Refusal why = header_why.front();
        why.also.assign(header_why.begin() + 1, header_why.end());
        return with_why(invalid(at + ": header: " + columns.error().message, "header"),
                        std::move(why));
    }
    listener.header(header.fields);

    const auto phones = core::phone_normalizer(env.config.contacts);
    const core::ContactRules rules{&phones, env.config.contacts.languages,
                                   core::fold_aliases(env.config.contacts.commodity_aliases),
                                   core::fold_aliases(env.config.contacts.kind_aliases)};
    std::array<bool, core::k_contact_columns.size()> present{};
    for (std::size_t i = 0; i < present.size(); ++i) {
        present[i] = columns->index[i] >= 0;
    }

    auto& db = env.db;
    // A large import touches the phone index at random: a 64 MiB page cache keeps it in memory
    // instead of spilling pages to the WAL again and again (the default is 2 MiB). Declared
    // before the transaction, so it is given back after the commit or rollback.
    const store::PageCacheScope cache(db, 64 * 1024);
    const std::string now = env.now_text();
    // A dry run (the console's preview of a file) only reads, so it never holds the write lock
    // the dispatcher needs; a real import is one transaction: all of the file or nothing.
    store::Transaction tx(db, options.dry_run ? store::Transaction::Mode::read
                                              : store::Transaction::Mode::write);
    store::ContactUpserter upserter(db, present, now, options.dry_run);

    ImportReport report;
    // The file line that last wrote each contact row id, to find duplicate phones in the file.
    // Row ids are dense, so a vector costs 4 bytes per contact where a hash map would cost ~40.
    std::vector<std::uint32_t> line_of_id;

    auto apply = [&](Batch& batch) {
        for (std::size_t i = 0; i < batch.records.size(); ++i) {
            const auto& record = batch.records[i];
            if (const auto* error = std::get_if<core::FieldError>(&batch.results[i])) {
                ++report.rejected;
                listener.problem(
                    {record.line, error->field, error->reason, false, &record, error->why});
                continue;
            }
            // Under --strict a reject means nothing is written (the transaction is rolled back),
            // but every row still goes through: the counts and duplicates then say what the
            // file would do once its rejects are fixed.
            const auto& contact = std::get<core::Contact>(batch.results[i]);
            const auto id = static_cast<std::size_t>(upserter.upsert(contact));
            if (id >= line_of_id.size()) {
                line_of_id.resize(std::max(id + 1, line_of_id.size() * 2));
            }
            if (const std::uint32_t earlier = line_of_id[id]; earlier != 0) {
                ++report.duplicates;
                listener.problem({earlier,
                                  "phone",
                                  contact.phone + " appears again on line " +
                                      std::to_string(record.line) + ", which wins",
                                  true,
                                  nullptr,
                                  {"duplicate", {contact.phone, std::to_string(record.line)}}});
            } else {
                ++(upserter.is_new(static_cast<std::int64_t>(id)) ? report.inserted
                                                                  : report.updated);
            }
            line_of_id[id] = static_cast<std::uint32_t>(record.line);
            // A status column (an export edited in Excel) may opt out, never opt back in.
            if (columns->opts_out(record)) {
                store::ContactsRepo contacts(db);
                const auto known = contacts.find(contact.phone); // none yet in a dry run
                if (!known || known->status != "opted_out") {
                    ++report.opted_out;
                    if (!options.dry_run) {
                        contacts.set_status(contact.phone, "opted_out", now, "import",
                                            env.actor.name);
                    }
                }
            }
        }
    };

    auto validate = [&columns, &rules](Batch batch) {
        batch.results.reserve(batch.records.size());
        for (const auto& record : batch.records) {
            batch.results.push_back(core::contact_from_row(record, *columns, rules));
        }
        return batch;
    };

    // A bounded, in-order pipeline: batches are validated on worker threads while this thread
    // reads ahead and applies finished batches in file order.
    const std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
    std::deque<std::future<Batch>> pending;
    Batch batch;
    core::CsvRecord record;
    bool reading = true;
    while (reading || !pending.empty()) {
        if (reading) {
            status = reader.next(record);
            if (status == Status::error) {
                for (auto& f : pending) {
                    f.wait(); // let workers finish before returning (they reference locals)
                }
                return unreadable_table(name, reader, "; nothing imported");
            }
            if (status == Status::record) {
                ++report.rows;
                batch.records.push_back(std::move(record));
                record = core::CsvRecord{};
                if (report.rows % 65536 == 0) {
                    listener.progress(reader.bytes_consumed(), report.rows);
                }
                if (batch.records.size() < k_batch_rows) {
                    continue;
                }
            } else {
                reading = false;
            }
            if (!batch.records.empty()) {
                pending.push_back(std::async(std::launch::async, validate, std::move(batch)));
                batch = Batch{};
            }
            if (reading && pending.size() <= workers * 2) {
                continue;
            }
        }
        if (!pending.empty()) {
            Batch done = pending.front().get();
            pending.pop_front();
            apply(done);
        }
    }
    listener.progress(reader.bytes_consumed(), report.rows);
    report.workbook = csv == nullptr;
    if (csv != nullptr) {
        report.separator = csv->separator();
        report.windows1252_rows = csv->windows1252_records() - (header.windows1252 ? 1 : 0);
    }

    if (options.dry_run || (options.strict && report.rejected > 0)) {
        tx.rollback();
        return report;
    }
    nlohmann::json details = {
        {"file", std::filesystem::path(name).filename().string()},
        {"rows", report.rows},
        {"inserted", report.inserted},
        {"updated", report.updated},
        {"rejected", report.rejected},
        {"duplicates", report.duplicates},
        {"opted_out", report.opted_out},
    };
    if (report.workbook) {
        details["format"] = "xlsx";
    } else {
        details["separator"] = std::string(core::separator_name(report.separator));
        details["windows1252_rows"] = report.windows1252_rows;
    }
    ops::record(env, "contacts.import", name, details);
    tx.commit();
    report.written = true;
    spdlog::info("imported {}: {} new, {} updated, {} rejected", name, report.inserted,
                 report.updated, report.rejected);
    return report;
}

} // namespace kibaru::ops
