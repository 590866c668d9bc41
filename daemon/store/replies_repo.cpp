#include "store/replies_repo.hpp"

#include "store/sqlite.hpp"

#include <charconv>

namespace kibaru::store {

std::optional<std::int64_t> reply_id_of(const std::string& ref) {
    if (ref.size() < 2 || ref[0] != 'r') {
        return std::nullopt;
    }
    std::int64_t id = 0;
    const auto* end = ref.data() + ref.size();
    const auto [ptr, ec] = std::from_chars(ref.data() + 1, end, id);
    if (ec != std::errc() || ptr != end || id <= 0) {
        return std::nullopt;
    }
    return id;
}

std::int64_t RepliesRepo::enqueue(const NewReply& r, const std::string& now) {
    auto& s = m_db.cached("INSERT INTO replies (inbox_id, phone, text, kind, segments, "
                          "created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?7, "
                          "?6, ?6)");
    if (r.inbox_id) {
        s.bind(1, *r.inbox_id);
    } else {
        s.bind_null(1);
    }
    s.bind(2, r.phone).bind(3, r.text).bind(4, r.kind).bind(5, r.segments).bind(6, now);
    s.bind(7, r.created_by);
    s.run();
    return m_db.last_insert_rowid();
}

std::vector<ReplyListing> RepliesRepo::latest_of_kind(const std::string& kind, int limit) {
    auto s = m_db.prepare("SELECT id, created_at, phone, text, state, updated_at FROM replies "
                          "WHERE kind = ?1 ORDER BY id DESC LIMIT ?2");
    s.bind_all(kind, limit);
    std::vector<ReplyListing> out;
    while (s.step()) {
        out.push_back({s.column_int(0), s.column_text(1), s.column_text(2), s.column_text(3),
                       s.column_state(4), s.column_text(5)});
    }
    return out;
}

std::vector<DueReply> RepliesRepo::due(std::int64_t now_ms, int limit) {
    auto& s = m_db.cached("SELECT id, phone, text, attempts FROM replies WHERE state IN "
                          "('pending', 'retrying') AND next_attempt_ms <= ?1 ORDER BY "
                          "next_attempt_ms, id LIMIT ?2");
    s.bind_all(now_ms, limit);
    std::vector<DueReply> out;
    while (s.step()) {
        out.push_back({s.column_int(0), s.column_text(1), s.column_text(2),
                       static_cast<int>(s.column_int(3))});
    }
    s.reset();
    return out;
}

void RepliesRepo::apply(const std::vector<ReplyOutcome>& outcomes, const std::string& now) {
    auto& s = m_db.cached(
        "UPDATE replies SET state = ?2, attempts = ?3, gateway = ?4, gateway_id = CASE WHEN ?5 = "
        "'' THEN gateway_id ELSE ?5 END, error = ?6, next_attempt_ms = ?7, updated_at = ?8 "
        "WHERE id = ?1 AND state IN (CASE WHEN ?2 = 'sending' THEN 'pending' ELSE 'sending' END, "
        "CASE WHEN ?2 = 'sending' THEN 'retrying' ELSE 'sending' END)");
    for (const auto& o : outcomes) {
        s.bind_all(o.id, o.state, o.attempt, o.gateway, o.gateway_id, o.error, o.next_attempt_ms,
                   now);
        s.run();
    }
}

void RepliesRepo::defer(const std::vector<std::int64_t>& ids, std::int64_t until_ms) {
    auto& s = m_db.cached("UPDATE replies SET next_attempt_ms = ?2 WHERE id = ?1 AND state IN "
                          "('pending', 'retrying')");
    for (const auto id : ids) {
        s.bind_all(id, until_ms);
        s.run();
    }
}

std::int64_t RepliesRepo::mark_interrupted(const std::string& now) {
    auto s = m_db.prepare("UPDATE replies SET state = 'unknown', error = 'kibaru stopped while "
                          "it was being sent', updated_at = ?1 WHERE state = 'sending'");
    s.bind(1, now);
    s.run();
    return m_db.changes();
}

std::optional<core::DeliveryState>
RepliesRepo::apply_report(const std::string& ref, const std::string& gateway_id,
                          const std::string& gateway, core::DeliveryState state,
                          const std::string& detail, const std::string& now) {
    using State = core::DeliveryState;
    // By the reply's id when the report carries it (Kannel's r<id>), else by the gateway's id
    // for it: two statements, each by its own index. One statement with an OR of the two read
    // the whole table for every report that matched no reply (a test send's, a late one).
    const auto reply_id = reply_id_of(ref).value_or(0);
    if (reply_id == 0 && gateway_id.empty()) {
        return std::nullopt;
    }
    auto find = m_db.prepare(
        reply_id != 0 ? "SELECT id, state FROM replies WHERE id = ?1 AND (?2 = '' OR gateway = ?2)"
                      : "SELECT id, state FROM replies WHERE gateway_id = ?1 AND gateway_id <> '' "
                        "AND (?2 = '' OR gateway = ?2) ORDER BY id DESC LIMIT 1");
    if (reply_id != 0) {
        find.bind_all(reply_id, gateway);
    } else {
        find.bind_all(gateway_id, gateway);
    }
    if (!find.step()) {
        return std::nullopt;
    }
    const auto id = find.column_int(0);
    const auto before = find.column_state(1);
    // A final state stays final; a report of a message on its way does not move one back. A
    // failure reported by the network is marked so: that SMS was taken, and is paid for.
    const bool final_before = before == State::delivered || before == State::failed;
    if (!final_before && (state != State::sent || before != State::sent)) {
        auto update = m_db.prepare(
            "UPDATE replies SET state = ?2, error = ?3, gateway_id = CASE WHEN gateway_id = '' "
            "THEN ?4 ELSE gateway_id END, updated_at = ?5 WHERE id = ?1");
        update.bind_all(id, state,
                        state == State::failed ? "delivery report: " + detail : std::string(),
                        gateway_id, now);
        update.run();
    }
    return before;
}

std::map<core::DeliveryState, std::int64_t> RepliesRepo::count_by_state() {
    auto s = m_db.prepare("SELECT state, count(*) FROM replies GROUP BY state");
    std::map<core::DeliveryState, std::int64_t> out;
    while (s.step()) {
        out[s.column_state(0)] = s.column_int(1);
    }
    return out;
}

std::int64_t RepliesRepo::segments_sent() {
    // Taken by a gateway: sent or delivered, in doubt (it may have been), or failed as the
    // network reported it after taking it; not those no gateway took.
    return m_db.scalar_int("SELECT coalesce(sum(segments), 0) FROM replies WHERE state IN "
                           "('sent', 'delivered', 'unknown') OR (state = 'failed' AND error LIKE "
                           "'delivery report: %')");
}

} // namespace kibaru::store
