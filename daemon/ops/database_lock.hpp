// The lock a running daemon holds on its database: "<database>.lock", locked with flock for the
// daemon's lifetime. It keeps two daemons from sending from one database, and lets `kibaru
// restore` tell whether a daemon is running before replacing the database under it. SQLite's
// own locks cannot say this: an idle daemon holds none between two transactions.
#pragma once

#include "util/file_lock.hpp"

#include <memory>
#include <string>

namespace kibaru::ops {

std::string database_lock_path(const std::string& database_path);

// Locks `database_path`'s lock file without waiting: nullptr when another process holds it (a
// daemon runs, or a restore is under way). Throws std::runtime_error, naming the lock file,
// when it cannot be created or opened.
std::unique_ptr<util::FileLock> lock_database(const std::string& database_path);

} // namespace kibaru::ops
