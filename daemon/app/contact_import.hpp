// `contacts import`: streams a contacts CSV, validates rows on worker threads (phone parsing is
// the costly part), and writes them on this thread in one transaction with its audit entry.
// Rows are applied in file order, so "the later duplicate wins" holds whatever the threads do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kibaru::app {

class Context;

struct ImportOptions {
    std::string path;
    bool strict = false;            // any reject: write nothing
    bool dry_run = false;           // validate and count, write nothing
    std::string rejects_path;       // where to write rejected rows as CSV ("" for none)
    std::size_t max_reported = 100; // rejects printed on stderr; the rejects file gets all
};

struct ImportReport {
    std::size_t rows = 0;     // data rows read (blank lines excluded)
    std::size_t inserted = 0; // phones new to the database
    std::size_t updated = 0;  // phones already known, updated
    std::size_t rejected = 0;
    std::size_t duplicates = 0; // earlier rows superseded by a later row with the same phone
    bool written = false;       // the transaction was committed
};

// Runs the import; rejects and duplicates are reported on stderr as FILE:LINE: FIELD: REASON.
// Throws UsageError for an unreadable file or a bad header, std::runtime_error (exit 1) for a
// file malformed past repair (an unterminated quote) — in both cases nothing is written.
ImportReport import_contacts(Context& context, const ImportOptions& options);

} // namespace kibaru::app
