// Console accounts, their sessions and API tokens, and failed logins. Secrets never reach this
// file: passwords arrive hashed (Argon2id) and tokens as their SHA-256. All SQL about accounts
// lives here. Calls run inside the caller's Transaction where they write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {

class Database;

struct UserRow {
    std::int64_t id = 0;
    std::string name;
    std::string role; // admin, staff or auditor
    std::string password_hash;
    std::string status; // active or disabled
    std::string language;
    std::string created_at;
    std::string last_login_at; // "" before the first
};

struct TokenRow {
    std::int64_t id = 0;
    std::string user;
    std::string label;
    std::string created_at;
    std::string last_used_at;
    std::string revoked_at; // "" while valid
};

struct SessionRow {
    std::int64_t id = 0;
    std::string last_seen_at;
    UserRow user;
};

// When sign-ins failed ("2019-01-08T09:01:00Z"): for one name, and from one address.
struct LoginFailures {
    std::vector<std::string> by_name;
    std::vector<std::string> by_peer;
};

class UsersRepo {
public:
    explicit UsersRepo(Database& db) : m_db(db) {}

    std::int64_t create(const std::string& name, const std::string& role,
                        const std::string& password_hash, const std::string& now);
    std::optional<UserRow> find(const std::string& name);
    std::optional<UserRow> find_by_id(std::int64_t id);
    std::vector<UserRow> list();
    std::int64_t count();
    void set_password(std::int64_t id, const std::string& password_hash);
    void set_status(std::int64_t id, const std::string& status);
    void set_language(std::int64_t id, const std::string& language);
    void logged_in(std::int64_t id, const std::string& now);

    // Sessions. A session is valid while not ended and last seen at or after `idle_cutoff`.
    std::int64_t open_session(std::int64_t user_id, const std::string& token_hash,
                              const std::string& now, const std::string& peer);
    // The session, when valid and its user active.
    std::optional<SessionRow> session(const std::string& token_hash,
                                      const std::string& idle_cutoff);
    void touch_session(std::int64_t session_id, const std::string& now);
    void end_session(std::int64_t session_id, const std::string& now);
    // Ends every open session of a user. Returns how many.
    std::int64_t end_sessions_of(std::int64_t user_id, const std::string& now);

    // API tokens.
    std::int64_t create_token(std::int64_t user_id, const std::string& label,
                              const std::string& token_hash, const std::string& now);
    // The token's id and user, when not revoked and its user active.
    struct TokenMatch {
        std::int64_t id = 0;
        UserRow user;
        std::string last_used_at; // "" before its first use
    };
    std::optional<TokenMatch> token(const std::string& token_hash);
    void touch_token(std::int64_t id, const std::string& now);
    // Revokes token `id`; false when no such token or already revoked.
    bool revoke_token(std::int64_t id, const std::string& now);
    std::vector<TokenRow> tokens();

    // Failed logins.
    // Records a failure at `at`, and forgets those before `forget_before` (the lockout reads
    // none older), so that the table stays as small as the lockout needs.
    void add_failure(const std::string& name, const std::string& peer, const std::string& at,
                     const std::string& forget_before);
    // The times of the failures since `since` for `name`, and for `peer`, oldest first.
    LoginFailures failures_since(const std::string& name, const std::string& peer,
                                 const std::string& since);
    // After a successful sign-in: the name's failures are forgotten.
    void clear_failures(const std::string& name);
    // An admin enabling the account: its failures, and every failure of the addresses that
    // tried it (their lockout by address came from this account), are forgotten.
    void lift_lockout(const std::string& name);

private:
    Database& m_db;
};

} // namespace kibaru::store
