// The schema as an append-only list of migrations: the list's length is the current schema
// version (PRAGMA user_version). Never edit a released step; add a new one at the end.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kibaru::store {

class Database;

// "KIBR" as a big-endian integer, in PRAGMA application_id: marks the file as Kibaru's.
inline constexpr std::int32_t k_application_id = 0x4B494252;

struct Migration {
    std::string_view description;
    std::string_view sql;
    // Run after `sql`, in the same transaction, for what SQL alone cannot say.
    void (*code)(Database&) = nullptr;
};

const std::vector<Migration>& migrations();

// The schema version this build writes.
int current_schema_version();

// Brings `db` to `target` (default: current), each step in its own transaction with its version
// bump, so a failure leaves the database at the last completed version. Throws StoreError when
// the file is not a Kibaru database or is newer than this build. Returns the starting version.
int migrate(Database& db, int target = -1);

int schema_version(Database& db);

} // namespace kibaru::store
