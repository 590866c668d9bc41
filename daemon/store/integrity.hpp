// Is a database file sound? SQLite's own checks of its b-trees, as a list of problems an operator
// can read, for the daemon's start, `kibaru backup` (the copy it wrote) and `kibaru restore` (the
// copy it is given).
#pragma once

#include <string>
#include <vector>

namespace kibaru::store {

class Database;

enum class Check {
    // PRAGMA quick_check: every page reachable and well formed, every record readable; skips
    // matching indexes against their tables, so it reads the file once (seconds, not minutes,
    // on a national database): what the daemon affords at every start.
    quick,
    // PRAGMA integrity_check: also every index entry against its row. For copies, which nothing
    // else is waiting on.
    full,
};

// True for the SQLite result codes that say the file itself is damaged or is no database
// (SQLITE_CORRUPT, SQLITE_NOTADB), as opposed to one that cannot be reached now (busy, I/O).
bool is_damage(int extended_code);

// The problems `check` finds in `db`, at most `max_problems` of them; empty when the file is
// sound. A file too damaged to be read at all (not a database, a broken schema page) is one
// problem, not an exception. Throws StoreError for anything else (locked, I/O error). Runs on
// the caller's thread for as long as the check reads the whole file.
std::vector<std::string> integrity_problems(Database& db, Check check, int max_problems = 10);

} // namespace kibaru::store
