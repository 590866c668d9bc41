// What the daemon makes sure of before it sends anything: that it is the only daemon on its
// database (ops::lock_database), and that the file is sound (PRAGMA quick_check). A damaged
// database stops the start with a message naming the file and the way back (`kibaru restore`),
// instead of a daemon that sends from a file that may lose what it records.
#pragma once

#include "core/config.hpp"
#include "util/file_lock.hpp"

#include <memory>
#include <string>

namespace kibaru::app {

// Takes the daemon's lock on [database] path (creating the database's directory). Returns
// nullptr, having logged why, when another daemon holds it. Throws std::runtime_error when the
// lock file cannot be opened. Main thread.
std::unique_ptr<util::FileLock> lock_for_daemon(const core::Config& config);

// Runs quick_check on [database] path when the file exists. Returns "" when it is sound, else
// the message to log and stop with. Throws store::StoreError when the file cannot be read for
// another reason (permissions, I/O). Main thread, for as long as reading the file once takes.
std::string check_database_at_start(const core::Config& config);

} // namespace kibaru::app
