#include "store/audit_log.hpp"

#include "store/savepoint.hpp"
#include "store/sqlite.hpp"

namespace kibaru::store {

std::int64_t AuditLog::append(std::string at, std::string actor, std::string action,
                              std::string subject, std::string details) {
    auto& head = m_db.cached("SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!head.step()) {
        throw StoreError("audit_head row is missing", 0);
    }
    core::AuditEntry entry{head.column_int(0) + 1, std::move(at),      std::move(actor),
                           std::move(action),      std::move(subject), std::move(details)};
    const std::string prev_hash = head.column_text(1);
    head.reset();
    const std::string hash = core::audit_hash(prev_hash, entry);

    auto& insert = m_db.cached("INSERT INTO audit_log (seq, at, actor, action, subject, details, "
                               "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind_all(entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.details,
                    prev_hash, hash);
    insert.run();
    auto& advance = m_db.cached("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1");
    advance.bind_all(entry.seq, hash);
    advance.run();
    return entry.seq;
}

void AuditLog::for_each(const std::function<void(const AuditRow&)>& visit) {
    auto rows = m_db.prepare("SELECT seq, at, actor, action, subject, details, prev_hash, hash "
                             "FROM audit_log ORDER BY seq");
    AuditRow row;
    while (rows.step()) {
        row.entry.seq = rows.column_int(0);
        row.entry.at = rows.column_view(1);
        row.entry.actor = rows.column_view(2);
        row.entry.action = rows.column_view(3);
        row.entry.subject = rows.column_view(4);
        row.entry.details = rows.column_view(5);
        row.prev_hash = rows.column_view(6);
        row.hash = rows.column_view(7);
        visit(row);
    }
}

AuditVerdict AuditLog::verify() {
    AuditVerdict verdict;
    // One read snapshot for the rows and the head; a savepoint, so that a caller may hold one
    // snapshot across this and more checks (ops::verify_audit: the chain, then the seals).
    Savepoint snapshot(m_db, "audit_chain");
    std::string expected_prev(core::k_audit_genesis);
    std::int64_t expected_seq = 1;
    auto fail = [&](std::int64_t seq, std::string problem) {
        if (verdict.ok()) {
            verdict.broken_seq = seq;
            verdict.problem = std::move(problem);
        }
    };
    for_each([&](const AuditRow& row) {
        if (!verdict.ok()) {
            return;
        }
        const auto seq = row.entry.seq;
        if (seq != expected_seq) {
            fail(seq, seq > expected_seq
                          ? "entry " + std::to_string(expected_seq) +
                                " is missing (deleted?) before entry " + std::to_string(seq)
                          : "entry " + std::to_string(seq) + " is out of sequence");
            return;
        }
        if (row.prev_hash != expected_prev) {
            fail(seq, "entry " + std::to_string(seq) +
                          " does not link to the entry before it (inserted, removed or "
                          "reordered entries)");
            return;
        }
        ++verdict.checked;
        if (core::audit_hash(row.prev_hash, row.entry) != row.hash) {
            fail(seq, "entry " + std::to_string(seq) +
                          " does not match its hash (its contents were edited)");
            return;
        }
        expected_prev = row.hash;
        ++expected_seq;
    });
    if (verdict.ok()) {
        auto& head = m_db.cached("SELECT seq, hash FROM audit_head WHERE id = 1");
        if (!head.step()) {
            fail(expected_seq, "the chain head record is missing");
        } else if (head.column_int(0) != expected_seq - 1 || head.column_view(1) != expected_prev) {
            const auto head_seq = head.column_int(0);
            fail(head_seq > expected_seq - 1 ? expected_seq : head_seq,
                 head_seq > expected_seq - 1
                     ? "entries " + std::to_string(expected_seq) + " to " +
                           std::to_string(head_seq) + " are missing (deleted?)"
                     : "the chain head does not match the last entry " +
                           std::to_string(expected_seq - 1) + " (entries added or edited)");
        }
        // A cached statement left stepped keeps its read snapshot past the end: every
        // later read on this connection (a console worker's) would see the past.
        head.reset();
    }
    snapshot.release();
    return verdict;
}

core::AuditCheckpoint AuditLog::checkpoint() {
    auto s = m_db.prepare("SELECT h.seq, h.hash, coalesce(l.at, '') FROM audit_head h LEFT JOIN "
                          "audit_log l ON l.seq = h.seq WHERE h.id = 1");
    if (!s.step()) {
        throw StoreError("audit_head row is missing", 0);
    }
    return {s.column_int(0), s.column_text(1), s.column_text(2)};
}

std::optional<std::string> AuditLog::hash_of(std::int64_t seq) {
    auto s = m_db.prepare("SELECT hash FROM audit_log WHERE seq = ?");
    s.bind(1, seq);
    if (!s.step()) {
        return std::nullopt;
    }
    return s.column_text(0);
}

std::optional<core::AuditEntry> AuditLog::latest(const std::vector<std::string>& actions) {
    std::string list = "[";
    for (const auto& action : actions) {
        list += (list.size() > 1 ? "," : "") + std::string("\"") + action + "\"";
    }
    list += "]";
    auto s = m_db.prepare("SELECT seq, at, actor, action, subject, details FROM audit_log WHERE "
                          "action IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT 1");
    s.bind(1, list);
    if (!s.step()) {
        return std::nullopt;
    }
    core::AuditEntry e;
    e.seq = s.column_int(0);
    e.at = s.column_text(1);
    e.actor = s.column_text(2);
    e.action = s.column_text(3);
    e.subject = s.column_text(4);
    e.details = s.column_text(5);
    return e;
}

} // namespace kibaru::store
