#include "store/page_cache.hpp"
#include "store/sqlite.hpp"

#include <gtest/gtest.h>

using namespace kibaru::store;

TEST(StorePageCache, a_larger_cache_lasts_as_long_as_its_scope) {
    auto db = Database::open(":memory:");
    db->exec("PRAGMA cache_size = -2000");
    {
        const PageCacheScope scope(*db, 64 * 1024);
        EXPECT_EQ(db->scalar_int("PRAGMA cache_size"), -64 * 1024);
    }
    EXPECT_EQ(db->scalar_int("PRAGMA cache_size"), -2000);
}
