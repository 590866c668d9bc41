#include "store/page_cache.hpp"

#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <string>

namespace kibaru::store {

PageCacheScope::PageCacheScope(Database& db, std::int64_t kib)
    : m_db(db), m_before(db.scalar_int("PRAGMA cache_size")) {
    m_db.exec("PRAGMA cache_size = -" + std::to_string(kib));
}

PageCacheScope::~PageCacheScope() {
    try {
        m_db.exec("PRAGMA cache_size = " + std::to_string(m_before));
    } catch (...) { // a destructor must not throw; the cache then stays large, nothing is lost
    }
    // Shrinking the setting alone frees nothing until pages are next needed.
    sqlite3_db_release_memory(m_db.handle());
}

} // namespace kibaru::store
