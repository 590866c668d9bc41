#include "store/integrity.hpp"

#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace kibaru::store {

bool is_damage(int extended_code) {
    const int primary = extended_code & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

std::vector<std::string> integrity_problems(Database& db, Check check, int max_problems) {
    const std::string pragma = check == Check::quick ? "quick_check" : "integrity_check";
    std::vector<std::string> problems;
    try {
        auto rows =
            db.prepare("PRAGMA " + pragma + "(" + std::to_string(std::max(max_problems, 1)) + ")");
        while (rows.step()) {
            problems.push_back(rows.column_text(0));
        }
    } catch (const StoreError& e) {
        if (!is_damage(e.code())) {
            throw;
        }
        problems = {e.what()};
    }
    if (problems.size() == 1 && problems.front() == "ok") {
        problems.clear();
    }
    return problems;
}

} // namespace kibaru::store
