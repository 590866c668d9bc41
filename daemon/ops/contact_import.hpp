// Importing contacts from CSV or the first sheet of an .xlsx workbook: streams the file,
// validates rows on worker threads (phone parsing is the costly part), and writes them on the
// calling thread in one transaction with its audit entry. Rows are applied in file order, so
// "the later duplicate wins" holds whatever the threads do. The CLI and the API call it alike;
// what each does with rejects (print them, write a rejects file, return them as JSON) is the
// listener's business.
#pragma once

#include "core/csv.hpp"
#include "core/refusal.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace kibaru::ops {

struct ImportOptions {
    bool strict = false;  // any reject: write nothing
    bool dry_run = false; // validate and count, write nothing
    char separator = 0;   // ',' ';' or '\t'; 0 to find it from the header line
};

struct ImportReport {
    std::size_t rows = 0;     // data rows read (blank lines excluded)
    std::size_t inserted = 0; // phones new to the database
    std::size_t updated = 0;  // phones already known, updated
    std::size_t rejected = 0;
    std::size_t duplicates = 0;       // earlier rows superseded by a later row with the same phone
    std::size_t opted_out = 0;        // contacts the file's status column opted out (never in)
    bool written = false;             // the transaction was committed
    char separator = ',';             // as found or given (CSV)
    std::size_t windows1252_rows = 0; // rows read as Windows-1252 (not valid UTF-8; CSV)
    bool workbook = false;            // read from an .xlsx workbook, not CSV
};

// A row refused (`record` is the row as read), or an earlier row superseded by a later one
// with the same phone (`duplicate`; `record` is null; `why.args` are the phone and the later
// line).
struct ImportProblem {
    std::size_t line = 0;
    std::string field;
    std::string reason; // English
    bool duplicate = false;
    const core::CsvRecord* record = nullptr;
    core::Refusal why = {}; // the reason as data (core/refusal.hpp)
};

class ImportListener {
public:
    virtual ~ImportListener() = default;
    virtual void header(const std::vector<std::string>& /*fields*/) {}
    virtual void problem(const ImportProblem& problem) = 0;
    // Now and then on long files: bytes and rows read so far.
    virtual void progress(std::size_t /*bytes*/, std::size_t /*rows*/) {}
};

// Imports `in`, a CSV or an .xlsx workbook (told apart by its first bytes) named `name` (for
// messages and the audit entry). Fails, with nothing written, on an empty file or a bad header
// (invalid, naming name:line) and on a file malformed past repair, such as an unterminated
// quote or a workbook refused (malformed).
Result<ImportReport> import_contacts(const Env& env, std::istream& in, const std::string& name,
                                     const ImportOptions& options, ImportListener& listener);

} // namespace kibaru::ops
