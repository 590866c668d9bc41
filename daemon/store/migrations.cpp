// Running the schema steps (migration_steps.cpp holds them) on a database, each in its own
// transaction with its version bump.
#include "store/migrations.hpp"

#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <string>

namespace kibaru::store {

int current_schema_version() {
    return static_cast<int>(migrations().size());
}

int schema_version(Database& db) {
    return static_cast<int>(db.scalar_int("PRAGMA user_version"));
}

int migrate(Database& db, int target) {
    const int latest = current_schema_version();
    if (target < 0) {
        target = latest;
    }
    const auto app_id = static_cast<std::int32_t>(db.scalar_int("PRAGMA application_id"));
    const int from = schema_version(db);
    if (app_id != k_application_id) {
        const bool empty = db.scalar_int("SELECT count(*) FROM sqlite_schema") == 0;
        if (app_id != 0 || !empty) {
            throw StoreError(db.path() + " is not a Kibaru database", SQLITE_NOTADB);
        }
        db.exec("PRAGMA application_id = " + std::to_string(k_application_id));
    }
    if (from > latest) {
        throw StoreError(db.path() + " has schema version " + std::to_string(from) +
                             ", newer than this kibaru understands (" + std::to_string(latest) +
                             "); upgrade kibaru before using it",
                         SQLITE_SCHEMA);
    }
    for (int version = from; version < target; ++version) {
        Transaction tx(db);
        const auto& step = migrations()[static_cast<std::size_t>(version)];
        db.exec(step.sql);
        if (step.code) {
            step.code(db);
        }
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        tx.commit();
    }
    return from;
}

} // namespace kibaru::store
