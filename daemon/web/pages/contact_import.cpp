// The contacts import in two steps: the file (CSV or .xlsx) is uploaded and checked, nothing
// written; every reject, in the page's language, and what would be added or updated are shown
// (the rejects downloadable as CSV); only a second click imports it.
#include "ops/contact_import.hpp"
#include "core/csv.hpp"
#include "ops/secrets.hpp"
#include "web/body_ostream.hpp"
#include "web/pages/page.hpp"
#include "web/pages/pages.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace kibaru::web::pages {

using html::tag;
using html::text;
using html::void_tag;

namespace {

// Uploaded files between their review and their import: a few, for an hour, in memory.
class Uploads {
public:
    struct Upload {
        std::string name;
        std::string bytes;
        std::string user;
        std::chrono::steady_clock::time_point at;
    };
    static Uploads& instance() {
        static Uploads uploads;
        return uploads;
    }
    std::string keep(Upload upload) {
        std::lock_guard lock(m_mutex);
        const auto now = std::chrono::steady_clock::now();
        for (auto it = m_uploads.begin(); it != m_uploads.end();) {
            it = now - it->second.at > std::chrono::hours(1) ? m_uploads.erase(it) : std::next(it);
        }
        while (m_uploads.size() >= 4) {
            auto oldest = m_uploads.begin();
            for (auto it = m_uploads.begin(); it != m_uploads.end(); ++it) {
                if (it->second.at < oldest->second.at) {
                    oldest = it;
                }
            }
            m_uploads.erase(oldest);
        }
        const auto id = ops::random_token("u");
        upload.at = now;
        m_uploads[id] = std::move(upload);
        return id;
    }
    std::optional<Upload> find(const std::string& id, const std::string& user) {
        std::lock_guard lock(m_mutex);
        const auto it = m_uploads.find(id);
        if (it == m_uploads.end() || it->second.user != user) {
            return std::nullopt;
        }
        return it->second;
    }
    void forget(const std::string& id) {
        std::lock_guard lock(m_mutex);
        m_uploads.erase(id);
    }

private:
    std::mutex m_mutex;
    std::map<std::string, Upload> m_uploads;
};

// The rejects and duplicates of an import, the first `limit` of them kept, all counted.
class Collect final : public ops::ImportListener {
public:
    explicit Collect(std::size_t limit) : m_limit(limit) {}
    void problem(const ops::ImportProblem& p) override {
        ++seen;
        if (problems.size() < m_limit) {
            problems.push_back(p);
            problems.back().record = nullptr; // the import's row, gone with its batch
        }
    }
    std::vector<ops::ImportProblem> problems;
    std::size_t seen = 0;

private:
    std::size_t m_limit;
};

// Every reject of an import as a line of CSV, written as the import finds it: the download
// of a file with a million bad rows is streamed, never held in memory as rows and then text.
class RejectsCsv final : public ops::ImportListener {
public:
    explicit RejectsCsv(std::ostream& out) : m_out(out) { m_out << "line,field,reason\n"; }
    void problem(const ops::ImportProblem& p) override {
        if (!p.duplicate) {
            const std::vector<std::string> fields = {std::to_string(p.line), p.field, p.reason};
            m_out << core::csv_line(fields);
        }
    }

private:
    std::ostream& m_out;
};

// Runs the contacts import over an upload kept since step 1: a dry run for the review and the
// rejects download, for real at step 2.
ops::Result<ops::ImportReport> import_kept(const ApiCall& call, const Uploads::Upload& upload,
                                           bool dry_run, ops::ImportListener& listener) {
    std::istringstream in(upload.bytes);
    ops::ImportOptions options;
    options.dry_run = dry_run;
    return ops::import_contacts(call.env, in, upload.name, options, listener);
}

// The review lists this many rejects and duplicates, says how many more rows there are, and
// points to the CSV of every reject: a file of 50,000 bad rows must not make a page of 50,000
// rows on a slow link.
constexpr std::size_t k_review_rows = 500;

// A reject or duplicate row in the page's language: the catalogue's sentence for the reason
// core or the import gave as data, else the operations layer's English.
std::string problem_text(const Page& page, const ops::ImportProblem& p) {
    if (p.duplicate) {
        return page.t("import.duplicate") + ": " + fill(page.t("import.appears_again"), p.why.args);
    }
    return explain(page.lang, p.why, p.reason);
}

// The field at fault as the staff's file shows it: a column by the name its header gives it
// ("phone"), the row as a whole, or a column without a name by its number.
std::string field_text(const Page& page, const std::string& field) {
    if (field == "row") {
        return page.t("import.field_row");
    }
    if (field.rfind("column ", 0) == 0) {
        return fill(page.t("import.field_column"), {field.substr(7)});
    }
    return field;
}

} // namespace

void import_form(ApiCall& call) {
    const auto page = make_page(call);
    Html body = tag("p", {}, text(page.t("import.explain")));
    body += tag(
        "form",
        {{"method", "post"}, {"action", "/contacts/import"}, {"enctype", "multipart/form-data"}},
        void_tag("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", page.csrf}}) +
            field("file", page.t("import.file"), "", {}, "file", page.t("import.file_hint"),
                  {{"accept", ".csv,.xlsx,text/csv,application/"
                              "vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
                   {"required", "required"}}) +
            tag("p", {}, tag("button", {{"type", "submit"}}, text(page.t("import.check")))));
    send_page(page, 200, layout(page, page.t("contacts.import"), body, "nav.contacts"));
}

// Step 1: the file is checked (a dry run) and kept; the review shows what would happen.
void import_upload(ApiCall& call) {
    const auto page = make_page(call);
    const auto parts = posted_parts(call);
    if (!parts || !parts->count("file") || parts->at("file").content.empty()) {
        return send_page(
            page, 422,
            layout(page, page.t("contacts.import"),
                   tag("p", {},
                       tag("a", {{"href", "/contacts/import"}}, text(page.t("import.again")))),
                   "nav.contacts", {{"file", page.t("import.no_file")}}));
    }
    const auto& file = parts->at("file");
    const std::string name = file.filename.empty() ? "upload.csv" : file.filename;
    const auto id = Uploads::instance().keep({name, file.content, call.principal->name, {}});
    redirect(call, "/contacts/import/" + id);
}

void import_review(ApiCall& call) {
    const auto page = make_page(call);
    const auto upload = Uploads::instance().find(call.captures.at("id"), call.principal->name);
    if (!upload) {
        return error_page(page, 404, page.t("import.gone"));
    }
    Collect collected(k_review_rows);
    const auto report = import_kept(call, *upload, true, collected);
    if (!report) {
        return send_page(
            page, 422,
            layout(page, page.t("contacts.import"),
                   tag("p", {},
                       tag("a", {{"href", "/contacts/import"}}, text(page.t("import.again")))),
                   "nav.contacts",
                   {{"file", report.error().why.code.empty()
                                 ? report.error().message // the CLI's, which says so
                                 : explain(page.lang, report.error().why, report.error().message) +
                                       page.t("import.nothing_imported")}}));
    }
    Html body =
        tag("p", {},
            text(upload->name + ": " + number(static_cast<std::int64_t>(report->rows), page.lang) +
                 " " + page.t("import.rows") + " — " +
                 number(static_cast<std::int64_t>(report->inserted), page.lang) + " " +
                 page.t("import.new") + ", " +
                 number(static_cast<std::int64_t>(report->updated), page.lang) + " " +
                 page.t("import.updated") + ", " +
                 number(static_cast<std::int64_t>(report->rejected), page.lang) + " " +
                 page.t("import.rejected") + ", " +
                 number(static_cast<std::int64_t>(report->duplicates), page.lang) + " " +
                 page.t("import.duplicates") + "."));
    Html rows;
    for (const auto& p : collected.problems) {
        rows += tag("tr", {},
                    tag("td", {{"class", "n"}}, text(std::to_string(p.line))) +
                        tag("td", {}, text(field_text(page, p.field))) +
                        tag("td", {}, text(problem_text(page, p))));
    }
    if (!rows.empty()) {
        body += tag("h2", {}, text(page.t("import.problems")));
        body += tag("p", {},
                    tag("a", {{"href", call.request.path + "/rejects.csv"}},
                        text(page.t("import.download_rejects"))));
        body +=
            tag("table", {},
                tag("thead", {},
                    tag("tr", {},
                        tag("th", {{"scope", "col"}, {"class", "n"}}, text(page.t("import.line"))) +
                            tag("th", {{"scope", "col"}}, text(page.t("import.field"))) +
                            tag("th", {{"scope", "col"}}, text(page.t("import.reason"))))) +
                    tag("tbody", {}, rows));
        if (collected.seen > collected.problems.size()) {
            const auto more = static_cast<std::int64_t>(collected.seen - collected.problems.size());
            body +=
                tag("p", {}, text(fill(page.t("import.more_problems"), {number(more, page.lang)})));
        }
    }
    body +=
        post_form(page, call.request.path, {},
                  report->rejected > 0 ? page.t("import.commit_valid") : page.t("import.commit"));
    body += tag("p", {}, tag("a", {{"href", "/contacts/import"}}, text(page.t("import.cancel"))));
    send_page(page, 200, layout(page, page.t("import.review"), body, "nav.contacts"));
}

void import_rejects(ApiCall& call) {
    const auto upload = Uploads::instance().find(call.captures.at("id"), call.principal->name);
    if (!upload) {
        return call.respond({404, "gone\n"});
    }
    net::Reply head{200, "", "text/csv; charset=utf-8"};
    head.headers.emplace_back("Content-Disposition", "attachment; filename=\"rejects.csv\"");
    stream_reply(call.respond, std::move(head), [&](std::ostream& out) {
        RejectsCsv rejects(out);
        // A file refused as a whole was said so by the review, which offers no download then;
        // fetched anyway, the reply is cut short (no last chunk) rather than looking complete.
        const auto report = import_kept(call, *upload, true, rejects);
        if (!report) {
            throw std::runtime_error(report.error().message);
        }
    });
}

// Step 2: the same file, imported for real (rejects still left out).
void import_commit(ApiCall& call) {
    const auto page = make_page(call);
    FormClaim claim(page.form("form_id"));
    if (claim.earlier()) {
        return redirect(call, *claim.earlier());
    }
    const auto id = call.captures.at("id");
    const auto upload = Uploads::instance().find(id, call.principal->name);
    if (!upload) {
        return error_page(page, 404, page.t("import.gone"));
    }
    Collect collected(0); // the review listed them: counted only
    const auto report = import_kept(call, *upload, false, collected);
    if (!report) {
        return error_page(page, 422, report.error());
    }
    Uploads::instance().forget(id);
    const std::string done =
        "/contacts?imported=" + std::to_string(report->inserted + report->updated);
    claim.succeeded(done);
    redirect(call, done);
}

} // namespace kibaru::web::pages
