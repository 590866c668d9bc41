#include "store/schema_edits.hpp"

#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <string>

namespace kibaru::store {

// SQLite evaluates `state IN (nine constants)` in a CHECK constraint by building a temporary
// b-tree of the nine every time a row is written (5 us a row): profiling showed it to be 13 %
// of the CPU of a broadcast (two updates per SMS), and a third of a contacts import. The same
// rule written as equalities joined by OR costs a few comparisons. A CHECK constraint lives only
// in the schema text, not in the table's pages, so this uses SQLite's documented way to change
// one (lang_altertable.html, "making other kinds of table schema changes"): edit the text in
// place and bump schema_version. Rebuilding the table instead would rewrite every row of a
// national database. `old_check` must be in the table's text as `version` wrote it.
void rewrite_check(Database& db, std::string_view table, std::string_view old_check,
                   std::string_view new_check, int version) {
    auto find = db.prepare("SELECT instr(sql, ?) FROM sqlite_schema WHERE type = 'table' AND "
                           "name = ?");
    find.bind(1, old_check).bind(2, table);
    if (!find.step() || find.column_int(0) == 0) {
        throw StoreError(db.path() + ": a check of the " + std::string(table) +
                             " table is not the one schema version " + std::to_string(version) +
                             " wrote; not changing it",
                         SQLITE_SCHEMA);
    }
    find.reset();
    const auto schema_version = db.scalar_int("PRAGMA schema_version");
    db.exec("PRAGMA writable_schema = ON");
    try {
        auto edit = db.prepare("UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = "
                               "'table' AND name = ?");
        edit.bind(1, old_check).bind(2, new_check).bind(3, table);
        edit.run();
        db.exec("PRAGMA schema_version = " + std::to_string(schema_version + 1));
    } catch (...) {
        db.exec("PRAGMA writable_schema = OFF");
        throw;
    }
    db.exec("PRAGMA writable_schema = OFF");
    // Reads the schema again (its version changed) and so parses the new text before the
    // migration commits: a text SQLite could not parse fails here and rolls back.
    db.scalar_int("SELECT count(*) FROM (SELECT 1 FROM " + std::string(table) + " LIMIT 0)");
}

void rewrite_delivery_state_check(Database& db) {
    rewrite_check(
        db, "deliveries",
        "CHECK (state IN ('pending', 'sending', 'retrying', 'sent',\n"
        "                    'delivered', 'failed', 'expired', 'skipped', 'unknown'))",
        "CHECK (state = 'pending' OR state = 'sending' OR state = 'retrying' OR\n"
        "                    state = 'sent' OR state = 'delivered' OR state = 'failed' OR\n"
        "                    state = 'expired' OR state = 'skipped' OR state = 'unknown')",
        4);
}

// A contact's kind is checked on every row an import writes, a reply's kind and state on every
// reply written and sent.
void rewrite_contact_and_reply_checks(Database& db) {
    rewrite_check(db, "contacts",
                  "CHECK (kind IN ('producer', 'po', 'mpe', 'seed_company', 'other'))",
                  "CHECK (kind = 'producer' OR kind = 'po' OR kind = 'mpe' OR\n"
                  "                        kind = 'seed_company' OR kind = 'other')",
                  1);
    rewrite_check(db, "replies",
                  "CHECK (kind IN ('answer', 'confirmation', 'manual',\n"
                  "                        'checkpoint'))",
                  "CHECK (kind = 'answer' OR kind = 'confirmation' OR\n"
                  "                        kind = 'manual' OR kind = 'checkpoint')",
                  14);
    rewrite_check(db, "replies",
                  "CHECK (state IN ('pending', 'retrying',\n"
                  "                        'sending', 'sent', 'delivered', 'failed', 'unknown'))",
                  "CHECK (state = 'pending' OR state = 'retrying' OR\n"
                  "                        state = 'sending' OR state = 'sent' OR state = "
                  "'delivered' OR\n"
                  "                        state = 'failed' OR state = 'unknown')",
                  14);
}

} // namespace kibaru::store
