// A larger page cache for one long piece of work on a connection that outlives it.
#pragma once

#include <cstdint>

namespace kibaru::store {

class Database;

// Sets the connection's page cache to `kib` KiB for this object's life, then puts back the size
// it had and frees what the larger cache holds. A console worker's connection lives as long as
// the process: left at an import's 64 MiB, each worker kept that much after one large import.
class PageCacheScope {
public:
    PageCacheScope(Database& db, std::int64_t kib);
    ~PageCacheScope();
    PageCacheScope(const PageCacheScope&) = delete;
    PageCacheScope& operator=(const PageCacheScope&) = delete;

private:
    Database& m_db;
    std::int64_t m_before; // PRAGMA cache_size as it was (pages, or -KiB)
};

} // namespace kibaru::store
