#include "app/contact_import.hpp"

#include "app/context.hpp"
#include "core/contact.hpp"
#include "core/csv.hpp"
#include "store/audit_log.hpp"
#include "store/contacts_repo.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <thread>
#include <unistd.h>
#include <variant>

namespace kibaru::app {

namespace {

constexpr std::size_t k_batch_rows = 4096;

struct Batch {
    std::vector<core::CsvRecord> records;
    std::vector<std::variant<core::Contact, core::FieldError>> results;
};

// Progress on stderr for files over a few MiB, at most every 10 % of the bytes.
class Progress {
public:
    Progress(std::string name, std::uintmax_t total)
        : m_name(std::move(name)), m_total(total), m_enabled(total >= (4u << 20)),
          m_tty(isatty(STDERR_FILENO) == 1) {}
    void update(std::size_t bytes, std::size_t rows) {
        if (!m_enabled) {
            return;
        }
        const auto percent =
            static_cast<int>(100.0 * static_cast<double>(bytes) / static_cast<double>(m_total));
        if (percent / 10 == m_last / 10) {
            return;
        }
        m_last = percent;
        std::cerr << m_name << ": " << rows << " rows read (" << percent << "%)"
                  << (m_tty ? "\r" : "\n") << std::flush;
    }
    void done() {
        if (m_enabled && m_tty) {
            std::cerr << '\n';
        }
    }

private:
    std::string m_name;
    std::uintmax_t m_total;
    bool m_enabled;
    bool m_tty;
    int m_last = 0;
};

class RejectsFile {
public:
    RejectsFile(const std::string& path, const std::vector<std::string>& header) {
        if (path.empty()) {
            return;
        }
        m_out.open(path, std::ios::binary | std::ios::trunc);
        if (!m_out) {
            throw UsageError("--rejects: cannot write " + path);
        }
        std::vector<std::string> columns = header;
        columns.insert(columns.end(), {"reject_line", "reject_field", "reject_reason"});
        m_out << core::csv_line(columns);
    }
    void add(const core::CsvRecord& record, const core::FieldError& error) {
        if (!m_out.is_open()) {
            return;
        }
        std::vector<std::string> fields = record.fields;
        fields.insert(fields.end(), {std::to_string(record.line), error.field, error.reason});
        m_out << core::csv_line(fields);
    }

private:
    std::ofstream m_out;
};

} // namespace

ImportReport import_contacts(Context& context, const ImportOptions& options) {
    std::ifstream in(options.path, std::ios::binary);
    if (!in) {
        throw UsageError(options.path + ": cannot read the file");
    }
    const std::string& name = options.path;
    core::CsvReader reader(in);
    core::CsvRecord header;
    auto status = reader.next(header);
    if (status == core::CsvReader::Status::error) {
        throw std::runtime_error(name + ":" + std::to_string(reader.error_line()) + ": " +
                                 reader.error_message() + "; nothing imported");
    }
    if (status == core::CsvReader::Status::end) {
        throw UsageError(name + ": the file is empty (a header row is required)");
    }
    auto columns = core::ContactColumns::from_header(header.fields);
    if (!columns) {
        throw UsageError(name + ":" + std::to_string(header.line) +
                         ": header: " + columns.error().message);
    }

    const core::PhoneNormalizer phones(context.config().contacts.default_region);
    const core::ContactRules rules{&phones, context.config().contacts.languages};
    std::array<bool, core::k_contact_columns.size()> present{};
    for (std::size_t i = 0; i < present.size(); ++i) {
        present[i] = columns->index[i] >= 0;
    }

    auto& db = context.db();
    // A large import touches the phone index at random: a 64 MiB page cache keeps it in memory
    // instead of spilling pages to the WAL again and again (the default is 2 MiB).
    db.exec("PRAGMA cache_size = -65536");
    const std::string now = context.now_text();
    store::Transaction tx(db);
    store::ContactUpserter upserter(db, present, now);
    RejectsFile rejects(options.rejects_path, header.fields);
    std::error_code size_error;
    Progress progress(name, std::filesystem::file_size(name, size_error));

    ImportReport report;
    // The file line that last wrote each contact row id, to find duplicate phones in the file.
    // Row ids are dense, so a vector costs 4 bytes per contact where a hash map would cost ~40.
    std::vector<std::uint32_t> line_of_id;
    auto complain = [&](std::size_t line, const std::string& what) {
        if (report.rejected + report.duplicates <= options.max_reported) {
            std::cerr << name << ":" << line << ": " << what << '\n';
        }
    };

    auto apply = [&](Batch& batch) {
        for (std::size_t i = 0; i < batch.records.size(); ++i) {
            const auto& record = batch.records[i];
            if (const auto* error = std::get_if<core::FieldError>(&batch.results[i])) {
                ++report.rejected;
                complain(record.line, error->field + ": " + error->reason);
                rejects.add(record, *error);
                continue;
            }
            if (options.strict && report.rejected > 0) {
                continue; // nothing will be written; keep validating to report every reject
            }
            const auto& contact = std::get<core::Contact>(batch.results[i]);
            const auto id = static_cast<std::size_t>(upserter.upsert(contact));
            if (id >= line_of_id.size()) {
                line_of_id.resize(std::max(id + 1, line_of_id.size() * 2));
            }
            if (const std::uint32_t earlier = line_of_id[id]; earlier != 0) {
                ++report.duplicates;
                complain(earlier, "phone: " + contact.phone + " appears again on line " +
                                      std::to_string(record.line) + ", which wins");
            } else {
                ++(upserter.is_new(static_cast<std::int64_t>(id)) ? report.inserted
                                                                  : report.updated);
            }
            line_of_id[id] = static_cast<std::uint32_t>(record.line);
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
            if (status == core::CsvReader::Status::error) {
                for (auto& f : pending) {
                    f.wait(); // let workers finish before unwinding (they reference locals)
                }
                throw std::runtime_error(name + ":" + std::to_string(reader.error_line()) + ": " +
                                         reader.error_message() + "; nothing imported");
            }
            if (status == core::CsvReader::Status::record) {
                ++report.rows;
                batch.records.push_back(std::move(record));
                record = core::CsvRecord{};
                progress.update(reader.bytes_consumed(), report.rows);
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
    progress.done();

    const std::size_t reported = report.rejected + report.duplicates;
    if (reported > options.max_reported) {
        std::cerr << name << ": " << reported - options.max_reported << " more problems not shown"
                  << (options.rejects_path.empty() ? " (use --rejects FILE to get them all)" : "")
                  << '\n';
    }

    if (options.dry_run || (options.strict && report.rejected > 0)) {
        tx.rollback();
        return report;
    }
    const nlohmann::json details = {
        {"file", std::filesystem::path(name).filename().string()},
        {"rows", report.rows},
        {"inserted", report.inserted},
        {"updated", report.updated},
        {"rejected", report.rejected},
        {"duplicates", report.duplicates},
    };
    store::AuditLog(db).append(now, context.actor(), "contacts.import", name, details.dump());
    tx.commit();
    report.written = true;
    spdlog::info("imported {}: {} new, {} updated, {} rejected", name, report.inserted,
                 report.updated, report.rejected);
    return report;
}

} // namespace kibaru::app
