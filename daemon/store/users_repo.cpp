#include "store/users_repo.hpp"

#include "store/sqlite.hpp"

namespace kibaru::store {

namespace {

constexpr const char* k_user_columns =
    "u.id, u.name, u.role, u.password_hash, u.status, u.language, u.created_at, "
    "coalesce(u.last_login_at, '')";

// Reads the user columns above starting at column `first`.
UserRow read_user(const Statement& s, int first = 0) {
    UserRow u;
    u.id = s.column_int(first);
    u.name = s.column_text(first + 1);
    u.role = s.column_text(first + 2);
    u.password_hash = s.column_text(first + 3);
    u.status = s.column_text(first + 4);
    u.language = s.column_text(first + 5);
    u.created_at = s.column_text(first + 6);
    u.last_login_at = s.column_text(first + 7);
    return u;
}

} // namespace

std::int64_t UsersRepo::create(const std::string& name, const std::string& role,
                               const std::string& password_hash, const std::string& now) {
    auto s = m_db.prepare("INSERT INTO users (name, role, password_hash, created_at) VALUES "
                          "(?, ?, ?, ?)");
    s.bind_all(name, role, password_hash, now);
    s.run();
    return m_db.last_insert_rowid();
}

std::optional<UserRow> UsersRepo::find(const std::string& name) {
    auto s = m_db.prepare(std::string("SELECT ") + k_user_columns + " FROM users u WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_user(s);
}

std::optional<UserRow> UsersRepo::find_by_id(std::int64_t id) {
    auto s = m_db.prepare(std::string("SELECT ") + k_user_columns + " FROM users u WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_user(s);
}

std::vector<UserRow> UsersRepo::list() {
    auto s = m_db.prepare(std::string("SELECT ") + k_user_columns + " FROM users u ORDER BY name");
    std::vector<UserRow> users;
    while (s.step()) {
        users.push_back(read_user(s));
    }
    return users;
}

std::int64_t UsersRepo::count() {
    return m_db.scalar_int("SELECT count(*) FROM users");
}

void UsersRepo::set_password(std::int64_t id, const std::string& password_hash) {
    auto s = m_db.prepare("UPDATE users SET password_hash = ? WHERE id = ?");
    s.bind_all(password_hash, id);
    s.run();
}

void UsersRepo::set_status(std::int64_t id, const std::string& status) {
    auto s = m_db.prepare("UPDATE users SET status = ? WHERE id = ?");
    s.bind_all(status, id);
    s.run();
}

void UsersRepo::set_language(std::int64_t id, const std::string& language) {
    auto s = m_db.prepare("UPDATE users SET language = ? WHERE id = ?");
    s.bind_all(language, id);
    s.run();
}

void UsersRepo::logged_in(std::int64_t id, const std::string& now) {
    auto s = m_db.prepare("UPDATE users SET last_login_at = ? WHERE id = ?");
    s.bind_all(now, id);
    s.run();
}

std::int64_t UsersRepo::open_session(std::int64_t user_id, const std::string& token_hash,
                                     const std::string& now, const std::string& peer) {
    auto s = m_db.prepare("INSERT INTO sessions (user_id, token_hash, created_at, last_seen_at, "
                          "peer) VALUES (?, ?, ?, ?, ?)");
    s.bind_all(user_id, token_hash, now, now, peer);
    s.run();
    return m_db.last_insert_rowid();
}

std::optional<SessionRow> UsersRepo::session(const std::string& token_hash,
                                             const std::string& idle_cutoff) {
    // Cached: read on every request the console serves.
    auto& s = m_db.cached(std::string("SELECT s.id, s.last_seen_at, ") + k_user_columns +
                          " FROM sessions s JOIN users u ON u.id = s.user_id WHERE "
                          "s.token_hash = ? AND s.ended_at IS NULL AND s.last_seen_at >= ? AND "
                          "u.status = 'active'");
    s.bind(1, token_hash).bind(2, idle_cutoff);
    std::optional<SessionRow> found;
    if (s.step()) {
        found = SessionRow{s.column_int(0), s.column_text(1), read_user(s, 2)};
    }
    s.reset();
    return found;
}

void UsersRepo::touch_session(std::int64_t session_id, const std::string& now) {
    auto& s = m_db.cached("UPDATE sessions SET last_seen_at = ? WHERE id = ?");
    s.bind_all(now, session_id);
    s.run();
}

void UsersRepo::end_session(std::int64_t session_id, const std::string& now) {
    auto s = m_db.prepare("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL");
    s.bind_all(now, session_id);
    s.run();
}

std::int64_t UsersRepo::end_sessions_of(std::int64_t user_id, const std::string& now) {
    auto s =
        m_db.prepare("UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL");
    s.bind_all(now, user_id);
    s.run();
    return m_db.changes();
}

std::int64_t UsersRepo::create_token(std::int64_t user_id, const std::string& label,
                                     const std::string& token_hash, const std::string& now) {
    auto s = m_db.prepare("INSERT INTO api_tokens (user_id, label, token_hash, created_at) "
                          "VALUES (?, ?, ?, ?)");
    s.bind_all(user_id, label, token_hash, now);
    s.run();
    return m_db.last_insert_rowid();
}

std::optional<UsersRepo::TokenMatch> UsersRepo::token(const std::string& token_hash) {
    auto& s =
        m_db.cached(std::string("SELECT t.id, coalesce(t.last_used_at, ''), ") + k_user_columns +
                    " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE "
                    "t.token_hash = ? AND t.revoked_at IS NULL AND u.status = 'active'");
    s.bind(1, token_hash);
    std::optional<TokenMatch> found;
    if (s.step()) {
        found.emplace(TokenMatch{s.column_int(0), read_user(s, 2), s.column_text(1)});
    }
    s.reset();
    return found;
}

void UsersRepo::touch_token(std::int64_t id, const std::string& now) {
    auto s = m_db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
    s.bind_all(now, id);
    s.run();
}

bool UsersRepo::revoke_token(std::int64_t id, const std::string& now) {
    auto s =
        m_db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    s.bind_all(now, id);
    s.run();
    return m_db.changes() == 1;
}

std::vector<TokenRow> UsersRepo::tokens() {
    auto s = m_db.prepare("SELECT t.id, u.name, t.label, t.created_at, coalesce(t.last_used_at, "
                          "''), coalesce(t.revoked_at, '') FROM api_tokens t JOIN users u ON "
                          "u.id = t.user_id ORDER BY t.id");
    std::vector<TokenRow> rows;
    while (s.step()) {
        rows.push_back({s.column_int(0), s.column_text(1), s.column_text(2), s.column_text(3),
                        s.column_text(4), s.column_text(5)});
    }
    return rows;
}

void UsersRepo::add_failure(const std::string& name, const std::string& peer, const std::string& at,
                            const std::string& forget_before) {
    auto forget = m_db.prepare("DELETE FROM login_failures WHERE at < ?");
    forget.bind(1, forget_before);
    forget.run();
    auto s = m_db.prepare("INSERT INTO login_failures (at, name, peer) VALUES (?, ?, ?)");
    s.bind_all(at, name, peer);
    s.run();
}

LoginFailures UsersRepo::failures_since(const std::string& name, const std::string& peer,
                                        const std::string& since) {
    auto s = m_db.prepare("SELECT at, name = ?, peer = ? FROM login_failures WHERE at >= ? AND "
                          "(name = ? OR peer = ?) ORDER BY at");
    s.bind_all(name, peer, since, name, peer);
    LoginFailures failures;
    while (s.step()) {
        if (s.column_int(1) == 1) {
            failures.by_name.push_back(s.column_text(0));
        }
        if (s.column_int(2) == 1) {
            failures.by_peer.push_back(s.column_text(0));
        }
    }
    return failures;
}

void UsersRepo::clear_failures(const std::string& name) {
    auto s = m_db.prepare("DELETE FROM login_failures WHERE name = ?");
    s.bind(1, name);
    s.run();
}

void UsersRepo::lift_lockout(const std::string& name) {
    auto s = m_db.prepare("DELETE FROM login_failures WHERE name = ?1 OR peer IN (SELECT peer "
                          "FROM login_failures WHERE name = ?1)");
    s.bind(1, name);
    s.run();
}

} // namespace kibaru::store
