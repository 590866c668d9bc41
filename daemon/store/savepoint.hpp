// A transaction that nests in a caller's: SQLite's SAVEPOINT. Checks made apart (the audit
// chain, the seals, the deliveries) each hold one read snapshot, and share the caller's when it
// holds one, so that nothing committed between them is read. Rolled back and released when
// destroyed unreleased, keeping the error that unwinds.
#pragma once

#include "store/sqlite.hpp"

#include <string>
#include <utility>

namespace kibaru::store {

class Savepoint {
public:
    Savepoint(Database& db, std::string name) : m_db(db), m_name(std::move(name)) {
        m_db.exec("SAVEPOINT " + m_name);
    }
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;
    ~Savepoint() {
        if (!m_released) {
            try {
                m_db.exec("ROLLBACK TO " + m_name);
                m_db.exec("RELEASE " + m_name);
            } catch (...) { // the error unwinding is the one to report
            }
        }
    }
    void release() {
        m_db.exec("RELEASE " + m_name);
        m_released = true;
    }

private:
    Database& m_db;
    std::string m_name;
    bool m_released = false;
};

} // namespace kibaru::store
