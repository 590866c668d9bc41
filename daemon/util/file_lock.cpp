#include "util/file_lock.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace kibaru::util {

std::unique_ptr<FileLock> FileLock::try_lock(const std::string& path) {
    // Read-only is enough for flock.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::runtime_error("cannot open lock file " + path + ": " + std::strerror(errno) +
                                 (errno == EACCES ? " (owned by another account? it must belong "
                                                    "to the one that runs kibaru)"
                                                  : ""));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK) {
            return nullptr;
        }
        throw std::runtime_error("cannot lock " + path + ": " + std::strerror(error));
    }
    return std::unique_ptr<FileLock>(new FileLock(fd, path));
}

FileLock::~FileLock() {
    ::close(m_fd); // releases the flock
}

} // namespace kibaru::util
