#include "crash_vfs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace kibaru::test {

namespace {

// The file SQLite allocates for us (szOsFile): our fields, then the real VFS's file. SQLite
// neither constructs nor destroys it, so the members are trivial.
struct CrashFile {
    sqlite3_file base;
    CrashVfs* vfs;
    const char* path; // xOpen's zName, valid until xClose; null for temp files: untracked
    sqlite3_file* real;
};

} // namespace

struct CrashVfs::Shim {
    static const sqlite3_io_methods io;

    static CrashFile& crash(sqlite3_file* f) { return *reinterpret_cast<CrashFile*>(f); }
    static sqlite3_file* real(sqlite3_file* f) { return crash(f).real; }
    static const sqlite3_io_methods& real_io(sqlite3_file* f) { return *real(f)->pMethods; }
    static sqlite3_vfs* under(sqlite3_vfs* v) {
        return static_cast<CrashVfs*>(v->pAppData)->m_real;
    }

    // Plain forwarders: ToFile<&sqlite3_io_methods::xRead>::call(f, ...) calls the real file's
    // xRead, ToVfs<&sqlite3_vfs::xSleep>::call(v, ...) the real VFS's xSleep.
    template <auto Method>
    struct ToFile;
    template <typename R, typename... A, R (*sqlite3_io_methods::*Method)(sqlite3_file*, A...)>
    struct ToFile<Method> {
        static R call(sqlite3_file* f, A... a) { return (real_io(f).*Method)(real(f), a...); }
    };
    template <auto Method>
    struct ToVfs;
    template <typename R, typename... A, R (*sqlite3_vfs::*Method)(sqlite3_vfs*, A...)>
    struct ToVfs<Method> {
        static R call(sqlite3_vfs* v, A... a) { return (under(v)->*Method)(under(v), a...); }
    };

    static void forget(CrashVfs& vfs, const char* path) {
        if (const auto it = vfs.m_undo.find(path); it != vfs.m_undo.end()) {
            vfs.m_undo.erase(it);
        }
    }

    // With the mutex held: if the file is tracked and the layer armed, records what
    // [off, off + len) holds now (the part below the current end) and the current size.
    static int remember(CrashFile& file, sqlite3_int64 off, sqlite3_int64 len) {
        if (file.path == nullptr || !file.vfs->m_armed) {
            return SQLITE_OK;
        }
        try {
            sqlite3_int64 size = 0;
            int rc = file.real->pMethods->xFileSize(file.real, &size);
            if (rc != SQLITE_OK) {
                return rc;
            }
            Undo undo{off, {}, size};
            if (off < size && len > 0) {
                undo.old_bytes.resize(static_cast<std::size_t>(std::min(len, size - off)));
                rc = file.real->pMethods->xRead(file.real, undo.old_bytes.data(),
                                                static_cast<int>(undo.old_bytes.size()), off);
                if (rc != SQLITE_OK) {
                    return rc;
                }
            }
            file.vfs->m_undo[file.path].push_back(std::move(undo));
            return SQLITE_OK;
        } catch (const std::bad_alloc&) {
            return SQLITE_IOERR_NOMEM;
        }
    }

    static int open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
        CrashFile& file = crash(f);
        file.vfs = static_cast<CrashVfs*>(v->pAppData);
        file.path = name;
        file.real = reinterpret_cast<sqlite3_file*>(&file + 1);
        std::memset(file.real, 0, static_cast<std::size_t>(under(v)->szOsFile));
        const int rc = under(v)->xOpen(under(v), name, file.real, flags, out_flags);
        if (rc != SQLITE_OK && file.real->pMethods != nullptr) {
            file.real->pMethods->xClose(file.real); // SQLite calls no xClose after a failed open
        }
        file.base.pMethods = rc == SQLITE_OK ? &io : nullptr;
        return rc;
    }

    static int remove(sqlite3_vfs* v, const char* path, int sync_dir) {
        CrashVfs& vfs = *static_cast<CrashVfs*>(v->pAppData);
        const std::lock_guard lock(vfs.m_mutex);
        if (vfs.m_cut) {
            return SQLITE_OK; // the power is off: the file stays, for power_back() to restore
        }
        const int rc = vfs.m_real->xDelete(vfs.m_real, path, sync_dir);
        if (rc == SQLITE_OK && vfs.m_armed) {
            forget(vfs, path);
        }
        return rc;
    }

    static int close(sqlite3_file* f) { return real_io(f).xClose(real(f)); }

    static int write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
        CrashFile& file = crash(f);
        const std::lock_guard lock(file.vfs->m_mutex);
        const int rc = remember(file, off, n);
        return rc != SQLITE_OK ? rc : real_io(f).xWrite(real(f), buf, n, off);
    }

    static int truncate(sqlite3_file* f, sqlite3_int64 size) {
        CrashFile& file = crash(f);
        const std::lock_guard lock(file.vfs->m_mutex);
        const int rc = remember(file, size, std::numeric_limits<sqlite3_int64>::max());
        return rc != SQLITE_OK ? rc : real_io(f).xTruncate(real(f), size);
    }

    static int sync(sqlite3_file* f, int flags) {
        CrashFile& file = crash(f);
        CrashVfs& vfs = *file.vfs;
        const std::lock_guard lock(vfs.m_mutex);
        if (file.path == nullptr || !vfs.m_armed) {
            return real_io(f).xSync(real(f), flags);
        }
        ++vfs.m_syncs;
        if (!vfs.m_cut && vfs.m_syncs == vfs.m_sync_index) {
            vfs.m_cut = true;
        }
        if (vfs.m_cut) {
            return SQLITE_OK; // from the cut on nothing reaches the disk: the undo log stays
        }
        const int rc = real_io(f).xSync(real(f), flags);
        if (rc == SQLITE_OK) {
            forget(vfs, file.path); // durable now
        }
        return rc;
    }

    static int file_control(sqlite3_file* f, int op, void* arg) {
        if (op == SQLITE_FCNTL_SIZE_HINT) {
            // With a chunk size or mmap_size set, the unix VFS grows the file here, behind
            // xTruncate: remember the size so that growth is undone too.
            const std::lock_guard lock(crash(f).vfs->m_mutex);
            if (const int rc = remember(crash(f), 0, 0); rc != SQLITE_OK) {
                return rc;
            }
        }
        return real_io(f).xFileControl(real(f), op, arg);
    }

    // Replays one file's undo log, newest first, with plain POSIX calls: no connection is open.
    static void restore(const std::string& path, const std::vector<Undo>& log) {
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        const auto fail = [&](const char* what) {
            const int err = errno;
            if (fd >= 0) {
                ::close(fd);
            }
            throw std::runtime_error(std::string("crash vfs: cannot ") + what + " " + path + ": " +
                                     std::strerror(err));
        };
        if (fd < 0) {
            fail("open");
        }
        for (auto undo = log.rbegin(); undo != log.rend(); ++undo) {
            const std::string& bytes = undo->old_bytes;
            for (std::size_t done = 0; done < bytes.size();) {
                const auto at = static_cast<off_t>(undo->offset + static_cast<sqlite3_int64>(done));
                const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, at);
                if (n < 0 && errno != EINTR) {
                    fail("write");
                }
                done += n < 0 ? 0 : static_cast<std::size_t>(n);
            }
            if (::ftruncate(fd, static_cast<off_t>(undo->old_size)) != 0) {
                fail("truncate");
            }
        }
        if (::close(fd) != 0) {
            throw std::runtime_error("crash vfs: cannot close " + path + ": " +
                                     std::strerror(errno));
        }
    }
};

// Version 3, forwarding to the real file; the version-2 and -3 methods answer as SQLite's own
// shims do when the real file is older.
const sqlite3_io_methods CrashVfs::Shim::io = {
    3,
    &Shim::close,
    &ToFile<&sqlite3_io_methods::xRead>::call,
    &Shim::write,
    &Shim::truncate,
    &Shim::sync,
    &ToFile<&sqlite3_io_methods::xFileSize>::call,
    &ToFile<&sqlite3_io_methods::xLock>::call,
    &ToFile<&sqlite3_io_methods::xUnlock>::call,
    &ToFile<&sqlite3_io_methods::xCheckReservedLock>::call,
    &Shim::file_control,
    &ToFile<&sqlite3_io_methods::xSectorSize>::call,
    &ToFile<&sqlite3_io_methods::xDeviceCharacteristics>::call,
    [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
        return real_io(f).iVersion >= 2 ? real_io(f).xShmMap(real(f), page, size, extend, out)
                                        : SQLITE_IOERR;
    },
    [](sqlite3_file* f, int offset, int n, int flags) {
        return real_io(f).iVersion >= 2 ? real_io(f).xShmLock(real(f), offset, n, flags)
                                        : SQLITE_IOERR;
    },
    [](sqlite3_file* f) {
        if (real_io(f).iVersion >= 2) {
            real_io(f).xShmBarrier(real(f));
        }
    },
    [](sqlite3_file* f, int delete_flag) {
        return real_io(f).iVersion >= 2 ? real_io(f).xShmUnmap(real(f), delete_flag) : SQLITE_OK;
    },
    [](sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
        if (real_io(f).iVersion >= 3) {
            return real_io(f).xFetch(real(f), off, n, out);
        }
        *out = nullptr;
        return SQLITE_OK;
    },
    [](sqlite3_file* f, sqlite3_int64 off, void* p) {
        return real_io(f).iVersion >= 3 ? real_io(f).xUnfetch(real(f), off, p) : SQLITE_OK;
    },
};

CrashVfs& CrashVfs::install() {
    // Never destroyed: SQLite keeps pointers to it until the process ends.
    static CrashVfs* const instance = [] {
        auto* self = new CrashVfs();
        self->m_real = sqlite3_vfs_find(nullptr);
        if (self->m_real == nullptr) {
            throw std::runtime_error("crash vfs: no default SQLite VFS");
        }
        sqlite3_vfs& v = self->m_vfs;
        v.iVersion = std::min(self->m_real->iVersion, 3);
        v.szOsFile = static_cast<int>(sizeof(CrashFile)) + self->m_real->szOsFile;
        v.mxPathname = self->m_real->mxPathname;
        v.zName = "kibaru-crash";
        v.pAppData = self;
        v.xOpen = &Shim::open;
        v.xDelete = &Shim::remove;
        v.xAccess = &Shim::ToVfs<&sqlite3_vfs::xAccess>::call;
        v.xFullPathname = &Shim::ToVfs<&sqlite3_vfs::xFullPathname>::call;
        v.xDlOpen = &Shim::ToVfs<&sqlite3_vfs::xDlOpen>::call;
        v.xDlError = &Shim::ToVfs<&sqlite3_vfs::xDlError>::call;
        v.xDlSym = &Shim::ToVfs<&sqlite3_vfs::xDlSym>::call;
        v.xDlClose = &Shim::ToVfs<&sqlite3_vfs::xDlClose>::call;
        v.xRandomness = &Shim::ToVfs<&sqlite3_vfs::xRandomness>::call;
        v.xSleep = &Shim::ToVfs<&sqlite3_vfs::xSleep>::call;
        v.xCurrentTime = &Shim::ToVfs<&sqlite3_vfs::xCurrentTime>::call;
        v.xGetLastError = &Shim::ToVfs<&sqlite3_vfs::xGetLastError>::call;
        v.xCurrentTimeInt64 = &Shim::ToVfs<&sqlite3_vfs::xCurrentTimeInt64>::call;
        v.xSetSystemCall = &Shim::ToVfs<&sqlite3_vfs::xSetSystemCall>::call;
        v.xGetSystemCall = &Shim::ToVfs<&sqlite3_vfs::xGetSystemCall>::call;
        v.xNextSystemCall = &Shim::ToVfs<&sqlite3_vfs::xNextSystemCall>::call;
        if (const int rc = sqlite3_vfs_register(&v, 1); rc != SQLITE_OK) {
            throw std::runtime_error(std::string("crash vfs: cannot register: ") +
                                     sqlite3_errstr(rc));
        }
        return self;
    }();
    return *instance;
}

void CrashVfs::arm(int sync_index) {
    const std::lock_guard lock(m_mutex);
    m_undo.clear();
    m_armed = true;
    m_cut = false;
    m_sync_index = sync_index;
    m_syncs = 0;
}

void CrashVfs::cut_now() {
    const std::lock_guard lock(m_mutex);
    m_cut = m_armed;
}

bool CrashVfs::cut() const {
    const std::lock_guard lock(m_mutex);
    return m_cut;
}

int CrashVfs::syncs() const {
    const std::lock_guard lock(m_mutex);
    return m_syncs;
}

void CrashVfs::power_back() {
    // Disarm first, so a failed restore does not leave the layer tracking the next test.
    std::map<std::string, std::vector<Undo>, std::less<>> undo;
    {
        const std::lock_guard lock(m_mutex);
        undo.swap(m_undo);
        m_armed = false;
        m_cut = false;
        m_sync_index = 0;
    }
    for (const auto& [path, log] : undo) {
        Shim::restore(path, log);
    }
}

} // namespace kibaru::test
