// The JSON API's contacts: a filtered page of them, a CSV import (with every reject, streamed),
// opting a phone out or in, and one contact's report.
#include "web/api_handlers.hpp"

#include "ops/contact_import.hpp"
#include "ops/contacts.hpp"
#include "ops/reports.hpp"
#include "web/api_route_helpers.hpp"
#include "web/body_ostream.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace kibaru::web::api {

namespace {

using util::Json;

// Spools every reject and duplicate row as one JSON text a line, each in an unnamed temporary
// file, so that the reply can give every one (a 100 MB upload of bad rows has millions) without
// holding them in memory; the reply streams them from there.
class SpoolingListener final : public ops::ImportListener {
public:
    SpoolingListener() : m_rejects(spool()), m_duplicates(spool()) {}

    void problem(const ops::ImportProblem& p) override {
        const auto line =
            Json{{"line", p.line}, {"field", p.field}, {"reason", p.reason}}.dump() + "\n";
        auto* file = (p.duplicate ? m_duplicates : m_rejects).get();
        if (std::fwrite(line.data(), 1, line.size(), file) != line.size()) {
            throw std::runtime_error("could not spool an import's rejects: " +
                                     std::string(std::strerror(errno)));
        }
    }
    // Whether everything spooled reached the files (a full /tmp fails here, at the latest).
    bool spooled() {
        return std::fflush(m_rejects.get()) == 0 && std::fflush(m_duplicates.get()) == 0;
    }
    // Writes the spooled rejects (or duplicate rows) as a JSON array.
    void write_rejects(std::ostream& out) { copy_array(m_rejects.get(), out); }
    void write_duplicates(std::ostream& out) { copy_array(m_duplicates.get(), out); }

private:
    struct Close {
        void operator()(std::FILE* file) const { std::fclose(file); }
    };
    using File = std::unique_ptr<std::FILE, Close>;

    static File spool() {
        File file(std::tmpfile());
        if (!file) {
            throw std::runtime_error("could not create a temporary file for an import's "
                                     "rejects: " +
                                     std::string(std::strerror(errno)));
        }
        return file;
    }
    static void copy_array(std::FILE* file, std::ostream& out) {
        std::rewind(file);
        out << '[';
        bool comma_due = false; // an element ended: a comma goes before the next one
        char buffer[16 * 1024];
        for (std::size_t read = 0; (read = std::fread(buffer, 1, sizeof buffer, file)) > 0;) {
            std::size_t from = 0;
            for (std::size_t i = 0; i < read; ++i) {
                if (buffer[i] == '\n') { // JSON texts hold no raw newline: one ends here
                    out.write(buffer + from, static_cast<std::streamsize>(i - from));
                    from = i + 1;
                    comma_due = true;
                } else if (comma_due) {
                    out.put(',');
                    comma_due = false;
                }
            }
            out.write(buffer + from, static_cast<std::streamsize>(read - from));
        }
        if (std::ferror(file)) { // cut the reply short rather than end it as if whole
            throw std::runtime_error("could not read back an import's rejects: " +
                                     std::string(std::strerror(errno)));
        }
        out << ']';
    }

    File m_rejects;
    File m_duplicates;
};

} // namespace

void contacts_page(ApiCall& call) {
    store::ContactFilter filter;
    for (auto [name, slot] :
         {std::pair{"commodity", &filter.commodity}, std::pair{"region", &filter.region},
          std::pair{"status", &filter.status}, std::pair{"q", &filter.search}}) {
        if (const auto value = call.param(name); !value.empty()) {
            *slot = value;
        }
    }
    const auto limit = int_number(call, call.param("limit", "50"), "limit");
    const auto after = limit ? number(call, call.param("after", "0"), "after") : std::nullopt;
    if (!limit || !after) {
        return;
    }
    auto page = ops::contacts_page(call.env, filter, *after, *limit);
    if (failed(call, page)) {
        return;
    }
    call.respond(json_reply(200, ops::contacts_page_json(call.env, *page)));
}

void import_contacts(ApiCall& call) {
    ops::ImportOptions options;
    options.strict = call.param("strict") == "true" || call.param("strict") == "1";
    options.dry_run = call.param("dry_run") == "true" || call.param("dry_run") == "1";
    const std::string name = call.param("name", "upload.csv");
    std::istringstream in(call.request.body);
    SpoolingListener listener;
    auto report = ops::import_contacts(call.env, in, name, options, listener);
    if (failed(call, report)) {
        return;
    }
    if (!listener.spooled()) { // 500, and the log says what was written
        throw std::runtime_error(
            "contacts import " + name + ": " + std::to_string(report->written) + " rows written, " +
            std::to_string(report->rejected) +
            " rejected, but the rejects could not be listed: " + std::strerror(errno));
    }
    // The counts first, then every reject and duplicate row, streamed from the spool.
    auto head = Json{{"file", name},
                     {"rows", report->rows},
                     {"inserted", report->inserted},
                     {"updated", report->updated},
                     {"rejected", report->rejected},
                     {"duplicates", report->duplicates},
                     {"opted_out", report->opted_out},
                     {"written", report->written}}
                    .dump();
    head.pop_back(); // the closing brace: the lists follow
    // Once the reply has begun, a client gone changes nothing: the import is committed already.
    stream_reply(call.respond, {200, "", "application/json; charset=utf-8"},
                 [&](std::ostream& out) {
                     out << head << ",\"rejects\":";
                     listener.write_rejects(out);
                     out << ",\"duplicate_rows\":";
                     listener.write_duplicates(out);
                     out << "}\n";
                 });
}

void set_contact_status(ApiCall& call, const std::string& status) {
    auto change = ops::set_contact_status(call.env, call.captures.at("phone"), status, "api");
    if (failed(call, change)) {
        return;
    }
    call.respond(json_reply(
        200, {{"phone", change->phone}, {"from", change->previous}, {"status", change->status}}));
}

void contact_report(ApiCall& call) {
    auto report = ops::contact_report(call.env, call.captures.at("phone"));
    if (failed(call, report)) {
        return;
    }
    call.respond(json_reply(200, *report));
}

} // namespace kibaru::web::api
