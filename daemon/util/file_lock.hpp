// An exclusive advisory lock (flock) on a file of its own, held for the object's lifetime: how
// the daemon says it runs on a database, and how `kibaru restore` makes sure it does not. The
// kernel drops the lock when the process ends, however it ends, so a crash leaves nothing stale.
// A lock file, not the database itself: a descriptor of the database that this process closed
// would drop SQLite's own POSIX locks on it (see store::Database::open).
#pragma once

#include <memory>
#include <string>
#include <utility>

namespace kibaru::util {

class FileLock {
public:
    // Creates `path` if needed (owner-only) and locks it without waiting. Returns nullptr when
    // another process (or another FileLock of this one) holds it. Throws std::runtime_error,
    // naming the file and the reason, when the file cannot be created or opened.
    static std::unique_ptr<FileLock> try_lock(const std::string& path);
    ~FileLock(); // unlocks; the file stays, for the next one to lock
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

    const std::string& path() const { return m_path; }

private:
    FileLock(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
    int m_fd;
    std::string m_path;
};

} // namespace kibaru::util
