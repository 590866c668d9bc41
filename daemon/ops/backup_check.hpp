// What `kibaru backup` checks in the copy it wrote and `kibaru restore` in the copy it is given:
// a Kibaru database, sound pages (integrity_check), a schema this build can read, and an intact
// audit chain with every delivery event under its seal.
#pragma once

#include "store/audit_log.hpp"
#include "util/rows.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace kibaru::ops {

struct CopyVerdict {
    std::string file;
    bool readable = true;               // SQLite can open it as a Kibaru database
    std::vector<std::string> integrity; // integrity_check's problems; empty when sound
    int schema_version = 0;
    int newest_schema = 0;      // what this build understands
    store::AuditVerdict audit;  // the chain and the events' seals (when the rest passed)
    bool audit_checked = false; // false when an earlier check failed
    std::int64_t audit_seq = 0; // the chain's head in the copy: the last entry it holds

    // "" when every check passed, else the first that failed, in words naming the file.
    std::string problem() const;
    bool ok() const { return problem().empty(); }
};

// Opens `file` read-only (nothing it does can change the copy) and runs every check in turn,
// stopping at the first that fails. integrity_check, not quick_check: a copy is read once, by a
// command nobody waits on to send an SMS, and a copy is what an installation falls back on, so
// it gets the check that also matches every index against its table. Throws store::StoreError
// only for failures that are not the copy's (the disk cannot be read), and SQLITE_INTERRUPT
// soon after `*cancel` turns true. Runs on the caller's thread for as long as reading the copy
// twice takes.
CopyVerdict verify_copy(const std::string& file, const std::atomic<bool>* cancel = nullptr);

// True when `path` is the database `database_path` or one of the files SQLite and Kibaru keep
// beside it (-wal, -shm, -journal, .lock): a backup written there, or restored from there, would
// destroy what it copies.
bool is_database_file(const std::string& path, const std::string& database_path);

// {"file", "integrity": "ok" or [problems], "schema_version", "audit": {ok, checked,
// events_checked[, broken_seq, problem]}, "audit_seq", "ok"[, "problem"]}.
util::Json copy_verdict_json(const CopyVerdict& verdict);

} // namespace kibaru::ops
