// A write-dropping layer over SQLite's default VFS, modelled on SQLite's own crash test
// (src/test6.c), for the power-cut test of issue #18: the test runs the daemon's store on real
// files, "cuts the power" at a chosen sync point, and checks that what reopens afterwards is a
// consistent database that still holds everything that was committed before the cut.
//
// The model is an undo log per file path. Once armed, every write and truncation of a named file
// first records the bytes and the size it replaces; a successful xSync makes the file durable and
// forgets its records. At the chosen sync the power goes: that sync and every later one is
// dropped, and deletions are skipped. power_back() then replays the undo logs newest first, so
// every file holds again what it held at its last sync before the cut. Temp files (opened
// without a name) are passed through untracked; the -shm file is SQLite's own memory mapping and
// is rebuilt from the WAL by the first connection that reopens the database.
#pragma once

#include <sqlite3.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace kibaru::test {

class CrashVfs {
public:
    // Registers the layer once per process, as the default VFS ("kibaru-crash"), over the
    // previous default; later calls return the same instance. Pass-through until armed.
    static CrashVfs& install();

    CrashVfs(const CrashVfs&) = delete;
    CrashVfs& operator=(const CrashVfs&) = delete;

    // Starts tracking from now: forgets earlier undo records and counts syncs from zero. The cut
    // happens at the `sync_index`-th xSync (1-based) of any tracked file from now on; 0 = never.
    void arm(int sync_index);
    // Cuts the power now, whatever the sync count: what was not synced is lost at power_back().
    void cut_now();
    bool cut() const;  // has the cut happened?
    int syncs() const; // xSync calls on tracked files since arm()
    // Power comes back: every file written through the layer since arm() is brought back to what
    // it held at its last sync before the cut. Call only when every connection is closed.
    // Disarms: pass-through again, nothing tracked. Throws std::runtime_error on an I/O failure.
    void power_back();

private:
    struct Undo {
        sqlite3_int64 offset;
        std::string old_bytes; // the bytes from offset that the change replaced (below old_size)
        sqlite3_int64 old_size;
    };
    struct Shim; // the SQLite callbacks, in the .cpp

    CrashVfs() = default;

    sqlite3_vfs m_vfs{};
    sqlite3_vfs* m_real = nullptr; // the default VFS we sit on
    mutable std::mutex m_mutex;    // guards everything below
    bool m_armed = false;
    bool m_cut = false;
    int m_sync_index = 0;
    int m_syncs = 0;
    std::map<std::string, std::vector<Undo>, std::less<>> m_undo; // by full path, oldest first
};

} // namespace kibaru::test
