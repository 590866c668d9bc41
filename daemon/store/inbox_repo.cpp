#include "store/inbox_repo.hpp"

#include "store/sqlite.hpp"

namespace kibaru::store {

namespace {

// The reply shown is the latest typed by staff (in `replies`), else the automatic one.
constexpr const char* k_select =
    "SELECT i.id, i.received_at, i.phone, i.contact_id, coalesce(c.name, ''), i.text, i.matched, "
    "i.detail, coalesce(m.text, i.reply), coalesce(m.created_at, i.replied_at, ''), "
    "coalesce(m.created_by, i.replied_by, ''), i.gateway, i.gateway_message_id, i.dedup_key "
    "FROM inbox i LEFT JOIN contacts c ON c.id = i.contact_id LEFT JOIN replies m ON m.id = "
    "(SELECT max(r.id) FROM replies r WHERE r.inbox_id = i.id AND r.kind = 'manual') ";

InboxRow read_row(const Statement& s) {
    InboxRow r;
    r.id = s.column_int(0);
    r.received_at = s.column_text(1);
    r.phone = s.column_text(2);
    if (!s.column_is_null(3)) {
        r.contact_id = s.column_int(3);
    }
    r.contact_name = s.column_text(4);
    r.text = s.column_text(5);
    r.matched = s.column_text(6);
    r.detail = s.column_text(7);
    if (!s.column_is_null(8)) {
        r.reply = s.column_text(8);
    }
    r.replied_at = s.column_text(9);
    r.replied_by = s.column_text(10);
    r.gateway = s.column_text(11);
    r.gateway_message_id = s.column_text(12);
    r.dedup_key = s.column_text(13);
    return r;
}

} // namespace

// The statements of an incoming SMS are cached (Database::cached): preparing them again for each
// message was 40 % of the daemon's CPU under a burst of price queries.
std::optional<std::int64_t> InboxRepo::insert(const InboxRow& row) {
    auto& s = m_db.cached(
        "INSERT INTO inbox (received_at, phone, contact_id, text, matched, detail, gateway, "
        "gateway_message_id, dedup_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT (dedup_key) DO NOTHING");
    s.bind_all(row.received_at, row.phone);
    if (row.contact_id) {
        s.bind(3, *row.contact_id);
    } else {
        s.bind_null(3);
    }
    s.bind(4, row.text)
        .bind(5, row.matched)
        .bind(6, row.detail)
        .bind(7, row.gateway)
        .bind(8, row.gateway_message_id)
        .bind(9, row.dedup_key);
    s.run();
    if (m_db.changes() == 0) {
        return std::nullopt;
    }
    return m_db.last_insert_rowid();
}

void InboxRepo::set_reply(std::int64_t id, const std::string& text, const std::string& at,
                          const std::string& by) {
    auto& s = m_db.cached("UPDATE inbox SET reply = ?2, replied_at = ?3, replied_by = ?4 WHERE "
                          "id = ?1");
    s.bind_all(id, text, at, by);
    s.run();
}

std::int64_t InboxRepo::replied_since(const std::string& phone, const std::string& since,
                                      const std::string& matched) const {
    auto& s = m_db.cached("SELECT count(*) FROM inbox WHERE phone = ?1 AND received_at >= ?2 AND "
                          "reply IS NOT NULL AND replied_by = 'kibaru' AND (?3 = '' OR matched = "
                          "?3)");
    s.bind_all(phone, since, matched);
    s.step();
    const auto count = s.column_int(0);
    s.reset(); // no read snapshot left open on the daemon's connection
    return count;
}

std::optional<InboxRow> InboxRepo::find(std::int64_t id) const {
    auto s = m_db.prepare(std::string(k_select) + "WHERE i.id = ?1");
    s.bind(1, id);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_row(s);
}

std::vector<InboxRow> InboxRepo::list(const std::string& since, bool unanswered, std::int64_t limit,
                                      std::int64_t before) const {
    auto s = m_db.prepare(std::string(k_select) +
                          "WHERE i.received_at >= ?1 AND (?2 = 0 OR (m.id IS NULL AND (i.reply IS "
                          "NULL OR i.matched = 'none'))) AND (?3 = 0 OR i.id < ?3) ORDER BY i.id "
                          "DESC LIMIT ?4");
    s.bind_all(since, std::int64_t{unanswered ? 1 : 0}, before, limit);
    std::vector<InboxRow> rows;
    while (s.step()) {
        rows.push_back(read_row(s));
    }
    return rows;
}

} // namespace kibaru::store
