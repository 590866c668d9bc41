// Schema edits in place, for migrations: CHECK constraints whose `x IN (constants)` SQLite
// evaluates with a temporary b-tree per written row, rewritten as equalities joined by OR.
#pragma once

#include <string_view>

namespace kibaru::store {

class Database;

// Replaces `old_check` (as schema `version` wrote it) by `new_check` in `table`'s text, with
// SQLite's documented in-place edit; throws StoreError when the text is not the expected one.
void rewrite_check(Database& db, std::string_view table, std::string_view old_check,
                   std::string_view new_check, int version);

// Migration 4: the deliveries' state check.
void rewrite_delivery_state_check(Database& db);
// Migration 15: a contact's kind, a reply's kind and state.
void rewrite_contact_and_reply_checks(Database& db);

} // namespace kibaru::store
